// What the EC2 pages share: the Query API calls in the top bar's region
// (parameter lists spelled as the aws CLI spells them), the parsing of EC2's
// XML into plain objects, the check that awslab serves the region, and a
// table of selectable rows that refreshes in place (the sort, the selection
// and the keyboard focus survive a refresh).

import { items, tagsOf, text } from "../aws.js";
import { dataTable, h, replace } from "../ui.js";

export const SECTION = "EC2";

// One EC2 call in the page's region.
export function ec2(ctx, action, params = []) {
  return ctx.session.ec2(action, params, { region: ctx.region });
}

// ["InstanceId", ["i-1", "i-2"]] -> [["InstanceId.1", "i-1"], ["InstanceId.2", "i-2"]]
export function list(name, values) {
  return values.map((v, i) => [`${name}.${i + 1}`, v]);
}

// TagSpecification.N for one resource type: {Name: "web"} ->
// TagSpecification.1.ResourceType=instance, TagSpecification.1.Tag.1.Key=Name, ...
export function tagSpecification(index, resourceType, tags) {
  const entries = Object.entries(tags).filter(([k]) => k);
  if (!entries.length) return [];
  const prefix = `TagSpecification.${index}`;
  const out = [[`${prefix}.ResourceType`, resourceType]];
  entries.forEach(([k, v], i) => {
    out.push([`${prefix}.Tag.${i + 1}.Key`, k], [`${prefix}.Tag.${i + 1}.Value`, v]);
  });
  return out;
}

// IpPermissions.N for rules [{protocol, from, to, cidr | group, description}].
export function ipPermissions(rules) {
  const out = [];
  rules.forEach((r, i) => {
    const p = `IpPermissions.${i + 1}`;
    out.push([`${p}.IpProtocol`, r.protocol]);
    if (r.protocol !== "-1") out.push([`${p}.FromPort`, r.from], [`${p}.ToPort`, r.to]);
    if (r.group) {
      out.push([`${p}.Groups.1.GroupId`, r.group]);
      if (r.description) out.push([`${p}.Groups.1.Description`, r.description]);
    } else if (r.cidr.includes(":")) {
      out.push([`${p}.Ipv6Ranges.1.CidrIpv6`, r.cidr]);
      if (r.description) out.push([`${p}.Ipv6Ranges.1.Description`, r.description]);
    } else {
      out.push([`${p}.IpRanges.1.CidrIp`, r.cidr]);
      if (r.description) out.push([`${p}.IpRanges.1.Description`, r.description]);
    }
  });
  return out;
}

// A Describe call's items over every page (NextToken).
export async function describeAll(ctx, action, params, listName) {
  const out = [];
  let token = "";
  for (let guard = 0; guard < 1000; guard++) {
    const root = await ec2(ctx, action, token ? [...params, ["NextToken", token]] : params);
    out.push(...items(root, listName));
    token = text(root, "nextToken");
    if (!token) break;
  }
  return out;
}

// --- Parsing ------------------------------------------------------------------------

export function parseInstance(item) {
  const tags = tagsOf(item);
  return {
    id: text(item, "instanceId"),
    name: tags.Name ?? "",
    tags,
    imageId: text(item, "imageId"),
    state: text(item, "instanceState/name"),
    type: text(item, "instanceType"),
    az: text(item, "placement/availabilityZone"),
    publicDns: text(item, "dnsName"),
    publicIp: text(item, "ipAddress"),
    privateIp: text(item, "privateIpAddress"),
    privateDns: text(item, "privateDnsName"),
    keyName: text(item, "keyName"),
    launchTime: text(item, "launchTime"),
    spot: text(item, "instanceLifecycle") === "spot",
    spotRequestId: text(item, "spotInstanceRequestId"),
    reason: text(item, "reason"),
    stateReason: text(item, "stateReason/message"),
    vpcId: text(item, "vpcId"),
    subnetId: text(item, "subnetId"),
    architecture: text(item, "architecture"),
    platform: text(item, "platformDetails"),
    rootDevice: text(item, "rootDeviceName"),
    groups: items(item, "groupSet").map((g) => ({ id: text(g, "groupId"), name: text(g, "groupName") })),
    devices: items(item, "blockDeviceMapping").map((d) => ({
      device: text(d, "deviceName"), volumeId: text(d, "ebs/volumeId"), status: text(d, "ebs/status"),
      deleteOnTermination: text(d, "ebs/deleteOnTermination") === "true",
    })),
  };
}

