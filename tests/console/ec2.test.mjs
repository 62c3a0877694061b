// The console's EC2 section in Chromium against the real awslab-server: the
// launch form (a new key pair downloaded as .pem, a new security group, the
// Name tag, t2.micro), the instances table following the simulation clock
// (pending -> running on its 2 s refresh), stop, Elastic IPs, start,
// terminate, a spot instance refused a stop, volumes, security group rules,
// key pairs and the region switch. What the page did is checked through
// other clients too: the awslab CLI and signed EC2 calls from Node.

import assert from "node:assert/strict";
import crypto from "node:crypto";
import fs from "node:fs";
import { before, describe, test } from "node:test";

import {
  TEACHER, accessibilityViolations, advanceClock, awslabCli, newPage, screenshot, serverAndBrowser, signIn,
} from "./harness.mjs";

// A signed EC2 Query call from Node (fetch, not the page): answers {status, xml}.
async function ec2Call(server, action, params = {}, region = "us-east-1", who = TEACHER) {
  const { signRequest, sha256Hex } = await import("../../emulator/console/js/sigv4.js");
  const body = new URLSearchParams({ Action: action, Version: "2016-11-15", ...params }).toString();
  const url = new URL("/", server.endpoint);
  const headers = await signRequest({
    method: "POST", host: url.host, path: "/", query: [],
    headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
    payloadHash: await sha256Hex(body), region, service: "ec2",
    credentials: { accessKeyId: who.keyId, secretAccessKey: who.secret },
  });
  const response = await fetch(url, { method: "POST", headers, body });
  return { status: response.status, xml: await response.text() };
}

// The instances of `ids` as the awslab CLI lists them (JSON).
async function cliInstances(server, ids, region = "us-east-1") {
  const out = await awslabCli(server, ["ec2", "ls", ...ids, "--region", region, "--output", "json"]);
  return JSON.parse(out).Instances;
}

// An ED25519 public key as an OpenSSH line (what ~/.ssh/id_ed25519.pub holds).
function ed25519OpenSsh(comment) {
  const { publicKey } = crypto.generateKeyPairSync("ed25519");
  const raw = publicKey.export({ format: "der", type: "spki" }).subarray(-32);
  const str = (b) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
  const blob = Buffer.concat([str(Buffer.from("ssh-ed25519")), str(raw)]);
  return `ssh-ed25519 ${blob.toString("base64")} ${comment}`;
}

