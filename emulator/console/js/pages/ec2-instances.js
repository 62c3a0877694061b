// EC2 > Instances: the table of the course's screenshots (Name, Instance ID,
// type, zone, state, public DNS and address, key, launch time), refreshed
// every 2 s so states follow the simulation clock; start, stop, reboot and
// terminate the selected instance; its details below the table.

import { items, text } from "../aws.js";
import { busy, confirmAction, formatTime, h, notify, replace, stateBadge } from "../ui.js";
import {
  SECTION, SelectTable, badge, checkRegion, describeAddresses, describeInstances, details, ec2, instanceLabel,
  list, mono, orDash, regionName,
} from "./ec2-common.js";

const ACTIONS = {
  start: { action: "StartInstances", label: "Start instance", list: "instancesSet" },
  stop: { action: "StopInstances", label: "Stop instance", list: "instancesSet" },
  reboot: { action: "RebootInstances", label: "Reboot instance" },
  terminate: { action: "TerminateInstances", label: "Terminate instance", list: "instancesSet" },
};

async function renderInstances(view, ctx) {
  view.append(h("h1", {}, "Instances"));
  if (!(await checkRegion(view, ctx))) return;

  const launched = (ctx.query.get("launched") ?? "").split(",").filter(Boolean);
  if (launched.length) history.replaceState(null, "", "#/ec2/instances");

  const search = h("input", {
    type: "search", id: "instance-search", placeholder: "Name, ID, type, state, IP, key…",
    oninput: () => showRows(),
  });
  const buttons = {};
  for (const [kind, spec] of Object.entries(ACTIONS)) {
    buttons[kind] = h("button", {
      type: "button", id: `instance-${kind}`, class: kind === "terminate" ? "danger" : "",
      disabled: true, onclick: () => act(kind),
    }, spec.label);
  }
  const refreshButton = h("button", { type: "button", id: "instances-refresh", onclick: () => busy(refreshButton, load) },
                          "Refresh");
  const status = h("p", { class: "muted ec2-status", id: "instances-status" });
  const detailsPanel = h("section", { class: "panel ec2-details-panel", id: "instance-details", "aria-label": "Instance details" });

  let all = [];
  const table = new SelectTable({
    id: "instances-table", label: "Instances", name: "instance", idOf: (r) => r.id, labelOf: instanceLabel,
    onSelect: () => {
      updateButtons();
      renderDetails();
    },
    columns: [
      { key: "name", label: "Name", render: (r) => orDash(r.name) },
      { key: "id", label: "Instance ID", render: (r) => h("span", { class: "ec2-id" }, h("code", {}, r.id),
          r.spot ? badge("spot", "spot", "A spot instance") : null) },
      { key: "type", label: "Instance type" },
      { key: "az", label: "Availability Zone" },
      { key: "state", label: "Instance state", render: (r) => stateBadge(r.state) },
      { key: "publicDns", label: "Public IPv4 DNS", render: (r) => r.publicDns ? h("span", { class: "ec2-dns" }, r.publicDns) : orDash("") },
      { key: "publicIp", label: "Public IPv4 address", render: (r) => r.publicIp
          ? h("span", { class: "ec2-ip" }, r.publicIp, r.elastic ? badge("Elastic IP", "eip", "An Elastic IP address") : null)
          : orDash("") },
      { key: "keyName", label: "Key name", render: (r) => orDash(r.keyName) },
      { key: "launchTime", label: "Launch time", render: (r) => h("span", { class: "ec2-time" }, formatTime(r.launchTime)) },
    ],
  });

  view.append(
    h("p", { class: "muted" }, `Region ${regionName(ctx)} (the top bar's). States follow the simulation clock; the table refreshes every 2 seconds.`),
    h("div", { class: "toolbar" },
      h("a", { href: "#/ec2/launch", class: "ec2-button primary", id: "launch-link" }, "Launch instances"),
      refreshButton,
      h("span", { class: "ec2-separator", "aria-hidden": "true" }),
      buttons.start, buttons.stop, buttons.reboot, buttons.terminate),
    h("div", { class: "ec2-filter" }, h("label", { for: search.id, class: "ec2-search-label" }, "Find instances"), search),
    table.element,
    status,
    detailsPanel);

  function filtered() {
    const q = search.value.trim().toLowerCase();
    if (!q) return all;
    return all.filter((r) => [r.name, r.id, r.type, r.az, r.state, r.publicDns, r.publicIp, r.keyName, r.privateIp]
      .some((v) => v && v.toLowerCase().includes(q)));
  }

  const noInstances = `No instances in ${ctx.region}. Launch one, or choose another region in the top bar.`;
  function showRows() {
    const q = search.value.trim();
    table.empty = q && all.length ? `No instance matches “${q}”.` : noInstances;
    table.update(filtered());
    const counts = {};
    for (const r of all) counts[r.state] = (counts[r.state] ?? 0) + 1;
    status.textContent = all.length
      ? `${all.length} instance${all.length === 1 ? "" : "s"}: ` + Object.entries(counts).map(([s, n]) => `${n} ${s}`).join(", ")
      : "";
    updateButtons();
    renderDetails();
  }

  async function load() {
    const [instances, addresses] = await Promise.all([describeInstances(ctx), describeAddresses(ctx)]);
    if (!ctx.current) return;
    const elastic = new Set(addresses.map((a) => a.publicIp));
    all = instances.map((i) => ({ ...i, elastic: !!i.publicIp && elastic.has(i.publicIp) }));
    showRows();
  }

  function updateButtons() {
    const row = table.selectedRow();
    const live = row && row.state !== "terminated";
    for (const b of Object.values(buttons)) b.disabled = !live;
  }

  let detailsFor = null;
  function renderDetails() {
    const r = table.selectedRow();
    const signature = r ? JSON.stringify(r) : null;
    if (signature === detailsFor) return;
    detailsFor = signature;
    if (!r) {
      replace(detailsPanel, h("p", { class: "muted" }, "Select an instance to see its details."));
      return;
    }
    replace(detailsPanel,
      h("h2", {}, `Instance summary for ${r.id}`, r.name ? ` (${r.name})` : ""),
      details([
        ["Instance ID", mono(r.id)],
        ["Instance state", stateBadge(r.state)],
        ["State transition reason", r.reason],
        ["State reason", r.stateReason],
        ["Instance type", r.type],
        ["Lifecycle", r.spot ? `spot (${r.spotRequestId})` : "normal (on-demand)"],
        ["AMI ID", mono(r.imageId)],
        ["Platform", r.platform],
        ["Key pair name", r.keyName],
        ["Security groups", r.groups.length ? h("ul", { class: "ec2-inline-list" }, r.groups.map((g) =>
          h("li", {}, h("a", { href: `#/ec2/security-groups/${encodeURIComponent(g.id)}` }, g.id), ` (${g.name})`))) : ""],
        ["Public IPv4 address", r.publicIp ? [r.publicIp, r.elastic ? badge("Elastic IP", "eip") : null] : ""],
        ["Public IPv4 DNS", r.publicDns],
        ["Private IPv4 address", r.privateIp],
        ["Private IP DNS name", r.privateDns],
        ["Availability Zone", r.az],
        ["VPC ID", mono(r.vpcId)],
        ["Subnet ID", mono(r.subnetId)],
        ["Launch time", formatTime(r.launchTime)],
        ["Root device name", r.rootDevice],
        ["Block devices", r.devices.length ? h("ul", { class: "ec2-inline-list" }, r.devices.map((d) =>
          h("li", {}, `${d.device}: `, h("a", { href: `#/ec2/volumes/${encodeURIComponent(d.volumeId)}` }, d.volumeId),
            d.deleteOnTermination ? " (deleted on termination)" : ""))) : ""],
        ["Tags", Object.keys(r.tags).length ? Object.entries(r.tags).map(([k, v]) => `${k}=${v}`).join(", ") : ""],
      ]));
  }

  async function act(kind) {
    const row = table.selectedRow();
    if (!row) return;
    const spec = ACTIONS[kind];
    const label = instanceLabel(row);
    if (kind === "stop" && !(await confirmAction(
      `Stop ${label}? A stopped instance is not billed for its running time; its volumes still are. ` +
      "Its public IPv4 address is released (an Elastic IP stays); a new one comes with the next start.",
      { title: "Stop instance?", confirmLabel: "Stop" }))) return;
    if (kind === "terminate" && !(await confirmAction(
      `Terminate ${label}? This cannot be undone: the instance is deleted with the volumes marked ` +
      "delete-on-termination (its root volume), and an Elastic IP is disassociated.",
      { title: "Terminate instance?", confirmLabel: "Terminate" }))) return;
    await busy(buttons[kind], async () => {
      const root = await ec2(ctx, spec.action, list("InstanceId", [row.id]));
      if (spec.list) {
        for (const item of items(root, spec.list)) {
          notify(`${text(item, "instanceId")}: ${text(item, "previousState/name")} → ${text(item, "currentState/name")}`, "success");
        }
      } else {
        notify(`Rebooting ${label}.`, "success");
      }
      await load();
    });
  }

  replace(detailsPanel, h("p", { class: "muted" }, "Select an instance to see its details."));
  await load();
  if (launched.length) {
    const first = all.find((r) => r.id === launched[0]);
    if (first) table.select(first.id);
    notify(`Launched ${launched.join(", ")} in ${ctx.region}.`, "success");
  }
  ctx.every(2000, load);
}

export const instancePages = [
  { route: "ec2/instances", title: "Instances", section: SECTION, render: renderInstances },
  // #/ec2 alone shows the instances too.
  { route: "ec2", title: "Instances", section: SECTION, nav: false, render: renderInstances },
];