export async function describeInstances(ctx, params = []) {
  const reservations = await describeAll(ctx, "DescribeInstances", params, "reservationSet");
  return reservations.flatMap((r) => items(r, "instancesSet").map(parseInstance));
}

export function parseAddress(item) {
  const tags = tagsOf(item);
  return {
    publicIp: text(item, "publicIp"),
    allocationId: text(item, "allocationId"),
    associationId: text(item, "associationId"),
    instanceId: text(item, "instanceId"),
    privateIp: text(item, "privateIpAddress"),
    domain: text(item, "domain"),
    name: tags.Name ?? "",
    tags,
  };
}

export async function describeAddresses(ctx) {
  return (await describeAll(ctx, "DescribeAddresses", [], "addressesSet")).map(parseAddress);
}

export function parseVolume(item) {
  const tags = tagsOf(item);
  const attachment = items(item, "attachmentSet")[0];
  return {
    id: text(item, "volumeId"),
    name: tags.Name ?? "",
    tags,
    size: Number(text(item, "size", "0")),
    type: text(item, "volumeType"),
    iops: text(item, "iops"),
    state: text(item, "status"),
    az: text(item, "availabilityZone"),
    created: text(item, "createTime"),
    instanceId: attachment ? text(attachment, "instanceId") : "",
    device: attachment ? text(attachment, "device") : "",
    attachState: attachment ? text(attachment, "status") : "",
    deleteOnTermination: attachment ? text(attachment, "deleteOnTermination") === "true" : false,
  };
}

export async function describeVolumes(ctx) {
  return (await describeAll(ctx, "DescribeVolumes", [], "volumeSet")).map(parseVolume);
}

export function parseKeyPair(item) {
  return {
    name: text(item, "keyName"),
    id: text(item, "keyPairId"),
    type: text(item, "keyType"),
    fingerprint: text(item, "keyFingerprint"),
    created: text(item, "createTime"),
  };
}

export async function describeKeyPairs(ctx) {
  return (await describeAll(ctx, "DescribeKeyPairs", [], "keySet")).map(parseKeyPair);
}

function parsePermission(item) {
  const protocol = text(item, "ipProtocol");
  const from = text(item, "fromPort");
  const to = text(item, "toPort");
  const sources = [
    ...items(item, "ipRanges").map((r) => ({ cidr: text(r, "cidrIp"), description: text(r, "description") })),
    ...items(item, "ipv6Ranges").map((r) => ({ cidr: text(r, "cidrIpv6"), description: text(r, "description") })),
    ...items(item, "groups").map((g) => ({ group: text(g, "groupId"), description: text(g, "description") })),
  ];
  return sources.map((s) => ({ protocol, from, to, ...s }));
}

export function parseSecurityGroup(item) {
  const tags = tagsOf(item);
  return {
    id: text(item, "groupId"),
    groupName: text(item, "groupName"),
    name: tags.Name ?? "",
    tags,
    description: text(item, "groupDescription"),
    vpcId: text(item, "vpcId"),
    owner: text(item, "ownerId"),
    inbound: items(item, "ipPermissions").flatMap(parsePermission),
    outbound: items(item, "ipPermissionsEgress").flatMap(parsePermission),
  };
}

export async function describeSecurityGroups(ctx, params = []) {
  return (await describeAll(ctx, "DescribeSecurityGroups", params, "securityGroupInfo")).map(parseSecurityGroup);
}

export function parseImage(item) {
  const root = items(item, "blockDeviceMapping").find((d) => text(d, "deviceName") === text(item, "rootDeviceName"))
    ?? items(item, "blockDeviceMapping")[0];
  return {
    id: text(item, "imageId"),
    name: text(item, "name"),
    description: text(item, "description"),
    owner: text(item, "imageOwnerId"),
    ownerAlias: text(item, "imageOwnerAlias"),
    platform: text(item, "platformDetails"),
    architecture: text(item, "architecture"),
    created: text(item, "creationDate"),
    rootDevice: text(item, "rootDeviceName"),
    rootSize: root ? Number(text(root, "ebs/volumeSize", "8")) : 8,
    rootType: root ? text(root, "ebs/volumeType", "gp2") : "gp2",
  };
}