describe("console EC2 section in Chromium", () => {
  let server, browser, page, problems, httpErrors;
  let instanceId = "", spotId = "", zone = "";

  const env = serverAndBrowser();
  before(async () => {
    ({ server, browser } = env);
    ({ page, problems, httpErrors } = await newPage(browser));
    await signIn(page, server);
  });

  const nav = (name) => page.getByRole("navigation", { name: "Services" }).getByRole("link", { name, exact: true }).click();
  const dialog = (name) => page.getByRole("dialog", { name });
  const instanceRow = (id) => page.locator(`#instances-table tbody tr[data-id="${id}"]`);
  const stateCell = (id) => instanceRow(id).locator('td[data-col="state"]');
  const waitState = (id, state) => stateCell(id).getByText(state, { exact: true }).waitFor({ timeout: 15_000 });
  // The screenshot without the pile of success notices a fast test leaves.
  const shoot = async (name) => {
    await page.evaluate(() => document.querySelectorAll("#notices .notice").forEach((n) => n.remove()));
    await screenshot(page, name);
  };

  test("launch from the form with a new key pair and security group; the row goes pending, then running on the clock", async () => {
    await nav("Launch instance");
    await page.getByRole("heading", { name: "Launch an instance", level: 1 }).waitFor();
    await page.getByText("Region: US East (N. Virginia) us-east-1").waitFor();
    // The course's image is offered first and chosen; the type shows its price.
    assert.equal(await page.getByRole("radio", { name: /DSI-Template/ }).isChecked(), true);
    await page.getByLabel("Name", { exact: true }).fill("course-web");
    await page.getByLabel("Instance type", { exact: true }).selectOption("t2.micro");
    await page.locator("#launch-type-info", { hasText: "On-demand $0.0116/hour" }).waitFor();
    await page.locator("#launch-type-info", { hasText: "Free tier eligible" }).waitFor();

    // A new key pair: its private key is downloaded at once as <name>.pem.
    const downloading = page.waitForEvent("download");
    await page.getByRole("button", { name: "Create new key pair" }).click();
    await dialog("Create key pair").getByLabel("Key pair name").fill("course-key");
    await dialog("Create key pair").getByRole("button", { name: "Create key pair" }).click();
    const download = await downloading;
    assert.equal(download.suggestedFilename(), "course-key.pem");
    const pem = fs.readFileSync(await download.path(), "utf8");
    assert.match(pem, /^-----BEGIN RSA PRIVATE KEY-----\n/);
    assert.match(pem, /-----END RSA PRIVATE KEY-----\s*$/);
    // The new key pair is chosen once the list is read again.
    await page.waitForFunction(() => document.getElementById("launch-key")?.value === "course-key");
    assert.equal(await page.getByLabel("Key pair name").inputValue(), "course-key");

    // A new security group with SSH (checked by default) and HTTP.
    await page.getByLabel("Create security group").check();
    await page.getByLabel("Security group name").fill("course-web-sg");
    await page.getByLabel(/Allow HTTP traffic/).check();
    assert.equal(await page.getByLabel(/Allow SSH traffic/).isChecked(), true);
    await page.locator("#launch-price", { hasText: "$0.0116/hour" }).waitFor();
    assert.equal(await page.getByLabel("Root volume size (GiB)").inputValue(), "8");
    await page.getByLabel("Root volume size (GiB)").fill("12");
    assert.deepEqual(await accessibilityViolations(page), []);
    await shoot("ec2-02-launch");
    await page.getByRole("button", { name: "Launch instance", exact: true }).click();

    // The instances page, the new instance selected and pending.
    await page.waitForURL(/#\/ec2\/instances/);
    const row = page.locator("#instances-table tbody tr", { hasText: "course-web" });
    await row.waitFor();
    instanceId = await row.getAttribute("data-id");
    assert.match(instanceId, /^i-[0-9a-f]{17}$/);
    await waitState(instanceId, "pending");
    assert.equal(await page.getByRole("radio", { name: `Select course-web (${instanceId})` }).isChecked(), true);
    zone = (await instanceRow(instanceId).locator('td[data-col="az"]').textContent()).trim();
    assert.match(zone, /^us-east-1[a-f]$/);
    // The clock moves; the page's 2 s refresh shows running (no reload, no click).
    await advanceClock(server, 10);
    await waitState(instanceId, "running");
    const dns = (await instanceRow(instanceId).locator('td[data-col="publicDns"]').textContent()).trim();
    assert.match(dns, /^ec2-\d+-\d+-\d+-\d+\.compute-1\.amazonaws\.com$/);
    assert.equal((await instanceRow(instanceId).locator('td[data-col="keyName"]').textContent()).trim(), "course-key");
    // The details panel of the selected instance.
    const panel = page.locator("#instance-details");
    await panel.getByText("ami-d1737bb8").waitFor();
    await panel.getByRole("link", { name: /^sg-/ }).waitFor();
    assert.deepEqual(await accessibilityViolations(page), []);
    await shoot("ec2-01-instances");

    // Independently: the awslab CLI sees the Name tag, the type, the key and the group.
    const [listed] = await cliInstances(server, [instanceId]);
    assert.equal(listed.Name, "course-web");
    assert.equal(listed.InstanceType, "t2.micro");
    assert.equal(listed.KeyName, "course-key");
    assert.equal(listed.State, "running");
    assert.equal(listed.ImageId, "ami-d1737bb8");
    assert.deepEqual(listed.SecurityGroups.map((g) => g.GroupName), ["course-web-sg"]);
    assert.equal(listed.PublicDnsName, dns);
    // The group's rules: SSH and HTTP from anywhere; the root volume of 12 GiB.
    const groups = await ec2Call(server, "DescribeSecurityGroups", { "GroupName.1": "course-web-sg" });
    assert.equal(groups.status, 200);
    const ports = [...groups.xml.split("<ipPermissionsEgress>")[0].matchAll(/<fromPort>(\d+)<\/fromPort>/g)].map((m) => m[1]);
    assert.deepEqual(ports.sort(), ["22", "80"]);
    assert.match(groups.xml, /<cidrIp>0\.0\.0\.0\/0<\/cidrIp>/);
    const volumes = await ec2Call(server, "DescribeVolumes", { "Filter.1.Name": "attachment.instance-id", "Filter.1.Value.1": instanceId });
    assert.match(volumes.xml, /<size>12<\/size>/);
    assert.deepEqual(problems, []);
  });

  test("stop (confirmed); an Elastic IP associated shows on the row and stays through a start; disassociate and release", async () => {
    await page.getByRole("radio", { name: `Select course-web (${instanceId})` }).check();
    await page.getByRole("button", { name: "Stop instance" }).click();
    await dialog("Stop instance?").getByRole("button", { name: "Stop", exact: true }).click();
    await waitState(instanceId, "stopping");
    await advanceClock(server, 10);
    await waitState(instanceId, "stopped");
    await instanceRow(instanceId).locator('td[data-col="publicIp"]').getByText("–").waitFor();

    await nav("Elastic IPs");
    await page.getByRole("heading", { name: "Elastic IP addresses", level: 1 }).waitFor();
    await page.locator("#eip-billing-note", { hasText: "billed $0.005 per hour while it is idle" }).waitFor();
    await page.getByRole("button", { name: "Allocate Elastic IP address" }).click();
    const eipRow = page.locator("#addresses-table tbody tr.selected");
    await eipRow.waitFor();
    const allocationId = await eipRow.getAttribute("data-id");
    assert.match(allocationId, /^eipalloc-/);
    const ip = (await eipRow.locator('td[data-col="publicIp"]').textContent()).trim();
    assert.match(ip, /^\d+\.\d+\.\d+\.\d+$/);
    await page.getByRole("button", { name: "Associate Elastic IP address", exact: true }).click();
    await dialog("Associate Elastic IP address").getByLabel("Instance").selectOption(instanceId);
    await dialog("Associate Elastic IP address").getByRole("button", { name: "Associate", exact: true }).click();
    await eipRow.locator('td[data-col="instanceId"]', { hasText: instanceId }).waitFor();
    // Associated with a stopped instance: idle, billed.
    await eipRow.locator('td[data-col="billed"]', { hasText: "while idle" }).waitFor();
    assert.deepEqual(await accessibilityViolations(page), []);
    await shoot("ec2-03-elastic-ips");

    // The instance row shows the address, marked, while stopped and after a start.
    await nav("Instances");
    const ipCell = instanceRow(instanceId).locator('td[data-col="publicIp"]');
    await ipCell.getByText(ip).waitFor();
    await ipCell.getByText("Elastic IP").waitFor();
    await page.getByRole("radio", { name: `Select course-web (${instanceId})` }).check();
    await page.getByRole("button", { name: "Start instance" }).click();
    await waitState(instanceId, "pending");
    await advanceClock(server, 10);
    await waitState(instanceId, "running");
    await ipCell.getByText(ip).waitFor();
    assert.equal((await cliInstances(server, [instanceId]))[0].PublicIpAddress, ip);

    // Disassociate, release: the instance gets an address of its own.
    await nav("Elastic IPs");
    await page.getByRole("radio", { name: `Select ${ip} (${allocationId})` }).check();
    await page.locator('#addresses-table td[data-col="billed"]', { hasText: "no charge" }).waitFor();
    await page.getByRole("button", { name: "Disassociate Elastic IP address" }).click();
    await dialog("Disassociate Elastic IP address?").getByRole("button", { name: "Disassociate", exact: true }).click();
    await page.locator(`#addresses-table tr[data-id="${allocationId}"] td[data-col="instanceId"]`, { hasText: "–" }).waitFor();
    await page.getByRole("button", { name: "Release Elastic IP address" }).click();
    await dialog("Release Elastic IP address?").getByRole("button", { name: "Release", exact: true }).click();
    await page.locator("#addresses-table td.empty").waitFor();
    const addresses = await ec2Call(server, "DescribeAddresses");
    assert.doesNotMatch(addresses.xml, /<item>/);
    const [released] = await cliInstances(server, [instanceId]);
    assert.notEqual(released.PublicIpAddress, ip);
    assert.match(released.PublicIpAddress, /^\d+\.\d+\.\d+\.\d+$/);
    assert.deepEqual(problems, []);
  });

  test("terminate (confirmed): shutting-down, then terminated", async () => {
    await nav("Instances");
    await page.getByRole("radio", { name: `Select course-web (${instanceId})` }).check();
    await page.getByRole("button", { name: "Terminate instance" }).click();
    await dialog("Terminate instance?").getByRole("button", { name: "Terminate", exact: true }).click();
    await waitState(instanceId, "shutting-down");
    await advanceClock(server, 10);
    await waitState(instanceId, "terminated");
    assert.equal(await page.getByRole("button", { name: "Start instance" }).isDisabled(), true);
    assert.equal((await cliInstances(server, [instanceId]))[0].State, "terminated");
    assert.deepEqual(problems, []);
  });

  test("a spot instance shows its spot price and mark; its stop is refused with AWS's error", async () => {
    await nav("Launch instance");
    await page.getByLabel("Name", { exact: true }).fill("spot-worker");
    await page.getByLabel("Request spot instance").check();
    // t2.micro: 0.3 x $0.0116.
    await page.locator("#launch-spot-info", { hasText: "Spot price: $0.00348/hour" }).waitFor();
    await page.locator("#launch-price", { hasText: "$0.00348/hour" }).waitFor();
    await page.getByLabel("Select existing security group").check();
    await page.getByRole("checkbox", { name: /^course-web-sg/ }).check();
    await page.getByRole("button", { name: "Launch instance", exact: true }).click();
    await page.waitForURL(/#\/ec2\/instances/);
    const row = page.locator("#instances-table tbody tr", { hasText: "spot-worker" });
    await row.waitFor();
    spotId = await row.getAttribute("data-id");
    await row.locator('td[data-col="id"]').getByText("spot", { exact: true }).waitFor();
    await waitState(spotId, "pending");
    // From the keyboard: Space on the row's radio selects it; the 2 s
    // refresh that shows the new state keeps the focus where it was.
    const radio = page.getByRole("radio", { name: `Select spot-worker (${spotId})` });
    await radio.focus();
    await page.keyboard.press("Space");
    assert.equal(await radio.isChecked(), true);
    await page.locator("#instance-details", { hasText: `Instance summary for ${spotId}` }).waitFor();
    await page.locator("#instance-details", { hasText: "spot (sir-" }).waitFor();
    await advanceClock(server, 20);
    await waitState(spotId, "running");
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.focus), `select:${spotId}`);
    await page.getByRole("button", { name: "Stop instance" }).click();
    await dialog("Stop instance?").getByRole("button", { name: "Stop", exact: true }).click();
    const alert = page.getByRole("alert").filter({ hasText: "UnsupportedOperation" });
    await alert.waitFor();
    assert.match(await alert.textContent(), new RegExp(`The instance '${spotId}' is a spot instance and cannot be stopped`));
    await alert.getByRole("button", { name: "Dismiss" }).click();
    await waitState(spotId, "running");
    assert.equal((await cliInstances(server, [spotId]))[0].InstanceLifecycle, "spot");
    assert.ok(httpErrors.some((e) => / 400/.test(e)), "the refused stop is the API's 400");
    assert.deepEqual(problems, []);
  });

  test("volumes: create (creating, then available), attach, detach, delete", async () => {
    await nav("Volumes");
    await page.getByRole("heading", { name: "Volumes", level: 1 }).waitFor();
    // The spot instance's root volume is listed, attached.
    await page.locator("#volumes-table tbody tr", { hasText: spotId }).waitFor();
    await page.getByRole("button", { name: "Create volume" }).click();
    const create = dialog("Create volume");
    await create.getByLabel("Size (GiB)").fill("5");
    await create.getByLabel("Volume type").selectOption("gp2");
    await create.getByLabel("Availability Zone").selectOption(zone);
    await create.getByLabel("Name tag (optional)").fill("scratch");
    await create.getByRole("button", { name: "Create volume" }).click();
    const row = page.locator("#volumes-table tbody tr.selected");
    await row.locator('td[data-col="name"]', { hasText: "scratch" }).waitFor();
    const volumeId = await row.getAttribute("data-id");
    await row.locator('td[data-col="state"]').getByText("creating").waitFor();
    await advanceClock(server, 5);
    await row.locator('td[data-col="state"]').getByText("available").waitFor({ timeout: 15_000 });

    await page.getByRole("button", { name: "Attach volume" }).click();
    await dialog(`Attach volume ${volumeId}`).getByLabel("Instance").selectOption(spotId);
    await dialog(`Attach volume ${volumeId}`).getByLabel("Device name").fill("/dev/sdf");
    await dialog(`Attach volume ${volumeId}`).getByRole("button", { name: "Attach", exact: true }).click();
    await row.locator('td[data-col="instanceId"]', { hasText: `${spotId} (spot-worker): /dev/sdf` }).waitFor();
    await row.locator('td[data-col="state"]').getByText("in-use").waitFor();
    const attached = await ec2Call(server, "DescribeVolumes", { "VolumeId.1": volumeId });
    assert.match(attached.xml, new RegExp(`<instanceId>${spotId}</instanceId><device>/dev/sdf</device>`));
    assert.deepEqual(await accessibilityViolations(page), []);
    await shoot("ec2-04-volumes");

    await page.getByRole("button", { name: "Detach volume" }).click();
    await dialog("Detach volume?").getByRole("button", { name: "Detach", exact: true }).click();
    await row.locator('td[data-col="state"]').getByText("available").waitFor();
    await page.getByRole("button", { name: "Delete volume" }).click();
    await dialog("Delete volume?").getByRole("button", { name: "Delete", exact: true }).click();
    await page.locator(`#volumes-table tr[data-id="${volumeId}"]`).waitFor({ state: "detached" });
    const gone = await ec2Call(server, "DescribeVolumes", { "VolumeId.1": volumeId });
    assert.equal(gone.status, 400);
    assert.match(gone.xml, /InvalidVolume\.NotFound/);
    assert.deepEqual(problems, []);
  });

  test("security groups: the launch's rules, a rule added and one removed as DescribeSecurityGroups sees them; create and delete", async () => {
    await nav("Security groups");
    const table = page.locator("#security-groups-table");
    await table.locator("tr", { hasText: "course-web-sg" }).waitFor();
    await page.getByRole("radio", { name: /^Select course-web-sg/ }).check();
    const inbound = page.locator("#sg-inbound-rules");
    await inbound.locator("tr", { hasText: "SSH" }).waitFor();
    await inbound.locator("tr", { hasText: "HTTP" }).waitFor();
    await page.getByLabel("Type", { exact: true }).selectOption("Custom TCP (RStudio Server 8787)");
    assert.equal(await page.getByLabel("Port range").inputValue(), "8787");
    await page.getByLabel("Source (CIDR)").fill("0.0.0.0/0");
    await page.getByRole("button", { name: "Add inbound rule" }).click();
    await inbound.locator("tr", { hasText: "8787" }).waitFor();
    let seen = await ec2Call(server, "DescribeSecurityGroups", { "GroupName.1": "course-web-sg" });
    assert.match(seen.xml, /<fromPort>8787<\/fromPort><toPort>8787<\/toPort>/);
    // A malformed source is refused in the page, before any call.
    await page.getByLabel("Type", { exact: true }).selectOption("Custom TCP");
    await page.getByLabel("Port range").fill("8000-8080");
    await page.getByLabel("Source (CIDR)").fill("anywhere");
    await page.getByRole("button", { name: "Add inbound rule" }).click();
    await page.locator("#rule-error", { hasText: "CIDR block" }).waitFor();
    assert.deepEqual(await accessibilityViolations(page), []);
    await shoot("ec2-05-security-groups");

    await page.getByRole("button", { name: "Remove inbound rule HTTP TCP 80 from 0.0.0.0/0" }).click();
    await dialog("Remove inbound rule?").getByRole("button", { name: "Remove rule" }).click();
    await inbound.locator("tr", { hasText: "HTTP" }).waitFor({ state: "detached" });
    seen = await ec2Call(server, "DescribeSecurityGroups", { "GroupName.1": "course-web-sg" });
    const inboundXml = seen.xml.split("<ipPermissionsEgress>")[0];
    assert.doesNotMatch(inboundXml, /<fromPort>80<\/fromPort>/);
    assert.match(inboundXml, /<fromPort>22<\/fromPort>/);

    await page.getByRole("button", { name: "Create security group" }).click();
    await dialog("Create security group").getByLabel("Security group name").fill("scratch-sg");
    await dialog("Create security group").getByLabel("Description").fill("made and deleted by the test");
    await dialog("Create security group").getByRole("button", { name: "Create security group" }).click();
    await table.locator("tr.selected", { hasText: "scratch-sg" }).waitFor();
    await page.getByRole("button", { name: "Delete security group" }).click();
    await dialog("Delete security group?").getByRole("button", { name: "Delete", exact: true }).click();
    await table.locator("tr", { hasText: "scratch-sg" }).waitFor({ state: "detached" });
    seen = await ec2Call(server, "DescribeSecurityGroups", { "GroupName.1": "scratch-sg" });
    assert.equal(seen.status, 400);
    assert.deepEqual(problems, []);
  });

  test("key pairs: the launch's key listed; import a public key, delete it", async () => {
    await nav("Key pairs");
    const table = page.locator("#keypairs-table");
    await table.locator("tr", { hasText: "course-key" }).waitFor();
    await page.getByRole("button", { name: "Import key pair" }).click();
    const imp = dialog("Import key pair");
    await imp.getByLabel("Key pair name").fill("laptop");
    await imp.getByLabel("Public key contents").fill(ed25519OpenSsh("me@laptop"));
    await imp.getByRole("button", { name: "Import key pair" }).click();
    const row = table.locator("tr.selected", { hasText: "laptop" });
    await row.locator('td[data-col="type"]', { hasText: "ed25519" }).waitFor();
    let seen = await ec2Call(server, "DescribeKeyPairs");
    assert.match(seen.xml, /<keyName>laptop<\/keyName>/);
    assert.deepEqual(await accessibilityViolations(page), []);
    await shoot("ec2-06-key-pairs");
    await page.getByRole("button", { name: "Delete key pair" }).click();
    await dialog("Delete key pair?").getByRole("button", { name: "Delete", exact: true }).click();
    await table.locator("tr", { hasText: "laptop" }).waitFor({ state: "detached" });
    seen = await ec2Call(server, "DescribeKeyPairs");
    assert.doesNotMatch(seen.xml, /<keyName>laptop<\/keyName>/);
    assert.match(seen.xml, /<keyName>course-key<\/keyName>/);
    assert.deepEqual(problems, []);
  });

  test("the region switch: another region's AMIs, none of us-east-1's instances; a region awslab lacks says so", async () => {
    await nav("Launch instance");
    const amiIds = async () => page.locator(".ec2-ami input[name=ami]").evaluateAll((els) => els.map((e) => e.value));
    await page.getByRole("radio", { name: /DSI-Template/ }).waitFor();
    const east = await amiIds();
    assert.ok(east.includes("ami-d1737bb8"));
    await page.getByLabel("Region").selectOption("us-west-2");
    await page.getByText("Region: US West (Oregon) us-west-2").waitFor();
    await page.locator(".ec2-ami").first().waitFor();
    const west = await amiIds();
    assert.ok(west.length > 0);
    assert.ok(!west.includes("ami-d1737bb8"), "the course's image is us-east-1's only");
    assert.deepEqual(west.filter((id) => east.includes(id)), [], "AMIs are regional: no id in common");
    await shoot("ec2-07-launch-us-west-2");

    await nav("Instances");
    await page.locator("#instances-table td.empty", { hasText: "No instances in us-west-2" }).waitFor();
    assert.equal(await page.locator(`#instances-table tr[data-id="${spotId}"]`).count(), 0);
    assert.deepEqual(await cliInstances(server, [], "us-west-2"), []);

    // The top bar offers the regions EC2 serves, as DescribeRegions lists them.
    const offered = await page.getByLabel("Region").locator("option").evaluateAll((os) => os.map((o) => o.value));
    const described = [...(await ec2Call(server, "DescribeRegions")).xml.matchAll(/<regionName>([^<]+)<\/regionName>/g)]
      .map((m) => m[1]);
    assert.deepEqual([...offered].sort(), [...described].sort());
    assert.ok(!offered.includes("ap-south-1"));
    await page.getByLabel("Region").selectOption("us-east-1");
    await instanceRow(spotId).waitFor();
    assert.deepEqual(problems, []);
    // The only failed calls were the API's refusals the tests asked for.
    assert.deepEqual(httpErrors.filter((e) => !/status of 400/.test(e)), []);
  });
});
