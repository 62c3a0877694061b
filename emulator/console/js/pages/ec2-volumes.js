// EC2 > Volumes: list (size, type, state, zone, attached instance and
// device), create, attach to an instance of the same zone, detach, delete.
// Refreshed every 2 s: a new volume is "creating" for a moment of the clock.

import { items, text } from "../aws.js";
import { busy, confirmAction, field, formatTime, h, modal, notify, stateBadge } from "../ui.js";
import {
  SECTION, SelectTable, checkRegion, describeInstances, describeVolumes, ec2, instanceLabel, mono, orDash,
  regionName, tagSpecification,
} from "./ec2-common.js";

const VOLUME_TYPES = [
  ["gp2", "General Purpose SSD (gp2)", 1], ["gp3", "General Purpose SSD (gp3)", 1],
  ["st1", "Throughput Optimized HDD (st1)", 125], ["sc1", "Cold HDD (sc1)", 125], ["standard", "Magnetic (standard)", 1],
];

async function renderVolumes(view, ctx) {
  view.append(h("h1", {}, "Volumes"));
  if (!(await checkRegion(view, ctx))) return;
  const zones = await ec2(ctx, "DescribeAvailabilityZones")
    .then((root) => items(root, "availabilityZoneInfo").map((z) => text(z, "zoneName")))
    .catch(() => []);

  const createButton = h("button", { type: "button", class: "primary", id: "volume-create", onclick: () => create() }, "Create volume");
  const attachButton = h("button", { type: "button", id: "volume-attach", disabled: true, onclick: () => attach() }, "Attach volume");
  const detachButton = h("button", { type: "button", id: "volume-detach", disabled: true, onclick: () => detach() }, "Detach volume");
  const deleteButton = h("button", { type: "button", class: "danger", id: "volume-delete", disabled: true, onclick: () => remove() }, "Delete volume");
  let instances = [];
  const table = new SelectTable({
    id: "volumes-table", label: "Volumes", name: "volume", idOf: (r) => r.id,
    labelOf: (r) => (r.name ? `${r.name} (${r.id})` : r.id),
    empty: `No volumes in ${ctx.region}.`,
    onSelect: () => updateButtons(),
    columns: [
      { key: "name", label: "Name", render: (r) => orDash(r.name) },
      { key: "id", label: "Volume ID", render: (r) => mono(r.id) },
      { key: "type", label: "Type" },
      { key: "size", label: "Size", numeric: true, render: (r) => `${r.size} GiB` },
      { key: "iops", label: "IOPS", numeric: true, render: (r) => orDash(r.iops) },
      { key: "state", label: "Volume state", render: (r) => stateBadge(r.state) },
      { key: "az", label: "Availability Zone" },
      { key: "instanceId", label: "Attached instance", render: (r) => r.instanceId
          ? h("span", {}, h("code", {}, r.instanceId), r.instanceName ? ` (${r.instanceName})` : "", `: ${r.device}`,
              r.attachState && r.attachState !== "attached" ? ` (${r.attachState})` : "")
          : orDash("") },
      { key: "created", label: "Created", render: (r) => formatTime(r.created) },
    ],
  });
  view.append(
    h("p", { class: "muted" }, `Region ${regionName(ctx)} (the top bar's). An EBS volume lives in one Availability Zone and ` +
      "attaches to an instance of that zone; it is billed per GB-month from creation to deletion, attached or not."),
    h("div", { class: "toolbar" }, createButton, attachButton, detachButton, deleteButton, h("span", { class: "spacer" }),
      h("button", { type: "button", id: "volume-refresh", onclick: (e) => busy(e.currentTarget, load) }, "Refresh")),
    table.element);

  function updateButtons() {
    const r = table.selectedRow();
    attachButton.disabled = !r || !!r.instanceId;
    detachButton.disabled = !r || !r.instanceId;
    deleteButton.disabled = !r;
  }

  async function load() {
    const [volumes, list] = await Promise.all([describeVolumes(ctx), describeInstances(ctx)]);
    if (!ctx.current) return;
    instances = list;
    const byId = new Map(list.map((i) => [i.id, i]));
    table.update(volumes.map((v) => ({ ...v, instanceName: byId.get(v.instanceId)?.name ?? "" })));
    updateButtons();
  }

  async function create() {
    const size = h("input", { type: "number", id: "volume-size", min: 1, max: 16384, step: 1, value: "8" });
    const type = h("select", { id: "volume-type" }, VOLUME_TYPES.map(([v, label]) => h("option", { value: v }, label)));
    const zone = h("select", { id: "volume-zone" }, zones.map((z) => h("option", { value: z }, z)));
    const name = h("input", { id: "volume-name", autocomplete: "off" });
    let created = null;
    await modal({
      title: "Create volume",
      body: h("div", {},
        field("Volume type", type),
        field("Size (GiB)", size, "gp2, gp3 and standard from 1 GiB; st1 and sc1 from 125 GiB."),
        field("Availability Zone", zone, "It can attach only to instances of this zone."),
        field("Name tag (optional)", name)),
      actions: [{ label: "Cancel", value: null }, { label: "Create volume", kind: "primary", value: true }],
      onSubmit: async () => {
        const n = Number(size.value);
        if (!Number.isInteger(n) || n < 1) {
          size.setAttribute("aria-invalid", "true");
          throw new Error("The size is a whole number of GiB.");
        }
        const root = await ec2(ctx, "CreateVolume", [["Size", String(n)], ["VolumeType", type.value],
          ["AvailabilityZone", zone.value], ...tagSpecification(1, "volume", name.value.trim() ? { Name: name.value.trim() } : {})]);
        created = text(root, "volumeId");
        notify(`Created volume ${created} (${n} GiB ${type.value} in ${zone.value}).`, "success");
        return true;
      },
    });
    if (created) {
      await busy(createButton, load);
      table.select(created, { focus: true });
    }
  }

  async function attach() {
    const r = table.selectedRow();
    if (!r) return;
    const candidates = instances.filter((i) => i.az === r.az && !["terminated", "shutting-down"].includes(i.state));
    const instance = h("select", { id: "attach-instance" },
      candidates.map((i) => h("option", { value: i.id }, `${instanceLabel(i)} · ${i.state}`)));
    const device = h("input", { id: "attach-device", value: "/dev/sdf", spellcheck: "false" });
    await modal({
      title: `Attach volume ${r.id}`,
      body: candidates.length
        ? h("div", {},
            field("Instance", instance, `Instances in ${r.az}, the volume's zone.`),
            field("Device name", device, "/dev/sdf to /dev/sdp for data volumes (Linux sees them as /dev/xvdf …)."))
        : h("p", {}, `No instance in ${r.az} to attach to: a volume attaches only in its own zone.`),
      actions: [{ label: "Cancel", value: null }, ...(candidates.length ? [{ label: "Attach", kind: "primary", value: true }] : [])],
      onSubmit: async () => {
        await ec2(ctx, "AttachVolume", [["VolumeId", r.id], ["InstanceId", instance.value], ["Device", device.value.trim()]]);
        notify(`Attached ${r.id} to ${instance.value} as ${device.value.trim()}.`, "success");
        return true;
      },
    });
    await busy(null, load);
  }

  async function detach() {
    const r = table.selectedRow();
    if (!r?.instanceId) return;
    if (!(await confirmAction(`Detach ${r.id} from ${r.instanceId} (${r.device})? Unmount it in the instance first.`,
      { title: "Detach volume?", confirmLabel: "Detach" }))) return;
    await busy(detachButton, async () => {
      await ec2(ctx, "DetachVolume", [["VolumeId", r.id]]);
      notify(`Detached ${r.id}.`, "success");
      await load();
    });
  }

  async function remove() {
    const r = table.selectedRow();
    if (!r) return;
    if (!(await confirmAction(`Delete ${r.id} (${r.size} GiB)? Its data is lost.`,
      { title: "Delete volume?", confirmLabel: "Delete" }))) return;
    await busy(deleteButton, async () => {
      await ec2(ctx, "DeleteVolume", [["VolumeId", r.id]]);
      notify(`Deleted ${r.id}.`, "success");
      await load();
    });
  }

  await load();
  const wanted = ctx.rest[0];
  if (wanted && table.rows.some((r) => r.id === wanted)) table.select(wanted);
  ctx.every(2000, load);
}

export const volumePages = [
  { route: "ec2/volumes", title: "Volumes", section: SECTION, render: renderVolumes },
];
