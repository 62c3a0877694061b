// EC2 > Key pairs: list, create (the private key downloaded at once as
// <name>.pem), import a public key, delete.

import { text } from "../aws.js";
import { busy, confirmAction, field, formatTime, h, modal, notify } from "../ui.js";
import { SECTION, SelectTable, checkRegion, describeKeyPairs, ec2, mono, regionName } from "./ec2-common.js";
import { createKeyPairDialog } from "./ec2-launch.js";

// Base64 of a UTF-8 text (the Query API's blob encoding).
function base64Text(value) {
  const bytes = new TextEncoder().encode(value);
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

async function renderKeyPairs(view, ctx) {
  view.append(h("h1", {}, "Key pairs"));
  if (!(await checkRegion(view, ctx))) return;
  const createButton = h("button", { type: "button", class: "primary", id: "key-create", onclick: () => create() }, "Create key pair");
  const importButton = h("button", { type: "button", id: "key-import", onclick: () => importKey() }, "Import key pair");
  const deleteButton = h("button", { type: "button", class: "danger", id: "key-delete", disabled: true, onclick: () => remove() }, "Delete key pair");
  const table = new SelectTable({
    id: "keypairs-table", label: "Key pairs", name: "keypair", idOf: (r) => r.name,
    empty: `No key pairs in ${ctx.region}. Key pairs are regional: create or import one here.`,
    onSelect: (r) => { deleteButton.disabled = !r; },
    columns: [
      { key: "name", label: "Name", render: (r) => h("strong", {}, r.name) },
      { key: "type", label: "Type" },
      { key: "created", label: "Created", render: (r) => formatTime(r.created) },
      { key: "fingerprint", label: "Fingerprint", render: (r) => h("code", { class: "ec2-fingerprint" }, r.fingerprint) },
      { key: "id", label: "ID", render: (r) => mono(r.id) },
    ],
  });
  view.append(
    h("p", { class: "muted" }, `Region ${regionName(ctx)} (the top bar's). AWS keeps the public key; the private key is yours, ` +
      "shown once when the key pair is created."),
    h("div", { class: "toolbar" }, createButton, importButton, deleteButton), table.element);

  async function load() {
    const pairs = await describeKeyPairs(ctx);
    if (!ctx.current) return;
    table.update(pairs);
    deleteButton.disabled = !table.selectedRow();
  }

  async function create() {
    const created = await createKeyPairDialog(ctx);
    if (!created) return;
    await busy(createButton, load);
    table.select(created.name, { focus: true });
  }

  async function importKey() {
    const name = h("input", { id: "import-key-name", autocomplete: "off", spellcheck: "false" });
    const material = h("textarea", { id: "import-key-material", spellcheck: "false", rows: 6,
                                      placeholder: "ssh-ed25519 AAAA… you@laptop" });
    const file = h("input", { type: "file", id: "import-key-file", accept: ".pub,.pem,text/plain",
      onchange: async () => {
        const f = file.files?.[0];
        if (!f) return;
        material.value = (await f.text()).trim();
        if (!name.value) name.value = f.name.replace(/\.pub$|\.pem$/, "");
      } });
    let imported = null;
    await modal({
      title: "Import key pair",
      body: h("div", {},
        field("Key pair name", name),
        field("Public key contents", material, "The OpenSSH line (ssh-rsa or ssh-ed25519 …) of ~/.ssh/id_ed25519.pub, an RFC 4716 block, or base64 DER."),
        field("Or read a public key file", file)),
      actions: [{ label: "Cancel", value: null }, { label: "Import key pair", kind: "primary", value: true }],
      onSubmit: async () => {
        if (!name.value.trim()) throw new Error("Enter a name for the key pair.");
        if (!material.value.trim()) throw new Error("Paste the public key.");
        const root = await ec2(ctx, "ImportKeyPair", [["KeyName", name.value.trim()],
                                                       ["PublicKeyMaterial", base64Text(material.value.trim())]]);
        imported = text(root, "keyName");
        notify(`Imported key pair ${imported} (${text(root, "keyFingerprint")}).`, "success");
        return true;
      },
    });
    if (imported) {
      await busy(importButton, load);
      table.select(imported, { focus: true });
    }
  }

  async function remove() {
    const r = table.selectedRow();
    if (!r) return;
    if (!(await confirmAction(`Delete the key pair ${r.name}? Instances launched with it keep it, but AWS forgets its public key.`,
      { title: "Delete key pair?", confirmLabel: "Delete" }))) return;
    await busy(deleteButton, async () => {
      await ec2(ctx, "DeleteKeyPair", [["KeyName", r.name]]);
      notify(`Deleted key pair ${r.name}.`, "success");
      await load();
    });
  }

  await load();
}

export const keyPairPages = [
  { route: "ec2/keypairs", title: "Key pairs", section: SECTION, render: renderKeyPairs },
];
