// EC2 > Elastic IPs: allocate (VPC), associate with an instance, disassociate,
// release; which addresses are billed while idle.

import { text } from "../aws.js";
import { busy, confirmAction, field, h, modal, notify, stateBadge } from "../ui.js";
import {
  SECTION, SelectTable, badge, checkRegion, describeAddresses, describeInstances, ec2, instanceLabel, mono, orDash,
  regionName, usdPerHour,
} from "./ec2-common.js";
import { prices } from "./ec2-launch.js";

const IDLE_USD_PER_HOUR = "0.005";

async function renderAddresses(view, ctx) {
  view.append(h("h1", {}, "Elastic IP addresses"));
  if (!(await checkRegion(view, ctx))) return;
  const rules = await prices(ctx).then((p) => p.rules).catch(() => "hourly");
  const perSecond = rules === "per-second";

  const allocateButton = h("button", { type: "button", class: "primary", id: "eip-allocate", onclick: () => allocate() },
                           "Allocate Elastic IP address");
  const associateButton = h("button", { type: "button", id: "eip-associate", disabled: true, onclick: () => associate() },
                            "Associate Elastic IP address");
  const disassociateButton = h("button", { type: "button", id: "eip-disassociate", disabled: true, onclick: () => disassociate() },
                               "Disassociate Elastic IP address");
  const releaseButton = h("button", { type: "button", class: "danger", id: "eip-release", disabled: true, onclick: () => release() },
                          "Release Elastic IP address");
  let instances = [];
  const table = new SelectTable({
    id: "addresses-table", label: "Elastic IP addresses", name: "address", idOf: (r) => r.allocationId,
    labelOf: (r) => `${r.publicIp} (${r.allocationId})`,
    empty: `No Elastic IP addresses in ${ctx.region}.`,
    onSelect: () => updateButtons(),
    columns: [
      { key: "name", label: "Name", render: (r) => orDash(r.name) },
      { key: "publicIp", label: "Allocated IPv4 address", render: (r) => h("strong", {}, r.publicIp) },
      { key: "domain", label: "Type", render: () => "Public IP" },
      { key: "allocationId", label: "Allocation ID", render: (r) => mono(r.allocationId) },
      { key: "instanceId", label: "Associated instance ID", render: (r) => r.instanceId
          ? h("span", {}, h("code", {}, r.instanceId), r.instanceName ? ` (${r.instanceName})` : "",
              r.instanceState ? [" ", stateBadge(r.instanceState)] : null)
          : orDash("") },
      { key: "privateIp", label: "Private IP address", render: (r) => orDash(r.privateIp) },
      { key: "associationId", label: "Association ID", render: (r) => mono(r.associationId) },
      { key: "billed", label: "Billing", render: (r) => r.billed
          ? badge(`${usdPerHour(IDLE_USD_PER_HOUR)}/hour${perSecond ? "" : " while idle"}`, "billed",
                  perSecond ? "Every public IPv4 address is billed" : "Not on a running instance: billed")
          : badge("no charge", "free", "On a running instance: no charge") },
    ],
  });

  view.append(
    h("p", { class: "muted" }, `Region ${regionName(ctx)} (the top bar's). An Elastic IP address is a static public IPv4 address: ` +
      "associated with an instance it replaces the instance's own public address and survives stop and start."),
    h("div", { class: "panel ec2-note", id: "eip-billing-note" },
      perSecond
        ? `Under the current rules every public IPv4 address costs ${usdPerHour(IDLE_USD_PER_HOUR)} per hour, Elastic IP or not, from allocation to release.`
        : `Under the classic rules an Elastic IP address is free while it is associated with a running instance, and billed ` +
          `${usdPerHour(IDLE_USD_PER_HOUR)} per hour while it is idle: not associated, or its instance not running. Release the addresses you do not use.`),
    h("div", { class: "toolbar" }, allocateButton, associateButton, disassociateButton, releaseButton,
      h("span", { class: "spacer" }),
      h("button", { type: "button", id: "eip-refresh", onclick: (e) => busy(e.currentTarget, load) }, "Refresh")),
    table.element);

  function updateButtons() {
    const r = table.selectedRow();
    associateButton.disabled = !r;
    disassociateButton.disabled = !r || !r.associationId;
    releaseButton.disabled = !r;
  }

  async function load() {
    const [addresses, list] = await Promise.all([describeAddresses(ctx), describeInstances(ctx)]);
    if (!ctx.current) return;
    instances = list;
    const byId = new Map(list.map((i) => [i.id, i]));
    table.update(addresses.map((a) => {
      const inst = byId.get(a.instanceId);
      const running = inst?.state === "running";
      return { ...a, instanceName: inst?.name ?? "", instanceState: inst?.state ?? "", billed: perSecond || !running };
    }));
    updateButtons();
  }

  async function allocate() {
    await busy(allocateButton, async () => {
      const root = await ec2(ctx, "AllocateAddress", [["Domain", "vpc"]]);
      const ip = text(root, "publicIp"), id = text(root, "allocationId");
      notify(`Allocated ${ip} (${id}).`, "success");
      await load();
      table.select(id, { focus: true });
    });
  }

  async function associate() {
    const r = table.selectedRow();
    if (!r) return;
    const candidates = instances.filter((i) => !["terminated", "shutting-down"].includes(i.state));
    const instanceSelect = h("select", { id: "eip-instance" },
      candidates.map((i) => h("option", { value: i.id, selected: i.id === r.instanceId }, `${instanceLabel(i)} · ${i.state}`)));
    const reassociate = h("input", { type: "checkbox", id: "eip-reassociate" });
    const body = candidates.length
      ? h("div", {},
          h("p", {}, `Associate ${r.publicIp} with an instance of ${ctx.region}. The instance's own public address is replaced.`),
          field("Instance", instanceSelect),
          h("div", { class: "ec2-check" }, reassociate,
            h("label", { for: reassociate.id }, "Allow this Elastic IP address to be reassociated (if it is associated elsewhere)")))
      : h("p", {}, `No instance in ${ctx.region} to associate with: launch one first.`);
    await modal({
      title: "Associate Elastic IP address", body,
      actions: [{ label: "Cancel", value: null }, ...(candidates.length ? [{ label: "Associate", kind: "primary", value: true }] : [])],
      onSubmit: async () => {
        const params = [["AllocationId", r.allocationId], ["InstanceId", instanceSelect.value]];
        if (reassociate.checked) params.push(["AllowReassociation", "true"]);
        const root = await ec2(ctx, "AssociateAddress", params);
        notify(`Associated ${r.publicIp} with ${instanceSelect.value} (${text(root, "associationId")}).`, "success");
        return true;
      },
    });
    await busy(null, load);
  }

  async function disassociate() {
    const r = table.selectedRow();
    if (!r?.associationId) return;
    if (!(await confirmAction(`Disassociate ${r.publicIp} from ${r.instanceId}? A running instance gets a new public address of its own.`,
      { title: "Disassociate Elastic IP address?", confirmLabel: "Disassociate" }))) return;
    await busy(disassociateButton, async () => {
      await ec2(ctx, "DisassociateAddress", [["AssociationId", r.associationId]]);
      notify(`Disassociated ${r.publicIp}.`, "success");
      await load();
    });
  }

  async function release() {
    const r = table.selectedRow();
    if (!r) return;
    if (!(await confirmAction(`Release ${r.publicIp} (${r.allocationId})? The address goes back to AWS: you cannot get it back.`,
      { title: "Release Elastic IP address?", confirmLabel: "Release" }))) return;
    await busy(releaseButton, async () => {
      await ec2(ctx, "ReleaseAddress", [["AllocationId", r.allocationId]]);
      notify(`Released ${r.publicIp}.`, "success");
      await load();
    });
  }

  await load();
  ctx.every(2000, load);
}

export const addressPages = [
  { route: "ec2/addresses", title: "Elastic IPs", section: SECTION, render: renderAddresses },
];
