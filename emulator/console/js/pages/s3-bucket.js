// A bucket's page: its objects browsed by prefix (ListObjectsV2 with the
// "/" delimiter, pages by continuation token), uploads from the browser with
// progress, downloads by presigned URL, deletes, an object's public URL and
// canned ACL; the Permissions tab (s3-permissions.js) has the bucket's ACL
// and policy.

import { children, text } from "../aws.js";
import { busy, confirmAction, dataTable, errorText, field, formatBytes, formatTime, h, modal, notify, replace,
         select } from "../ui.js";
import { CANNED_ACLS, aclBadge, baseName, bucketHref, bucketRegion, fileNameOf, getAcl, grantsList, mapLimit,
         policyBadge, policyIsPublic } from "./s3-common.js";
import { renderPermissions } from "./s3-permissions.js";

const PAGE_SIZES = [10, 50, 100, 200, 1000];

export async function renderBucket(view, ctx) {
  const bucket = ctx.rest[0];
  if (!bucket) {
    ctx.navigate("#/s3");
    return;
  }
  const prefix = ctx.query.get("prefix") ?? "";
  const tab = ctx.query.get("tab") === "permissions" ? "permissions" : "objects";
  const summary = h("p", { class: "bucket-summary", id: "bucket-summary" }, h("span", { class: "muted" }, "…"));
  view.append(
    h("h1", {}, h("span", { class: "muted" }, "Bucket "), bucket),
    breadcrumbs(bucket, prefix),
    summary,
    h("nav", { class: "s3-tabs", "aria-label": "Bucket views" },
      h("a", { href: bucketHref(bucket, { prefix }), "aria-current": tab === "objects" ? "page" : null }, "Objects"),
      h("a", { href: bucketHref(bucket, { tab: "permissions" }), "aria-current": tab === "permissions" ? "page" : null },
        "Permissions")));
  const refreshSummary = () => loadSummary(ctx, bucket, summary);
  refreshSummary();
  if (tab === "permissions") await renderPermissions(view, ctx, bucket, refreshSummary);
  else await renderObjects(view, ctx, bucket, prefix);
}

// "Buckets › mybucket › a › b": each a link.
function breadcrumbs(bucket, prefix) {
  const nav = h("nav", { class: "breadcrumbs", "aria-label": "Breadcrumbs" });
  const list = h("ol", {});
  list.append(h("li", {}, h("a", { href: "#/s3" }, "Buckets")));
  const parts = prefix.split("/").filter((p, i, all) => p !== "" || i < all.length - 1);
  list.append(h("li", {}, parts.length ? h("a", { href: bucketHref(bucket) }, bucket)
                                       : h("span", { "aria-current": "location" }, bucket)));
  let acc = "";
  parts.forEach((part, i) => {
    acc += `${part}/`;
    const last = i === parts.length - 1;
    list.append(h("li", {}, last ? h("span", { "aria-current": "location" }, `${part}/`)
                                 : h("a", { href: bucketHref(bucket, { prefix: acc }) }, `${part}/`)));
  });
  nav.append(list);
  return nav;
}

async function loadSummary(ctx, bucket, summary) {
  const { session } = ctx;
  const [region, acl, policy] = await Promise.allSettled([
    bucketRegion(session, bucket), getAcl(session, bucket), policyIsPublic(session, bucket),
  ]);
  if (!ctx.current) return;
  if (region.status === "rejected" && acl.status === "rejected") {
    replace(summary, h("span", { class: "form-error" }, errorText(region.reason)));
    return;
  }
  replace(summary,
    h("span", {}, "Region: ", h("strong", { id: "bucket-region-value" }, region.value ?? "?")),
    h("span", { id: "bucket-access" }, "Access: ",
      acl.status === "fulfilled" ? aclBadge(acl.value) : h("span", { class: "acl acl-unknown", title: errorText(acl.reason) }, "unknown"),
      policy.value === true ? [" ", policyBadge()] : null));
}

