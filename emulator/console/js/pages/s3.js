// The S3 section: the bucket list (this page) and a bucket's objects and
// permissions (s3-bucket.js, s3-permissions.js).
//
// #/s3                          the buckets of the signed-in account
// #/s3/bucket/<name>?prefix=a/  the objects under a prefix ("/" delimits folders)
// #/s3/bucket/<name>?tab=permissions   the bucket's ACL and policy

import { REGIONS } from "../app.js";
import { AwsError, child, children, text } from "../aws.js";
import { busy, confirmAction, dataTable, errorText, field, formatTime, h, modal, notify, replace,
         select } from "../ui.js";
import { renderBucket } from "./s3-bucket.js";
import { BUCKET_NAME_RULES, CANNED_ACLS, aclBadge, bucketHref, bucketNameProblem, bucketRegion, getAcl,
         mapLimit, policyBadge, policyIsPublic } from "./s3-common.js";

export const pages = [
  { route: "s3", title: "Buckets", section: "S3", nav: true, render: renderBuckets },
  { route: "s3/bucket", title: "Bucket", section: "S3", nav: false, render: renderBucket },
];

// --- The bucket list ----------------------------------------------------------------

async function renderBuckets(view, ctx) {
  const { session } = ctx;
  const tableHolder = h("div", { class: "s3-table-holder", "aria-live": "polite" }, h("p", { class: "loading" }, "Loading buckets…"));
  const createButton = h("button", { type: "button", class: "primary", id: "create-bucket",
                                     onclick: () => createBucketDialog(ctx) }, "Create bucket");
  const refreshButton = h("button", { type: "button", onclick: () => busy(refreshButton, load) }, "Refresh");
  view.append(
    h("h1", {}, "Buckets"),
    h("p", { class: "muted" }, "The buckets of your account. A bucket's name is shared by every account of the server: pick one nobody has taken."),
    h("div", { class: "toolbar" }, createButton, refreshButton),
    tableHolder);

  async function load() {
    const root = await session.s3Xml({});
    if (!ctx.current) return;
    const buckets = children(child(root, "Buckets"), "Bucket").map((b) => ({
      name: text(b, "Name"),
      created: text(b, "CreationDate"),
      region: "",
      access: "",
      regionCell: h("span", { class: "muted" }, "…"),
      accessCell: h("span", { class: "muted" }, "…"),
    }));
    const table = dataTable({
      id: "buckets", label: "Buckets", sortKey: "name", rows: buckets,
      empty: "No buckets yet: create one with Create bucket.",
      rowAttrs: (b) => ({ "data-bucket": b.name }),
      columns: [
        { key: "name", label: "Name", render: (b) => h("a", { href: bucketHref(b.name), class: "bucket-link" }, b.name) },
        { key: "region", label: "Region", render: (b) => b.regionCell },
        { key: "access", label: "Access", render: (b) => b.accessCell },
        { key: "created", label: "Creation date", render: (b) => formatTime(b.created) },
        { key: "actions", label: "Actions", sortable: false,
          render: (b) => h("button", { type: "button", class: "danger", "aria-label": `Delete bucket ${b.name}`,
                                       onclick: (e) => deleteBucket(ctx, b.name, e.currentTarget) }, "Delete") },
      ],
    });
    replace(tableHolder, table);
    // Region and access of each bucket: three calls each, a few at a time.
    await mapLimit(buckets, 4, async (b) => {
      const [region, acl, policy] = await Promise.allSettled([
        bucketRegion(session, b.name), getAcl(session, b.name), policyIsPublic(session, b.name),
      ]);
      if (region.status === "fulfilled") {
        b.region = region.value;
        replace(b.regionCell, region.value);
        b.regionCell.className = "";
      } else {
        replace(b.regionCell, errorText(region.reason));
      }
      const badges = [];
      if (acl.status === "fulfilled") badges.push(aclBadge(acl.value));
      else badges.push(h("span", { class: "acl acl-unknown", title: errorText(acl.reason) }, "unknown"));
      if (policy.status === "fulfilled" && policy.value === true) badges.push(" ", policyBadge());
      b.access = (acl.value?.public ? "public" : "private") + (policy.value === true ? " policy" : "");
      b.accessCell.className = "access";
      replace(b.accessCell, ...badges);
    });
  }

  try {
    await load();
  } catch (e) {
    replace(tableHolder, h("p", { class: "form-error", role: "alert" }, errorText(e)));
  }
}

