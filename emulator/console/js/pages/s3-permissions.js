// A bucket's Permissions tab: its ACL (grants, canned ACL) and its bucket
// policy (GetBucketPolicy / PutBucketPolicy / DeleteBucketPolicy), the JSON
// checked in the page before it is sent; S3's own refusals (MalformedPolicy)
// shown as S3 words them.

import { AwsError } from "../aws.js";
import { busy, confirmAction, errorText, field, h, notify, replace, select } from "../ui.js";
import { CANNED_ACLS, aclBadge, getAcl, grantsList, policyBadge, policyIsPublic } from "./s3-common.js";

// The course's policy that makes every object of a bucket readable by anyone.
export function coursePublicReadPolicy(bucket) {
  return {
    Version: "2008-10-17",
    Statement: [{
      Sid: "AllowPublicRead",
      Effect: "Allow",
      Principal: { AWS: "*" },
      Action: "s3:GetObject",
      Resource: `arn:aws:s3:::${bucket}/*`,
    }],
  };
}

// null when `source` is a JSON object, else what is wrong with it.
export function policyJsonProblem(source) {
  if (!source.trim()) return "The policy is empty: write a JSON document, or use Delete policy.";
  let doc;
  try {
    doc = JSON.parse(source);
  } catch (e) {
    return `The policy is not valid JSON: ${e.message}`;
  }
  if (doc === null || typeof doc !== "object" || Array.isArray(doc))
    return "A bucket policy is a JSON object: {\"Version\": ..., \"Statement\": [...]}.";
  return null;
}

export async function renderPermissions(view, ctx, bucket, refreshSummary) {
  const aclPanel = h("section", { class: "panel", "aria-labelledby": "bucket-acl-title" });
  const policyPanel = h("section", { class: "panel", "aria-labelledby": "bucket-policy-title" });
  view.append(aclPanel, policyPanel);
  await Promise.all([bucketAclPanel(ctx, bucket, aclPanel, refreshSummary),
                     bucketPolicyPanel(ctx, bucket, policyPanel, refreshSummary)]);
}

// --- ACL ---------------------------------------------------------------------------------

async function bucketAclPanel(ctx, bucket, panel, refreshSummary) {
  const { session } = ctx;
  const badge = h("span", { id: "bucket-acl-badge" });
  const grants = h("div", { class: "grants-holder" }, h("p", { class: "loading" }, "Loading the ACL…"));
  // Disabled until the current ACL is known, so a choice is never overwritten by it.
  const cannedSelect = select(CANNED_ACLS, { id: "bucket-canned-acl" });
  cannedSelect.disabled = true;
  const apply = h("button", { type: "button", class: "primary", onclick: () => busy(apply, async () => {
    await session.s3({ method: "PUT", bucket, query: [["acl", ""]], headers: { "x-amz-acl": cannedSelect.value } });
    notify(`The bucket ${bucket} is now ${cannedSelect.value}.`, "success");
    await show();
    refreshSummary();
  }) }, "Apply bucket ACL");
  replace(panel,
    h("h2", { id: "bucket-acl-title" }, "Bucket access control list (ACL) ", badge),
    h("p", { class: "muted" },
      "The bucket's ACL decides who may list, write and delete its objects. Reading an object is the object's own ACL (or the bucket policy)."),
    grants,
    h("div", { class: "inline-form" }, field("Canned ACL for the bucket", cannedSelect), apply));

  async function show() {
    try {
      const acl = await getAcl(session, bucket);
      if (!ctx.current) return;
      replace(badge, aclBadge(acl));
      replace(grants, grantsList(acl, "Bucket grants"));
      if (CANNED_ACLS.some(([v]) => v === acl.canned)) cannedSelect.value = acl.canned;
    } catch (e) {
      replace(grants, h("p", { class: "form-error", role: "alert" }, errorText(e)));
    } finally {
      cannedSelect.disabled = false;
    }
  }
  await show();
}

// --- Policy ------------------------------------------------------------------------------

async function bucketPolicyPanel(ctx, bucket, panel, refreshSummary) {
  const { session } = ctx;
  const status = h("span", { id: "policy-status" });
  const editor = h("textarea", { id: "bucket-policy", name: "bucket-policy", spellcheck: "false", rows: "16",
                                 placeholder: "No bucket policy. Write one, or insert the course's public-read policy." });
  const problem = h("p", { class: "form-error", role: "alert", id: "policy-error" });
  const clearProblem = () => {
    problem.textContent = "";
    editor.removeAttribute("aria-invalid");
  };
  const showProblem = (message) => {
    problem.textContent = message;
    editor.setAttribute("aria-invalid", "true");
  };
  editor.addEventListener("input", clearProblem);

  const insert = h("button", { type: "button", onclick: () => {
    editor.value = JSON.stringify(coursePublicReadPolicy(bucket), null, 2);
    clearProblem();
    editor.focus();
  } }, "Insert public-read policy");
  const save = h("button", { type: "button", class: "primary", onclick: () => {
    clearProblem();
    const wrong = policyJsonProblem(editor.value);
    if (wrong) {
      showProblem(wrong); // refused in the page: nothing is sent
      editor.focus();
      return;
    }
    return busy(save, async () => {
      try {
        await session.s3({ method: "PUT", bucket, query: [["policy", ""]], body: editor.value,
                           headers: { "content-type": "application/json" } });
      } catch (e) {
        showProblem(errorText(e));
        return;
      }
      notify(`Saved the policy of ${bucket}.`, "success");
      await load();
      refreshSummary();
    });
  } }, "Save policy");
  const remove = h("button", { type: "button", class: "danger", onclick: async () => {
    if (!(await confirmAction(`Delete the bucket policy of ${bucket}?`, { confirmLabel: "Delete policy", title: "Delete policy" })))
      return;
    await busy(remove, async () => {
      await session.s3({ method: "DELETE", bucket, query: [["policy", ""]] });
      notify(`Deleted the policy of ${bucket}.`, "success");
      clearProblem();
      await load();
      refreshSummary();
    });
  } }, "Delete policy");

  replace(panel,
    h("h2", { id: "bucket-policy-title" }, "Bucket policy ", status),
    h("p", { class: "muted" }, "A JSON document of statements that allow or deny S3 actions on this bucket and its objects. ",
      "Its ARN: ", h("code", {}, `arn:aws:s3:::${bucket}`), "."),
    field("Policy document (JSON)", editor),
    problem,
    h("div", { class: "toolbar" }, insert, h("span", { class: "spacer" }), remove, save));

  async function load() {
    let policy = "";
    try {
      const response = await session.s3({ bucket, query: [["policy", ""]] });
      policy = await response.text();
    } catch (e) {
      if (!(e instanceof AwsError && e.code === "NoSuchBucketPolicy")) {
        showProblem(errorText(e));
        return;
      }
    }
    if (!ctx.current) return;
    try {
      editor.value = policy ? JSON.stringify(JSON.parse(policy), null, 2) : "";
    } catch {
      editor.value = policy;
    }
    remove.disabled = !policy;
    let isPublic = null;
    try {
      isPublic = await policyIsPublic(session, bucket);
    } catch { /* shown as no status */ }
    replace(status, isPublic === true ? policyBadge()
      : isPublic === false ? h("span", { class: "acl acl-private" }, "not public")
      : h("span", { class: "acl acl-none" }, "no policy"));
  }
  await load();
}