// --- Objects -----------------------------------------------------------------------------

async function renderObjects(view, ctx, bucket, prefix) {
  const { session } = ctx;
  const pageSize = PAGE_SIZES.includes(Number(ctx.query.get("max"))) ? Number(ctx.query.get("max"))
    : Number(ctx.query.get("max")) > 0 && Number(ctx.query.get("max")) <= 1000 ? Number(ctx.query.get("max")) : 100;
  // tokens[i] starts page i (undefined for the first).
  const tokens = [undefined];
  let pageIndex = 0;

  const listing = h("div", { class: "s3-table-holder", id: "objects-holder" }, h("p", { class: "loading" }, "Loading objects…"));
  const pager = h("div", { class: "pager" });
  const uploads = uploadPanel(ctx, bucket, prefix, () => reload());
  const newFolder = h("button", { type: "button", onclick: () => createFolder(ctx, bucket, prefix, reload) }, "Create folder");
  const refresh = h("button", { type: "button", onclick: () => busy(refresh, () => showPage(pageIndex)) }, "Refresh");
  view.append(
    uploads,
    h("section", { class: "panel objects", "aria-labelledby": "objects-title" },
      h("div", { class: "toolbar" },
        h("h2", { id: "objects-title" }, prefix ? `Objects in ${prefix}` : "Objects"),
        h("span", { class: "spacer" }), newFolder, refresh),
      listing, pager));

  async function reload() {
    await showPage(pageIndex);
  }

  async function showPage(index) {
    const query = [["list-type", "2"], ["delimiter", "/"], ["encoding-type", "url"], ["max-keys", String(pageSize)]];
    if (prefix) query.push(["prefix", prefix]);
    if (tokens[index]) query.push(["continuation-token", tokens[index]]);
    let root;
    try {
      root = await session.s3Xml({ bucket, query });
    } catch (e) {
      if (!ctx.current) return;
      replace(listing, h("p", { class: "form-error", role: "alert", id: "objects-error" }, errorText(e)));
      replace(pager);
      return;
    }
    if (!ctx.current) return;
    pageIndex = index;
    const encoded = text(root, "EncodingType") === "url";
    const decode = (s) => (encoded ? decodeKey(s) : s);
    if (text(root, "IsTruncated") === "true") tokens[index + 1] = text(root, "NextContinuationToken");
    else tokens.length = index + 1;
    const folders = children(root, "CommonPrefixes").map((p) => ({ folder: true, key: decode(text(p, "Prefix")) }));
    const objects = children(root, "Contents").map((c) => ({
      folder: false,
      key: decode(text(c, "Key")),
      size: Number(text(c, "Size", "0")),
      modified: text(c, "LastModified"),
      etag: text(c, "ETag"),
      storageClass: text(c, "StorageClass", "STANDARD"),
      aclCell: h("span", { class: "muted" }, "…"),
      access: "",
    // The folder's own placeholder object ("a/b/" under prefix "a/b/") is the folder itself.
    })).filter((o) => o.key !== prefix);
    const rows = [...folders, ...objects];
    const table = dataTable({
      id: "objects", label: `Objects in ${bucket}${prefix ? "/" + prefix : ""}`, rows,
      empty: prefix ? "This folder is empty." : "No objects yet: upload files above.",
      rowAttrs: (r) => ({ "data-key": r.key, class: r.folder ? "folder" : "" }),
      columns: [
        { key: "key", label: "Name", value: (r) => (r.folder ? "\u0000" : "") + r.key,
          render: (r) => (r.folder
            ? h("a", { href: bucketHref(bucket, { prefix: r.key }), class: "folder-link" },
                h("span", { class: "icon", "aria-hidden": "true" }, "📁 "), baseName(r.key, prefix))
            : h("button", { type: "button", class: "link object-name", title: "Details, public URL and ACL",
                            onclick: () => objectDialog(ctx, bucket, r, reload) }, baseName(r.key, prefix))) },
        { key: "size", label: "Size", numeric: true, value: (r) => (r.folder ? -1 : r.size),
          render: (r) => (r.folder ? "Folder" : formatBytes(r.size)) },
        { key: "modified", label: "Last modified", render: (r) => formatTime(r.modified) },
        { key: "storageClass", label: "Storage class", render: (r) => (r.folder ? "" : r.storageClass) },
        { key: "access", label: "Access", render: (r) => (r.folder ? "" : r.aclCell) },
        { key: "actions", label: "Actions", sortable: false,
          render: (r) => (r.folder
            ? h("span", { class: "row-actions" },
                h("button", { type: "button", class: "danger", "aria-label": `Delete folder ${r.key}`,
                              onclick: (e) => deleteFolder(ctx, bucket, r.key, e.currentTarget, reload) }, "Delete"))
            : h("span", { class: "row-actions" },
            downloadLink(session, bucket, r.key),
            h("button", { type: "button", class: "danger", "aria-label": `Delete ${r.key}`,
                          onclick: (e) => deleteObject(ctx, bucket, r.key, e.currentTarget, reload) }, "Delete"))) },
      ],
    });
    replace(listing, table);
    replace(pager,
      h("button", { type: "button", disabled: index === 0, onclick: () => showPage(index - 1) }, "Previous page"),
      h("span", { class: "muted", id: "page-number" }, `Page ${index + 1}`),
      h("button", { type: "button", disabled: tokens[index + 1] === undefined, onclick: () => showPage(index + 1) },
        "Next page"));
    // Each object's ACL, a few at a time.
    mapLimit(objects, 6, async (o) => {
      try {
        const acl = await getAcl(session, bucket, o.key);
        o.access = acl.public ? "public" : "private";
        replace(o.aclCell, aclBadge(acl));
      } catch (e) {
        replace(o.aclCell, h("span", { class: "acl acl-unknown", title: errorText(e) }, "unknown"));
      }
    });
  }

  await showPage(0);
}

