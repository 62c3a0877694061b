// EC2 > Security groups: list, create, delete; the selected group's inbound
// rules (add, remove) and outbound rules. #/ec2/security-groups/<sg-id>
// opens with that group selected.

import { text } from "../aws.js";
import { busy, confirmAction, dataTable, field, h, modal, notify, replace } from "../ui.js";
import {
  SECTION, SelectTable, checkRegion, describeSecurityGroups, details, ec2, ipPermissions, mono, orDash, portRange,
  protocolName, regionName, ruleType,
} from "./ec2-common.js";
import { validCidr } from "./ec2-launch.js";

// The rule types of the AWS console's "Type" menu: [label, protocol, port].
const RULE_TYPES = [
  ["Custom TCP", "tcp", null], ["Custom UDP", "udp", null], ["SSH", "tcp", "22"], ["HTTP", "tcp", "80"],
  ["HTTPS", "tcp", "443"], ["RDP", "tcp", "3389"], ["Custom TCP (RStudio Server 8787)", "tcp", "8787"],
  ["Custom TCP (Jupyter 8888)", "tcp", "8888"], ["All ICMP - IPv4", "icmp", "-1"], ["All TCP", "tcp", "0-65535"],
  ["All traffic", "-1", "all"],
];

// "22" -> [22, 22]; "8000-8080" -> [8000, 8080]; null when malformed.
function parseRange(value) {
  const m = /^\s*(\d{1,5})\s*(?:-\s*(\d{1,5})\s*)?$/.exec(value);
  if (!m) return null;
  const from = Number(m[1]), to = Number(m[2] ?? m[1]);
  return from <= to && to <= 65535 ? [from, to] : null;
}

function ruleLabel(rule) {
  return `${ruleType(rule)} ${protocolName(rule.protocol)} ${portRange(rule)} from ${rule.cidr ?? rule.group}`;
}

