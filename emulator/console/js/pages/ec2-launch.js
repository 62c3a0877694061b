// EC2 > Launch instance: the launch wizard of the course's screenshots on one
// page: Name tag, AMI (the region's), instance type with its hourly price,
// key pair (or a new one, downloaded at once as <name>.pem), security group
// (or a new one with SSH, HTTP and a custom port open), root volume, count,
// spot. RunInstances as the aws CLI sends it; then the instances page.

import { items, text } from "../aws.js";
import { busy, downloadText, errorText, field, formatTime, h, modal, notify, replace } from "../ui.js";
import {
  SECTION, badge, checkRegion, clientToken, describeAll, describeKeyPairs, describeSecurityGroups, ec2,
  ipPermissions, list, parseImage, regionName, tagSpecification, usdPerHour,
} from "./ec2-common.js";

// The course's community image (us-east-1 only), chosen by default when present.
const COURSE_AMI = "ami-d1737bb8";

let pricesPromise = null;

// GET /_awslab/prices: EC2's API has no prices. Cached for the page's life.
export function prices(ctx) {
  if (!pricesPromise) {
    pricesPromise = ctx.session.admin("GET", "/_awslab/prices").catch((e) => {
      pricesPromise = null;
      throw e;
    });
  }
  return pricesPromise;
}

// The private key of a new key pair, saved at once: AWS never shows it again.
export async function createKeyPairDialog(ctx) {
  const name = h("input", { id: "new-key-name", required: true, autocomplete: "off", spellcheck: "false" });
  const type = h("select", { id: "new-key-type" },
    h("option", { value: "rsa", selected: true }, "RSA (2048 bit, .pem)"),
    h("option", { value: "ed25519" }, "ED25519 (.pem, OpenSSH format)"));
  let created = null;
  const result = await modal({
    title: "Create key pair",
    body: h("div", {},
      field("Key pair name", name, "Up to 255 ASCII characters. The private key is downloaded once, as <name>.pem: keep it (chmod 400)."),
      field("Key pair type", type)),
    actions: [{ label: "Cancel", value: null }, { label: "Create key pair", kind: "primary", value: true }],
    onSubmit: async () => {
      const keyName = name.value.trim();
      if (!keyName) {
        name.setAttribute("aria-invalid", "true");
        throw new Error("Enter a name for the key pair.");
      }
      const root = await ctx.session.ec2("CreateKeyPair", [["KeyName", keyName], ["KeyType", type.value]],
                                         { region: ctx.region });
      created = { name: text(root, "keyName"), id: text(root, "keyPairId"), fingerprint: text(root, "keyFingerprint") };
      downloadText(`${created.name}.pem`, text(root, "keyMaterial"));
      return true;
    },
  });
  if (result && created) notify(`Created key pair ${created.name}; its private key was downloaded as ${created.name}.pem.`, "success");
  return result ? created : null;
}

const CIDR = /^(\d{1,3})(\.\d{1,3}){3}\/\d{1,2}$|^[0-9a-fA-F:]+\/\d{1,3}$/;

export function validCidr(value) {
  if (!CIDR.test(value)) return false;
  if (value.includes(":")) return true;
  const [ip, bits] = value.split("/");
  return ip.split(".").every((o) => Number(o) <= 255) && Number(bits) <= 32;
}

function parsePort(value) {
  const s = String(value).trim();
  if (!/^\d{1,5}$/.test(s)) return null;
  const n = Number(s);
  return n <= 65535 ? n : null;
}