// --- Words and small pieces ------------------------------------------------------------

// "web (i-0abc)" or "i-0abc".
export function instanceLabel(inst) {
  return inst.name ? `${inst.name} (${inst.id})` : inst.id;
}

// A protocol and port range as the console shows them: "TCP", "22", "All".
export function protocolName(p) {
  if (p === "-1") return "All";
  return { tcp: "TCP", udp: "UDP", icmp: "ICMP", 6: "TCP", 17: "UDP", 1: "ICMP" }[p] ?? p;
}

export function portRange(rule) {
  if (rule.protocol === "-1") return "All";
  if (rule.protocol === "icmp" || rule.protocol === "1") return rule.from === "-1" ? "All" : `${rule.from}`;
  if (rule.from === "" && rule.to === "") return "All";
  if (rule.from === "0" && rule.to === "65535") return "0 - 65535";
  return rule.from === rule.to ? rule.from : `${rule.from} - ${rule.to}`;
}

const WELL_KNOWN = { 22: "SSH", 80: "HTTP", 443: "HTTPS", 3389: "RDP", 8787: "Custom TCP (RStudio)",
                     8888: "Custom TCP (Jupyter)", 3306: "MYSQL/Aurora", 5432: "PostgreSQL" };

// The "Type" column of the AWS console's rules: SSH, HTTP, Custom TCP, All traffic.
export function ruleType(rule) {
  if (rule.protocol === "-1") return "All traffic";
  if (rule.protocol === "icmp") return "All ICMP - IPv4";
  if ((rule.protocol === "tcp" || rule.protocol === "6") && rule.from === rule.to && WELL_KNOWN[rule.from])
    return WELL_KNOWN[rule.from];
  return `Custom ${protocolName(rule.protocol)}`;
}

// $/hour with the digits a price needs: 0.0116 -> "$0.0116", 0.00348 -> "$0.00348".
export function usdPerHour(value) {
  const n = Number(value);
  if (!Number.isFinite(n)) return String(value);
  let s = n.toFixed(6).replace(/0+$/, "");
  if (/\.\d?$/.test(s)) s = n.toFixed(2);
  return `$${s}`;
}

// A dash for an empty cell, as the AWS console shows one.
export function orDash(value) {
  return value === undefined || value === null || value === "" ? h("span", { class: "dash", "aria-label": "none" }, "–") : value;
}

export function badge(textContent, kind, title) {
  return h("span", { class: ["ec2-badge", kind ? `ec2-badge-${kind}` : ""], title }, textContent);
}

export function mono(value) {
  return value ? h("code", {}, value) : orDash(value);
}

// A random idempotency token (crypto.randomUUID needs a secure context).
export function clientToken() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

// The page's region as the top bar names it: "US East (N. Virginia) us-east-1".
export function regionName(ctx) {
  const option = document.querySelector("#region option:checked");
  return option?.value === ctx.region ? option.textContent : ctx.region;
}

// --- The region check -----------------------------------------------------------------

let regionsPromise = null;

// The regions awslab serves (DescribeRegions, asked in us-east-1: every
// server has it). Cached for the page's life.
export function servedRegions(ctx) {
  if (!regionsPromise) {
    regionsPromise = ctx.session.ec2("DescribeRegions", {}, { region: "us-east-1" })
      .then((root) => items(root, "regionInfo").map((r) => text(r, "regionName")))
      .catch((e) => {
        regionsPromise = null;
        throw e;
      });
  }
  return regionsPromise;
}

// Appends a note and answers false when awslab has no EC2 in ctx.region (EC2
// answers AuthFailure there, as AWS does for a region not enabled).
export async function checkRegion(view, ctx) {
  let names;
  try {
    names = await servedRegions(ctx);
  } catch {
    return true; // let the page's own call report the problem
  }
  if (names.includes(ctx.region)) return true;
  view.append(h("div", { class: "panel ec2-note", role: "note", id: "region-not-served" },
    h("p", {}, h("strong", {}, `awslab has no EC2 in ${regionName(ctx)}.`),
      " EC2 answers AuthFailure there, as AWS does for a region that is not enabled."),
    h("p", {}, "Its regions: ", names.join(", "), ". Choose one with the Region menu in the top bar.")));
  return false;
}