// ListObjectsV2's encoding-type=url keys: percent-encoded (AWS writes a
// space as "+", and "+" itself as %2B).
function decodeKey(s) {
  try {
    return decodeURIComponent(s.replace(/\+/g, " "));
  } catch {
    return s;
  }
}

// A link that downloads the object: a presigned GET, signed when the link is
// first focused or hovered and again when the signature gets old.
function downloadLink(session, bucket, key) {
  const a = h("a", { href: session.publicUrl(bucket, key), download: fileNameOf(key), class: "download",
                     "aria-label": `Download ${key}` }, "Download");
  let signedAt = 0;
  const sign = async () => {
    if (Date.now() - signedAt < 30 * 60 * 1000) return;
    signedAt = Date.now();
    a.href = await session.presign(bucket, key, { expiresIn: 3600 });
    a.dataset.signed = "true";
  };
  sign();
  a.addEventListener("focus", sign);
  a.addEventListener("pointerenter", sign);
  return a;
}

async function deleteObject(ctx, bucket, key, button, after) {
  if (!(await confirmAction(`Delete ${key} from ${bucket}? This cannot be undone.`,
                            { confirmLabel: "Delete object", title: "Delete object" }))) return;
  const ok = await busy(button, async () => {
    await ctx.session.s3({ method: "DELETE", bucket, key });
    return true;
  });
  if (ok) {
    notify(`Deleted ${key}.`, "success");
    await after();
  }
}

// Every key under `folder` (no delimiter), page by page.
async function keysUnder(session, bucket, folder) {
  const keys = [];
  let token;
  do {
    const query = [["list-type", "2"], ["prefix", folder], ["encoding-type", "url"]];
    if (token) query.push(["continuation-token", token]);
    const root = await session.s3Xml({ bucket, query });
    const encoded = text(root, "EncodingType") === "url";
    for (const c of children(root, "Contents")) keys.push(encoded ? decodeKey(text(c, "Key")) : text(c, "Key"));
    token = text(root, "IsTruncated") === "true" ? text(root, "NextContinuationToken") : undefined;
  } while (token);
  return keys;
}