// --- Create --------------------------------------------------------------------------

function createBucketDialog(ctx) {
  const { session } = ctx;
  const name = h("input", { id: "bucket-name", name: "bucket-name", autocomplete: "off", spellcheck: "false",
                            required: true, maxlength: "255" });
  const problem = h("p", { class: "form-error name-problem", id: "bucket-name-problem", role: "alert" });
  const region = select(REGIONS.map(([code, label]) => [code, `${label} ${code}`]),
                        { value: ctx.region || "us-east-1", id: "bucket-region" });
  const acl = select(CANNED_ACLS, { value: "private", id: "bucket-acl" });
  const rules = h("ul", { class: "rules", id: "bucket-name-rules" },
                  BUCKET_NAME_RULES.map((r) => h("li", { "data-rule": r.id }, r.text)));
  const check = ({ showEmpty = false } = {}) => {
    const value = name.value;
    const broken = value || showEmpty ? bucketNameProblem(value) : null;
    for (const li of rules.children) li.classList.toggle("broken", broken?.id === li.dataset.rule);
    if (broken) {
      name.setAttribute("aria-invalid", "true");
      name.setAttribute("aria-describedby", `${problem.id} bucket-name-hint`);
      problem.textContent = `Invalid name (${broken.detail(value)}). ${broken.text}`;
    } else {
      name.removeAttribute("aria-invalid");
      name.setAttribute("aria-describedby", "bucket-name-hint");
      problem.textContent = "";
    }
    return broken;
  };
  name.addEventListener("input", () => check());
  const nameField = field("Bucket name", name,
                          "Valid: myawsbucket, my.aws.bucket, myawsbucket.1. Invalid: .myawsbucket, myawsbucket., my..examplebucket.");
  nameField.append(problem);
  return modal({
    title: "Create bucket",
    body: h("div", { class: "create-bucket" },
            nameField,
            h("details", { class: "rules-box", open: true }, h("summary", {}, "Bucket naming rules"), rules),
            field("Region", region, "Where the bucket's data lives (its LocationConstraint)."),
            field("Access control list (canned ACL)", acl)),
    actions: [{ label: "Cancel", value: null }, { label: "Create bucket", kind: "primary", value: "create" }],
    onSubmit: async () => {
      const broken = check({ showEmpty: true });
      if (broken) {
        name.focus();
        return false; // refused in the page: nothing is sent
      }
      const headers = {};
      if (acl.value !== "private") headers["x-amz-acl"] = acl.value;
      const body = region.value === "us-east-1" ? undefined
        : `<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LocationConstraint>${region.value}</LocationConstraint></CreateBucketConfiguration>`;
      if (body) headers["content-type"] = "application/xml";
      // A refusal (BucketAlreadyExists, InvalidBucketName, ...) throws: the
      // dialog shows AWS's code and message and stays open.
      await session.s3({ method: "PUT", bucket: name.value, headers, body });
      notify(`Bucket ${name.value} created in ${region.value}.`, "success");
      ctx.refresh();
      return true;
    },
  });
}

// --- Delete --------------------------------------------------------------------------

async function deleteBucket(ctx, bucket, button) {
  if (!(await confirmAction(`Delete the bucket ${bucket}? It must be empty.`,
                            { confirmLabel: "Delete bucket", title: "Delete bucket" }))) return;
  await busy(button, async () => {
    try {
      await ctx.session.s3({ method: "DELETE", bucket });
    } catch (e) {
      if (e instanceof AwsError && e.code === "BucketNotEmpty")
        notify(`${errorText(e)} (delete its objects first)`, "error");
      else notify(errorText(e), "error");
      return;
    }
    notify(`Bucket ${bucket} deleted.`, "success");
    ctx.refresh();
  });
}