async function renderLaunch(view, ctx) {
  view.append(h("h1", {}, "Launch an instance"));
  if (!(await checkRegion(view, ctx))) return;
  const loading = h("p", { class: "loading" }, "Reading the region's images, instance types, key pairs and security groups…");
  view.append(loading);

  const [imageItems, priceList, keyPairs, groups, clock] = await Promise.all([
    describeAll(ctx, "DescribeImages", [], "imagesSet"),
    prices(ctx),
    describeKeyPairs(ctx),
    describeSecurityGroups(ctx),
    ctx.session.admin("GET", "/_awslab/clock").catch(() => ({ now: new Date().toISOString() })),
  ]);
  if (!ctx.current) return;
  loading.remove();
  // The course's image first, then the region's others as DescribeImages lists them.
  const images = imageItems.map(parseImage).sort((a, b) => (b.id === COURSE_AMI) - (a.id === COURSE_AMI));
  const types = priceList.instance_types ?? [];
  const spotFraction = Number(priceList.spot_fraction ?? "0.3");
  const classic = priceList.rules !== "per-second";

  // --- Name and tags
  const nameInput = h("input", { id: "launch-name", name: "name", autocomplete: "off", placeholder: "e.g. My Web Server" });

  // --- AMI
  const defaultImage = images[0];
  const amiList = h("div", { class: "ec2-ami-list", role: "radiogroup", "aria-labelledby": "ami-legend" });
  for (const img of images) {
    const id = `ami-${img.id}`;
    amiList.append(h("div", { class: "ec2-ami" },
      h("input", { type: "radio", name: "ami", id, value: img.id, checked: img === defaultImage, onchange: () => amiChanged() }),
      h("label", { for: id },
        h("span", { class: "ec2-ami-name" }, img.name),
        h("span", { class: "ec2-ami-meta" }, h("code", {}, img.id), ` · owner ${img.ownerAlias ? `${img.ownerAlias} (${img.owner})` : img.owner}`,
          ` · ${img.platform || "Linux/UNIX"}, ${img.architecture} · root ${img.rootDevice} ${img.rootSize} GiB`),
        img.description && img.description !== img.name ? h("span", { class: "ec2-ami-desc" }, img.description) : null)));
  }
  const amiFieldset = h("fieldset", { class: "ec2-launch-section" },
    h("legend", { id: "ami-legend" }, "Application and OS Images (Amazon Machine Image)"),
    h("p", { class: "muted" }, `Images of ${regionName(ctx)}, the region chosen in the top bar. AMIs are regional: an image id of one region does not exist in another.`),
    images.length ? amiList : h("p", { class: "ec2-note", id: "no-amis" },
      `No AMIs in ${ctx.region}: AMIs are regional, choose another region in the top bar.`));

  // --- Instance type
  const typeSelect = h("select", { id: "launch-type", name: "instance-type", onchange: () => update() });
  const families = new Map();
  for (const t of types) {
    const family = t.name.split(".")[0];
    if (!families.has(family)) families.set(family, []);
    families.get(family).push(t);
  }
  for (const [family, members] of families) {
    typeSelect.append(h("optgroup", { label: family }, members.map((t) =>
      h("option", { value: t.name, selected: t.name === "t2.micro" },
        `${t.name} · ${t.vcpus} vCPU · ${Number(t.memory_gib)} GiB · ${usdPerHour(t.usd_per_hour)}/hour${t.free_tier_eligible ? " · free tier eligible" : ""}`))));
  }
  const typeInfo = h("div", { class: "ec2-type-info", id: "launch-type-info", "aria-live": "polite" });

  // --- Key pair
  const keySelect = h("select", { id: "launch-key", name: "key-name", onchange: () => update() });
  const fillKeys = (pairs, chosen) => {
    replace(keySelect,
      h("option", { value: "" }, "Proceed without a key pair (not recommended)"),
      pairs.map((k) => h("option", { value: k.name, selected: k.name === chosen }, `${k.name} (${k.type})`)));
    if (!chosen && pairs.length) keySelect.value = pairs[0].name;
  };
  fillKeys(keyPairs, null);
  const newKeyButton = h("button", { type: "button", id: "launch-new-key", onclick: async () => {
    const created = await createKeyPairDialog(ctx);
    if (!created) return;
    const fresh = await describeKeyPairs(ctx).catch(() => [...keyPairs, { name: created.name, type: "rsa" }]);
    fillKeys(fresh, created.name);
    update();
    keySelect.focus();
  } }, "Create new key pair");

  // --- Network settings
  let groupList = groups;
  let createdGroup = null; // {id, rulesAdded}: a group made by a launch that then failed
  const sgModeExisting = h("input", { type: "radio", name: "sg-mode", id: "sg-mode-existing", value: "existing", onchange: () => sgModeChanged() });
  const sgModeNew = h("input", { type: "radio", name: "sg-mode", id: "sg-mode-new", value: "new", checked: true, onchange: () => sgModeChanged() });
  const existingBox = h("div", { class: "ec2-sg-existing", id: "sg-existing", role: "group", "aria-label": "Existing security groups" });
  const fillGroups = (checkedIds) => {
    replace(existingBox, groupList.map((g) => {
      const id = `sg-choice-${g.id}`;
      return h("div", { class: "ec2-check" },
        h("input", { type: "checkbox", id, value: g.id, checked: checkedIds.includes(g.id), onchange: () => update() }),
        h("label", { for: id }, `${g.groupName} `, h("code", {}, g.id), h("span", { class: "muted" }, ` ${g.description}`)));
    }));
  };
  fillGroups(groupList.filter((g) => g.groupName === "default").map((g) => g.id));
  let wizardN = 1;
  while (groupList.some((g) => g.groupName === `launch-wizard-${wizardN}`)) wizardN++;
  const sgName = h("input", { id: "sg-new-name", value: `launch-wizard-${wizardN}`, autocomplete: "off", oninput: () => update() });
  const sgDescription = h("input", { id: "sg-new-description", autocomplete: "off",
                                    value: `launch-wizard-${wizardN} created ${formatTime(clock.now)}` });
  const allowSsh = h("input", { type: "checkbox", id: "sg-allow-ssh", checked: true, onchange: () => update() });
  const allowHttp = h("input", { type: "checkbox", id: "sg-allow-http", onchange: () => update() });
  const allowCustom = h("input", { type: "checkbox", id: "sg-allow-custom", onchange: () => update() });
  const customPort = h("input", { id: "sg-custom-port", value: "8787", inputmode: "numeric", size: 6, oninput: () => update() });
  const ruleCidr = h("input", { id: "sg-cidr", value: "0.0.0.0/0", size: 18, spellcheck: "false", oninput: () => update() });
  const newBox = h("div", { class: "ec2-sg-new", id: "sg-new" },
    field("Security group name", sgName),
    field("Description", sgDescription),
    h("fieldset", { class: "ec2-rules" }, h("legend", {}, "Inbound rules"),
      h("div", { class: "ec2-check" }, allowSsh, h("label", { for: allowSsh.id }, "Allow SSH traffic (TCP port 22)")),
      h("div", { class: "ec2-check" }, allowHttp, h("label", { for: allowHttp.id }, "Allow HTTP traffic from the internet (TCP port 80)")),
      h("div", { class: "ec2-check" }, allowCustom, h("label", { for: allowCustom.id }, "Allow a custom TCP port (RStudio Server: 8787)")),
      field("Custom TCP port", customPort),
      field("Source (CIDR) of these rules", ruleCidr, "0.0.0.0/0 is anywhere on the internet.")));
  const networkFieldset = h("fieldset", { class: "ec2-launch-section" },
    h("legend", {}, "Network settings: firewall (security groups)"),
    h("p", { class: "muted" }, "A security group is a set of firewall rules for the instance's traffic. The instance goes into the region's default VPC."),
    h("div", { class: "ec2-radio-row", role: "radiogroup", "aria-label": "Firewall" },
      h("span", { class: "ec2-check" }, sgModeNew, h("label", { for: sgModeNew.id }, "Create security group")),
      h("span", { class: "ec2-check" }, sgModeExisting, h("label", { for: sgModeExisting.id }, "Select existing security group"))),
    newBox, existingBox);

  // --- Storage
  const volumeSize = h("input", { type: "number", id: "launch-volume-size", min: 1, max: 16384, step: 1, oninput: () => update() });
  const volumeType = h("select", { id: "launch-volume-type", onchange: () => update() },
    ["gp2", "gp3", "standard"].map((t) => h("option", { value: t, selected: t === "gp2" }, t)));
  const storageHint = h("small", { class: "hint", id: "launch-volume-hint" });
  const storageFieldset = h("fieldset", { class: "ec2-launch-section" },
    h("legend", {}, "Configure storage"),
    h("div", { class: "ec2-inline-fields" }, field("Root volume size (GiB)", volumeSize), field("Volume type", volumeType)),
    storageHint);

  // --- Count and spot
  const count = h("input", { type: "number", id: "launch-count", min: 1, max: 20, step: 1, value: "1", oninput: () => update() });
  const spot = h("input", { type: "checkbox", id: "launch-spot", onchange: () => update() });
  const spotInfo = h("p", { class: "hint", id: "launch-spot-info", "aria-live": "polite" });
  const advancedFieldset = h("fieldset", { class: "ec2-launch-section" },
    h("legend", {}, "Number of instances and purchasing option"),
    field("Number of instances", count),
    h("div", { class: "ec2-check" }, spot, h("label", { for: spot.id }, "Request spot instance")),
    spotInfo);

  // --- Summary
  const problem = h("p", { class: "form-error", role: "alert", id: "launch-error" });
  const launchButton = h("button", { type: "submit", class: "primary", id: "launch-submit" }, "Launch instance");
  const summary = h("dl", { class: "ec2-summary-list", id: "launch-summary" });
  const aside = h("aside", { class: "panel ec2-summary", "aria-labelledby": "summary-title" },
    h("h2", { id: "summary-title" }, "Summary"),
    summary, problem,
    h("div", { class: "ec2-summary-actions" },
      h("a", { href: "#/ec2/instances", class: "ec2-button" }, "Cancel"), launchButton));

  const form = h("form", { class: "ec2-launch-form", id: "launch-form", novalidate: true,
                           onsubmit: (e) => { e.preventDefault(); launch(); } },
    h("div", { class: "ec2-launch-main" },
      h("fieldset", { class: "ec2-launch-section" }, h("legend", {}, "Name and tags"), field("Name", nameInput, "The instance's Name tag.")),
      amiFieldset,
      h("fieldset", { class: "ec2-launch-section" }, h("legend", {}, "Instance type"),
        field("Instance type", typeSelect), typeInfo),
      h("fieldset", { class: "ec2-launch-section" }, h("legend", {}, "Key pair (login)"),
        h("div", { class: "ec2-inline-fields" }, field("Key pair name", keySelect), newKeyButton),
        h("p", { class: "hint" }, "The key pair's private key lets you SSH into the instance (ssh -i name.pem).")),
      networkFieldset,
      storageFieldset,
      advancedFieldset),
    aside);
  view.append(h("p", { class: "muted", id: "launch-region" }, `Region: ${regionName(ctx)}, the one chosen in the top bar.`), form);

  function chosenImage() {
    const id = amiList.querySelector("input[name=ami]:checked")?.value;
    return images.find((i) => i.id === id) ?? null;
  }

  function chosenType() {
    return types.find((t) => t.name === typeSelect.value) ?? null;
  }

  let sizeTouched = false;
  volumeSize.addEventListener("input", () => { sizeTouched = true; });
  function amiChanged() {
    const img = chosenImage();
    if (img) {
      volumeSize.min = String(img.rootSize);
      if (!sizeTouched || Number(volumeSize.value) < img.rootSize) volumeSize.value = String(img.rootSize);
    }
    update();
  }

  function sgModeChanged() {
    const fresh = sgModeNew.checked;
    newBox.hidden = !fresh;
    existingBox.hidden = fresh;
    update();
  }

  function inboundRules() {
    const cidr = ruleCidr.value.trim();
    const rules = [];
    if (allowSsh.checked) rules.push({ protocol: "tcp", from: 22, to: 22, cidr, description: "SSH" });
    if (allowHttp.checked) rules.push({ protocol: "tcp", from: 80, to: 80, cidr, description: "HTTP" });
    if (allowCustom.checked) {
      const port = parsePort(customPort.value);
      rules.push({ protocol: "tcp", from: port, to: port, cidr, description: "Custom TCP" });
    }
    return rules;
  }

  function problems() {
    const out = [];
    const mark = (el, bad) => (bad ? el.setAttribute("aria-invalid", "true") : el.removeAttribute("aria-invalid"));
    const img = chosenImage();
    if (!img) out.push(images.length ? "Choose an AMI." : `No AMIs in ${ctx.region}: AMIs are regional.`);
    if (!chosenType()) out.push("Choose an instance type.");
    const n = Number(count.value);
    const badCount = !Number.isInteger(n) || n < 1 || n > 20;
    mark(count, badCount);
    if (badCount) out.push("The number of instances is a whole number from 1 to 20.");
    const size = Number(volumeSize.value);
    const badSize = !Number.isInteger(size) || size < (img?.rootSize ?? 1) || size > 16384;
    mark(volumeSize, badSize);
    if (badSize) out.push(`The root volume is a whole number of GiB from ${img?.rootSize ?? 1} (the AMI's size) to 16384.`);
    if (sgModeNew.checked) {
      mark(sgName, !sgName.value.trim());
      if (!sgName.value.trim()) out.push("Name the new security group.");
      const badPort = allowCustom.checked && parsePort(customPort.value) === null;
      mark(customPort, badPort);
      if (badPort) out.push("The custom port is a number from 0 to 65535.");
      const anyRule = allowSsh.checked || allowHttp.checked || allowCustom.checked;
      const badCidr = anyRule && !validCidr(ruleCidr.value.trim());
      mark(ruleCidr, badCidr);
      if (badCidr) out.push("The source is a CIDR block such as 0.0.0.0/0 or 203.0.113.0/24.");
    } else if (!existingBox.querySelector("input:checked")) {
      out.push("Choose at least one security group.");
    }
    return out;
  }

  function update() {
    const img = chosenImage();
    const type = chosenType();
    const n = Math.max(1, Number(count.value) || 1);
    const onDemand = type ? Number(type.usd_per_hour) : 0;
    const spotPrice = onDemand * spotFraction;
    const rate = spot.checked ? spotPrice : onDemand;
    replace(typeInfo, type ? [
      h("span", {}, `${type.vcpus} vCPU`), h("span", {}, `${Number(type.memory_gib)} GiB memory`),
      h("span", {}, `On-demand ${usdPerHour(type.usd_per_hour)}/hour`),
      h("span", {}, `Spot ${usdPerHour(spotPrice)}/hour`),
      type.free_tier_eligible ? badge("Free tier eligible", "free") : null,
    ] : []);
    spotInfo.textContent = type
      ? `Spot price: ${usdPerHour(spotPrice)}/hour (${Math.round(spotFraction * 100)}% of the on-demand ${usdPerHour(onDemand)}).` +
        (classic ? " A spot instance cannot be stopped, only terminated." : "")
      : "";
    storageHint.textContent = img
      ? `The root device ${img.rootDevice || "/dev/sda1"} of ${img.name}: at least ${img.rootSize} GiB; deleted when the instance terminates.`
      : "";
    const groupsText = sgModeNew.checked
      ? `New: ${sgName.value.trim() || "(no name)"} (${inboundRules().map((r) => r.from ?? "?").join(", ") || "no inbound rules"})`
      : [...existingBox.querySelectorAll("input:checked")].map((c) => groupList.find((g) => g.id === c.value)?.groupName ?? c.value).join(", ") || "none";
    replace(summary,
      h("dt", {}, "Number of instances"), h("dd", {}, String(n)),
      h("dt", {}, "Region"), h("dd", {}, ctx.region),
      h("dt", {}, "Software image (AMI)"), h("dd", {}, img ? [img.name, h("br"), h("code", {}, img.id)] : "none"),
      h("dt", {}, "Instance type"), h("dd", {}, type ? type.name : "none", spot.checked ? " (spot)" : ""),
      h("dt", {}, "Price"), h("dd", { id: "launch-price" }, type ? `${usdPerHour(rate * n)}/hour` + (n > 1 ? ` (${n} × ${usdPerHour(rate)})` : "") : ""),
      h("dt", {}, "Key pair"), h("dd", {}, keySelect.value || "none"),
      h("dt", {}, "Firewall (security group)"), h("dd", {}, groupsText),
      h("dt", {}, "Storage (volumes)"), h("dd", {}, `${volumeSize.value || "?"} GiB ${volumeType.value} root volume`));
  }

  async function launch() {
    problem.textContent = "";
    const found = problems();
    if (found.length) {
      problem.textContent = found.join(" ");
      return;
    }
    const img = chosenImage();
    await busy(launchButton, async () => {
      try {
        let groupIds;
        if (sgModeNew.checked) {
          if (!createdGroup) {
            const root = await ec2(ctx, "CreateSecurityGroup", [
              ["GroupName", sgName.value.trim()], ["GroupDescription", sgDescription.value.trim() || sgName.value.trim()]]);
            createdGroup = { id: text(root, "groupId"), name: sgName.value.trim(), rulesAdded: false };
          }
          const rules = inboundRules();
          if (!createdGroup.rulesAdded && rules.length)
            await ec2(ctx, "AuthorizeSecurityGroupIngress", [["GroupId", createdGroup.id], ...ipPermissions(rules)]);
          createdGroup.rulesAdded = true;
          groupIds = [createdGroup.id];
        } else {
          groupIds = [...existingBox.querySelectorAll("input:checked")].map((c) => c.value);
        }
        const n = String(Number(count.value));
        const tags = nameInput.value.trim() ? { Name: nameInput.value.trim() } : {};
        const params = [
          ["ImageId", img.id],
          ["InstanceType", typeSelect.value],
          ["MinCount", n], ["MaxCount", n],
          ...(keySelect.value ? [["KeyName", keySelect.value]] : []),
          ...list("SecurityGroupId", groupIds),
          ["BlockDeviceMapping.1.DeviceName", img.rootDevice || "/dev/sda1"],
          ["BlockDeviceMapping.1.Ebs.VolumeSize", volumeSize.value],
          ["BlockDeviceMapping.1.Ebs.VolumeType", volumeType.value],
          ["BlockDeviceMapping.1.Ebs.DeleteOnTermination", "true"],
          ...tagSpecification(1, "instance", tags),
          ...(spot.checked ? [["InstanceMarketOptions.MarketType", "spot"]] : []),
          ["ClientToken", clientToken()],
        ];
        const root = await ec2(ctx, "RunInstances", params);
        const ids = items(root, "instancesSet").map((i) => text(i, "instanceId"));
        ctx.navigate(`#/ec2/instances?launched=${encodeURIComponent(ids.join(","))}`);
      } catch (e) {
        problem.textContent = errorText(e);
        // The group was made: offer it as an existing one from now on.
        if (createdGroup) {
          groupList = await describeSecurityGroups(ctx).catch(() => groupList);
          fillGroups([createdGroup.id]);
          sgModeExisting.checked = true;
          sgModeChanged();
          createdGroup = null;
          problem.textContent += " (The new security group was created; it is now selected below.)";
        }
        throw e;
      }
    });
  }

  sgModeChanged();
  amiChanged();
}

export const launchPages = [
  { route: "ec2/launch", title: "Launch instance", section: SECTION, render: renderLaunch },
];