// A folder is its keys: deleting it deletes each object under it.
async function deleteFolder(ctx, bucket, folder, button, after) {
  const keys = await busy(button, () => keysUnder(ctx.session, bucket, folder));
  if (!keys) return;
  if (!(await confirmAction(`Delete the folder ${folder} and the ${keys.length} object${keys.length === 1 ? "" : "s"} under it? This cannot be undone.`,
                            { confirmLabel: "Delete folder", title: "Delete folder" }))) return;
  let failed = 0;
  await busy(button, () => mapLimit(keys, 4, async (key) => {
    try {
      await ctx.session.s3({ method: "DELETE", bucket, key });
    } catch (e) {
      failed++;
      notify(`${key}: ${errorText(e)}`, "error");
    }
  }));
  if (!failed) notify(`Deleted the folder ${folder} (${keys.length} object${keys.length === 1 ? "" : "s"}).`, "success");
  await after();
}

async function createFolder(ctx, bucket, prefix, after) {
  const name = h("input", { id: "folder-name", autocomplete: "off", spellcheck: "false" });
  const created = await modal({
    title: "Create folder",
    body: field("Folder name", name, `Created in ${bucket}/${prefix} as an empty object whose key ends with "/".`),
    actions: [{ label: "Cancel", value: null }, { label: "Create folder", kind: "primary", value: true }],
    onSubmit: async () => {
      const value = name.value.replace(/\/+$/, "");
      if (!value) throw new Error("Give the folder a name.");
      if (value.includes("/")) throw new Error("A folder name cannot contain \"/\": create one level at a time.");
      await ctx.session.s3({ method: "PUT", bucket, key: `${prefix}${value}/`, body: "" });
      return true;
    },
  });
  if (created) await after();
}

// --- Uploads -------------------------------------------------------------------------------