async function renderSecurityGroups(view, ctx) {
  view.append(h("h1", {}, "Security groups"));
  if (!(await checkRegion(view, ctx))) return;
  const createButton = h("button", { type: "button", class: "primary", id: "sg-create", onclick: () => create() }, "Create security group");
  const deleteButton = h("button", { type: "button", class: "danger", id: "sg-delete", disabled: true, onclick: () => remove() }, "Delete security group");
  const detailsPanel = h("section", { class: "panel ec2-details-panel", id: "sg-details", "aria-label": "Security group details" });
  const table = new SelectTable({
    id: "security-groups-table", label: "Security groups", name: "security-group", idOf: (r) => r.id,
    labelOf: (r) => `${r.groupName} (${r.id})`,
    empty: `No security groups in ${ctx.region}.`,
    onSelect: () => {
      deleteButton.disabled = !table.selectedRow();
      renderDetails();
    },
    columns: [
      { key: "name", label: "Name", render: (r) => orDash(r.name) },
      { key: "id", label: "Security group ID", render: (r) => mono(r.id) },
      { key: "groupName", label: "Security group name", render: (r) => h("strong", {}, r.groupName) },
      { key: "vpcId", label: "VPC ID", render: (r) => mono(r.vpcId) },
      { key: "description", label: "Description" },
      { key: "inboundCount", label: "Inbound rules", numeric: true, value: (r) => r.inbound.length, render: (r) => String(r.inbound.length) },
    ],
  });
  view.append(
    h("p", { class: "muted" }, `Region ${regionName(ctx)} (the top bar's). A security group is a firewall: its inbound rules say ` +
      "which traffic reaches the instances that use it; everything else is dropped."),
    h("div", { class: "toolbar" }, createButton, deleteButton, h("span", { class: "spacer" }),
      h("button", { type: "button", id: "sg-refresh", onclick: (e) => busy(e.currentTarget, load) }, "Refresh")),
    table.element, detailsPanel);

  async function load() {
    const groups = await describeSecurityGroups(ctx);
    if (!ctx.current) return;
    table.update(groups);
    deleteButton.disabled = !table.selectedRow();
    renderDetails();
  }

  let detailsFor; // undefined: nothing shown yet
  function renderDetails() {
    const g = table.selectedRow();
    const signature = g ? JSON.stringify(g) : null;
    if (signature === detailsFor) return;
    detailsFor = signature;
    if (!g) {
      replace(detailsPanel, h("p", { class: "muted" }, "Select a security group to see and edit its rules."));
      return;
    }
    const inboundTable = dataTable({
      id: "sg-inbound-rules", label: `Inbound rules of ${g.groupName}`,
      empty: "No inbound rules: no traffic reaches the instances.",
      rows: g.inbound,
      columns: [
        { key: "type", label: "Type", value: (r) => ruleType(r), render: (r) => ruleType(r) },
        { key: "protocol", label: "Protocol", render: (r) => protocolName(r.protocol) },
        { key: "from", label: "Port range", value: (r) => Number(r.from), render: (r) => portRange(r) },
        { key: "cidr", label: "Source", value: (r) => r.cidr ?? r.group, render: (r) => r.cidr ?? mono(r.group) },
        { key: "description", label: "Description", render: (r) => orDash(r.description) },
        { key: "remove", label: "Actions", sortable: false, render: (r) => h("button", {
            type: "button", class: "link", "aria-label": `Remove inbound rule ${ruleLabel(r)}`,
            onclick: (e) => revoke(g, r, e.currentTarget) }, "Remove") },
      ],
    });
    const outboundTable = dataTable({
      id: "sg-outbound-rules", label: `Outbound rules of ${g.groupName}`, empty: "No outbound rules.",
      rows: g.outbound,
      columns: [
        { key: "type", label: "Type", render: (r) => ruleType(r) },
        { key: "protocol", label: "Protocol", render: (r) => protocolName(r.protocol) },
        { key: "from", label: "Port range", render: (r) => portRange(r) },
        { key: "cidr", label: "Destination", render: (r) => r.cidr ?? mono(r.group) },
      ],
    });
    replace(detailsPanel,
      h("h2", {}, `${g.groupName} (${g.id})`),
      details([["Security group ID", mono(g.id)], ["Description", g.description], ["VPC ID", mono(g.vpcId)], ["Owner", g.owner]]),
      h("h3", {}, `Inbound rules (${g.inbound.length})`),
      inboundTable,
      addRuleForm(g),
      h("h3", {}, `Outbound rules (${g.outbound.length})`),
      outboundTable);
  }

  function addRuleForm(g) {
    const type = h("select", { id: "rule-type" }, RULE_TYPES.map(([label]) => h("option", { value: label }, label)));
    const ports = h("input", { id: "rule-ports", placeholder: "22 or 8000-8080", size: 12, spellcheck: "false" });
    const cidr = h("input", { id: "rule-cidr", value: "0.0.0.0/0", size: 18, spellcheck: "false" });
    const description = h("input", { id: "rule-description", size: 20 });
    const error = h("p", { class: "form-error", role: "alert", id: "rule-error" });
    const add = h("button", { type: "submit", class: "primary", id: "rule-add" }, "Add inbound rule");
    const typeChanged = () => {
      const [, , port] = RULE_TYPES.find(([label]) => label === type.value);
      ports.disabled = port !== null;
      if (port === "all" || port === "-1") ports.value = "All";
      else if (port !== null) ports.value = port;
      else if (!parseRange(ports.value)) ports.value = "";
    };
    type.addEventListener("change", typeChanged);
    typeChanged();
    return h("form", { class: "ec2-rule-form", "aria-label": "Add an inbound rule",
      onsubmit: async (e) => {
        e.preventDefault();
        error.textContent = "";
        const [, protocol, port] = RULE_TYPES.find(([label]) => label === type.value);
        let from = "", to = "";
        if (protocol === "icmp") { from = -1; to = -1; }
        else if (protocol !== "-1") {
          const range = parseRange(port ?? ports.value);
          if (!range) {
            ports.setAttribute("aria-invalid", "true");
            error.textContent = "The port range is a port (22) or two (8000-8080) from 0 to 65535.";
            return;
          }
          ports.removeAttribute("aria-invalid");
          [from, to] = range;
        }
        const source = cidr.value.trim();
        if (!validCidr(source)) {
          cidr.setAttribute("aria-invalid", "true");
          error.textContent = "The source is a CIDR block such as 0.0.0.0/0 or 203.0.113.0/24.";
          return;
        }
        cidr.removeAttribute("aria-invalid");
        await busy(add, async () => {
          await ec2(ctx, "AuthorizeSecurityGroupIngress", [["GroupId", g.id],
            ...ipPermissions([{ protocol, from, to, cidr: source, description: description.value.trim() }])]);
          notify(`Added the inbound rule ${type.value} ${protocol === "-1" ? "" : `${from === to ? from : `${from}-${to}`} `}from ${source} to ${g.groupName}.`, "success");
          await load();
          document.getElementById("rule-type")?.focus();
        });
      } },
      h("h3", {}, "Add an inbound rule"),
      h("div", { class: "ec2-inline-fields" },
        field("Type", type), field("Port range", ports), field("Source (CIDR)", cidr), field("Description (optional)", description), add),
      error);
  }

  async function revoke(g, rule, button) {
    if (!(await confirmAction(`Remove the inbound rule ${ruleLabel(rule)} from ${g.groupName}?`,
      { title: "Remove inbound rule?", confirmLabel: "Remove rule" }))) return;
    await busy(button, async () => {
      const { description, ...match } = rule;
      await ec2(ctx, "RevokeSecurityGroupIngress", [["GroupId", g.id], ...ipPermissions([match])]);
      notify(`Removed the inbound rule ${ruleLabel(rule)}.`, "success");
      await load();
    });
  }

  async function create() {
    const name = h("input", { id: "sg-create-name", autocomplete: "off", spellcheck: "false" });
    const description = h("input", { id: "sg-create-description", autocomplete: "off" });
    let created = null;
    await modal({
      title: "Create security group",
      body: h("div", {},
        field("Security group name", name, "Up to 255 characters; it cannot start with sg-."),
        field("Description", description, "Required by EC2; it cannot be changed later."),
        h("p", { class: "muted" }, "It goes into the region's default VPC with no inbound rules; add them once it exists.")),
      actions: [{ label: "Cancel", value: null }, { label: "Create security group", kind: "primary", value: true }],
      onSubmit: async () => {
        if (!name.value.trim()) throw new Error("Enter a name.");
        const root = await ec2(ctx, "CreateSecurityGroup", [["GroupName", name.value.trim()],
          ["GroupDescription", description.value.trim() || name.value.trim()]]);
        created = text(root, "groupId");
        notify(`Created security group ${name.value.trim()} (${created}).`, "success");
        return true;
      },
    });
    if (created) {
      await busy(createButton, load);
      table.select(created, { focus: true });
    }
  }

  async function remove() {
    const g = table.selectedRow();
    if (!g) return;
    if (!(await confirmAction(`Delete the security group ${g.groupName} (${g.id})?`,
      { title: "Delete security group?", confirmLabel: "Delete" }))) return;
    await busy(deleteButton, async () => {
      await ec2(ctx, "DeleteSecurityGroup", [["GroupId", g.id]]);
      notify(`Deleted security group ${g.groupName}.`, "success");
      await load();
    });
  }

  await load();
  const wanted = ctx.rest[0];
  if (wanted && table.rows.some((r) => r.id === wanted)) table.select(wanted);
  else renderDetails();
}

export const securityGroupPages = [
  { route: "ec2/security-groups", title: "Security groups", section: SECTION, render: renderSecurityGroups },
];