// --- A table of selectable rows that refreshes in place --------------------------------

// columns as dataTable takes them; rows are plain data (compared as JSON to
// skip a refresh that changed nothing). A radio button per row selects it
// (arrow keys move the selection, as in a radio group); onSelect(row|null).
export class SelectTable {
  constructor({ columns, idOf, labelOf, label, id, name, empty, onSelect, sortKey, descending = false }) {
    this.columns = columns;
    this.idOf = idOf;
    this.labelOf = labelOf ?? idOf;
    this.label = label;
    this.id = id;
    this.name = name ?? `${id}-select`;
    this.empty = empty;
    this.onSelect = onSelect ?? (() => {});
    this.sortKey = sortKey;
    this.descending = descending;
    this.rows = [];
    this.selected = null;
    this.signature = null;
    this.element = h("div", { class: "ec2-table-wrap" });
  }

  selectedRow() {
    return this.rows.find((r) => this.idOf(r) === this.selected) ?? null;
  }

  // New rows: re-renders only when something changed; keeps the sort, the
  // selection (dropped when its row is gone) and the focus.
  update(rows) {
    this.rows = rows;
    const hadSelection = this.selected;
    if (this.selected !== null && !rows.some((r) => this.idOf(r) === this.selected)) this.selected = null;
    const signature = JSON.stringify([rows, this.selected, this.empty]);
    if (signature !== this.signature) {
      this.signature = signature;
      this.render();
    }
    if (hadSelection !== this.selected) this.onSelect(null);
  }

  select(id, { focus = false } = {}) {
    this.selected = id;
    this.signature = JSON.stringify([this.rows, this.selected, this.empty]);
    for (const tr of this.element.querySelectorAll("tbody tr[data-id]")) {
      const on = tr.dataset.id === id;
      tr.classList.toggle("selected", on);
      const radio = tr.querySelector("input[type=radio]");
      if (radio) radio.checked = on;
      if (on && focus) radio?.focus();
    }
    this.onSelect(this.selectedRow());
  }

  render() {
    const old = this.element.querySelector("table");
    // Keep the sort the user chose.
    const sorted = old?.querySelector('th[aria-sort="ascending"] button.sort, th[aria-sort="descending"] button.sort');
    if (sorted) {
      this.sortKey = sorted.dataset.key;
      this.descending = sorted.closest("th").getAttribute("aria-sort") === "descending";
    } else if (old) {
      this.sortKey = undefined;
    }
    // And the focus, when it was in the table.
    const active = document.activeElement;
    let focusKey = null;
    if (old && active && old.contains(active)) focusKey = active.dataset.focus ?? (active.dataset.key ? `sort:${active.dataset.key}` : null);

    const selectColumn = {
      key: "__select", label: h("span", { class: "ec2-sr-only" }, "Select"), sortable: false,
      render: (row) => {
        const id = this.idOf(row);
        return h("input", {
          type: "radio", name: this.name, value: id, checked: id === this.selected,
          "aria-label": `Select ${this.labelOf(row)}`, "data-focus": `select:${id}`,
          onchange: () => this.select(id),
        });
      },
    };
    const table = dataTable({
      columns: [selectColumn, ...this.columns], rows: this.rows, id: this.id, label: this.label,
      empty: this.empty, sortKey: this.sortKey, descending: this.descending,
      rowAttrs: (row) => ({
        "data-id": this.idOf(row), class: this.idOf(row) === this.selected ? "selected" : "",
        onclick: (e) => {
          if (e.target.closest("a, button, input, select, textarea, label")) return;
          this.select(this.idOf(row));
        },
      }),
    });
    replace(this.element, table);
    if (focusKey) {
      const again = focusKey.startsWith("sort:")
        ? table.querySelector(`th button[data-key="${CSS.escape(focusKey.slice(5))}"]`)
        : table.querySelector(`[data-focus="${CSS.escape(focusKey)}"]`);
      again?.focus();
    }
  }
}

// A description list of [term, value] pairs (the details panels).
export function details(pairs) {
  const dl = h("dl", { class: "ec2-details" });
  for (const [term, value] of pairs) dl.append(h("div", {}, h("dt", {}, term), h("dd", {}, orDash(value))));
  return dl;
}