function uploadPanel(ctx, bucket, prefix, after) {
  const { session } = ctx;
  const input = h("input", { type: "file", multiple: true, id: "upload-files", name: "upload-files" });
  const acl = select([["", "(none: private)"], ...CANNED_ACLS], { value: "", id: "upload-acl" });
  const progressList = h("ul", { class: "uploads", id: "uploads", "aria-label": "Uploads" });
  const zone = h("div", { class: "dropzone" },
    field(`Upload files to ${bucket}/${prefix}`, input, "Choose files, or drop them here. Each becomes an object under the current folder."),
    field("Canned ACL for the uploads", acl));

  async function upload(files) {
    const list = Array.from(files);
    if (!list.length) return;
    const headers = acl.value ? { "x-amz-acl": acl.value } : {};
    await Promise.all(list.map(async (file) => {
      const key = `${prefix}${file.name}`;
      const bar = h("progress", { max: String(file.size || 1), value: "0", "aria-label": `Upload of ${file.name}` });
      const status = h("span", { class: "upload-status" }, "uploading…");
      const item = h("li", { "data-key": key }, h("span", { class: "upload-name" }, file.name), bar,
                     h("span", { class: "muted" }, formatBytes(file.size)), status);
      progressList.append(item);
      try {
        await session.uploadObject(bucket, key, file, {
          headers,
          onProgress: (loaded, total) => {
            bar.max = total || 1;
            bar.value = loaded;
          },
        });
        bar.max = file.size || 1;
        bar.value = file.size || 1;
        status.textContent = "uploaded";
        item.classList.add("done");
      } catch (e) {
        status.textContent = errorText(e);
        status.setAttribute("role", "alert");
        item.classList.add("failed");
      }
    }));
    input.value = "";
    if (ctx.current) await after();
  }

  input.addEventListener("change", () => upload(input.files));
  zone.addEventListener("dragover", (e) => {
    e.preventDefault();
    zone.classList.add("dragging");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("dragging"));
  zone.addEventListener("drop", (e) => {
    e.preventDefault();
    zone.classList.remove("dragging");
    if (e.dataTransfer?.files?.length) upload(e.dataTransfer.files);
  });
  return h("section", { class: "panel upload", "aria-labelledby": "upload-title" },
           h("h2", { id: "upload-title" }, "Upload"), zone, progressList);
}

// --- One object: details, public URL, ACL -----------------------------------------------------

async function objectDialog(ctx, bucket, object, after) {
  const { session } = ctx;
  const key = object.key;
  const url = session.publicUrl(bucket, key);
  const urlInput = h("input", { id: "public-url", readonly: true, value: url, class: "url", spellcheck: "false" });
  const copy = h("button", { type: "button", onclick: () => copyText(urlInput) }, "Copy URL");
  const details = h("dl", { class: "object-details" },
    h("dt", {}, "Bucket"), h("dd", {}, bucket),
    h("dt", {}, "Key"), h("dd", { id: "object-key" }, key),
    h("dt", {}, "Size"), h("dd", {}, `${formatBytes(object.size)} (${object.size} bytes)`),
    h("dt", {}, "Last modified"), h("dd", {}, formatTime(object.modified)),
    h("dt", {}, "ETag"), h("dd", {}, h("code", {}, object.etag)),
    h("dt", {}, "Storage class"), h("dd", {}, object.storageClass));
  const contentType = h("dd", { id: "object-content-type" }, "…");
  details.append(h("dt", {}, "Content type"), contentType);
  const badge = h("span", { id: "object-acl-badge" }, "…");
  const grants = h("div", { class: "grants-holder" });
  // Disabled until the current ACL is known, so a choice is never overwritten by it.
  const aclSelect = select(CANNED_ACLS, { id: "object-acl" });
  aclSelect.disabled = true;
  const apply = h("button", { type: "button", class: "primary", onclick: () => busy(apply, async () => {
    await session.s3({ method: "PUT", bucket, key, query: [["acl", ""]], headers: { "x-amz-acl": aclSelect.value } });
    notify(`${key} is now ${aclSelect.value}.`, "success");
    changed = true;
    await showAcl();
  }) }, "Apply ACL");
  let changed = false;

  async function showAcl() {
    try {
      const acl = await getAcl(session, bucket, key);
      replace(badge, aclBadge(acl));
      replace(grants, grantsList(acl, "Object grants"));
      if (CANNED_ACLS.some(([v]) => v === acl.canned)) aclSelect.value = acl.canned;
    } catch (e) {
      replace(badge, h("span", { class: "form-error" }, errorText(e)));
    } finally {
      aclSelect.disabled = false;
    }
  }

  const download = downloadLink(session, bucket, key);
  download.textContent = "Download (presigned link, 1 hour)";
  const body = h("div", { class: "object-dialog" },
    details,
    h("div", { class: "url-row" }, field("Public URL", urlInput, "Opens for anyone only when the object is public (or the bucket policy allows it)."), copy),
    h("p", {}, download),
    h("section", { class: "acl-box", "aria-labelledby": "object-acl-title" },
      h("h3", { id: "object-acl-title" }, "Access control list ", badge),
      grants,
      h("div", { class: "inline-form" }, field("Canned ACL", aclSelect), apply)));
  const opened = modal({ title: `Object ${key}`, body, actions: [{ label: "Close", value: null }] });
  showAcl();
  session.s3({ method: "HEAD", bucket, key })
    .then((r) => { contentType.textContent = r.headers.get("content-type") || "(none)"; })
    .catch((e) => { contentType.textContent = errorText(e); });
  await opened;
  if (changed && ctx.current) await after();
}

async function copyText(input) {
  try {
    await navigator.clipboard.writeText(input.value);
    notify("Copied the URL.", "success");
  } catch {
    // No clipboard (permissions): select it for Ctrl+C.
    input.focus();
    input.select();
    notify("Press Ctrl+C to copy the selected URL.", "info");
  }
}
