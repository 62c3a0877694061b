// What the S3 pages share: the course's bucket-name rules, ACLs read from
// GetBucketAcl/GetObjectAcl, whether a bucket policy makes a bucket public,
// links between the pages.

import { AwsError, at, child, children, text } from "../aws.js";
import { h } from "../ui.js";

// The canned ACLs the course uses (S3 knows a few more, for logs and
// cross-account writes: they are not offered here).
export const CANNED_ACLS = [
  ["private", "private: only the owner"],
  ["public-read", "public-read: anyone may read"],
  ["public-read-write", "public-read-write: anyone may read and write"],
  ["authenticated-read", "authenticated-read: any AWS account may read"],
];

// --- Bucket names -----------------------------------------------------------------

// The course's rules, in the order they are checked. Each answers true when
// the name keeps the rule.
export const BUCKET_NAME_RULES = [
  { id: "length", text: "Bucket names must be at least 3 and no more than 63 characters long.",
    ok: (n) => n.length >= 3 && n.length <= 63,
    detail: (n) => `it has ${n.length} character${n.length === 1 ? "" : "s"}` },
  { id: "characters",
    text: "Bucket names can contain only lowercase letters, numbers, periods (.) and hyphens (-): no uppercase letters, no underscores.",
    ok: (n) => /^[a-z0-9.-]*$/.test(n),
    detail: (n) => {
      if (/[A-Z]/.test(n)) return "it has uppercase letters";
      if (n.includes("_")) return "it has an underscore";
      if (/\s/.test(n)) return "it has a space";
      const bad = [...n].find((c) => !/[a-z0-9.-]/.test(c));
      return `it has the character "${bad}"`;
    } },
  { id: "labels",
    text: "Bucket names must be a series of one or more labels separated by a single period; each label must start and end with a lowercase letter or a number.",
    ok: (n) => n.split(".").every((label) => /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(label)),
    detail: (n) => {
      if (n.startsWith(".")) return "it starts with a period";
      if (n.endsWith(".")) return "it ends with a period";
      if (n.includes("..")) return "it has two periods in a row";
      const label = n.split(".").find((l) => !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(l));
      return `the label "${label}" ${label.startsWith("-") ? "starts" : "ends"} with a hyphen`;
    } },
  { id: "ip", text: "Bucket names must not be formatted as an IP address (for example, 192.168.5.4).",
    ok: (n) => !/^\d{1,3}(\.\d{1,3}){3}$/.test(n),
    detail: () => "it looks like an IP address" },
];

// The first rule `name` breaks, or null.
export function bucketNameProblem(name) {
  return BUCKET_NAME_RULES.find((rule) => !rule.ok(name)) ?? null;
}

// --- Links ----------------------------------------------------------------------------

export function bucketHref(bucket, params = {}) {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) query.set(k, v);
  const qs = query.toString();
  return `#/s3/bucket/${encodeURIComponent(bucket)}${qs ? "?" + qs : ""}`;
}

// --- ACLs -----------------------------------------------------------------------------

const ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers";
const AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";

function groupName(uri) {
  return uri.split("/").pop();
}

// An <AccessControlPolicy> as {owner, grants: [{grantee, type, permission}],
// public, canned}: public when AllUsers or AuthenticatedUsers have a grant;
// canned is the canned ACL the grants amount to ("custom" when none does).
export function readAcl(root) {
  const ownerId = text(root, "Owner/ID");
  const grants = children(at(root, "AccessControlList"), "Grant").map((g) => {
    const grantee = child(g, "Grantee");
    const uri = text(grantee, "URI");
    const id = text(grantee, "ID");
    const email = text(grantee, "EmailAddress");
    let label, type;
    if (uri) {
      type = "Group";
      label = groupName(uri);
    } else if (email) {
      type = "Email";
      label = email;
    } else {
      type = "Canonical user";
      label = id === ownerId ? `${text(grantee, "DisplayName") || id} (owner)` : (text(grantee, "DisplayName") || id);
    }
    return { uri, id, type, grantee: label, permission: text(g, "Permission") };
  });
  const permsOf = (uri) => grants.filter((g) => g.uri === uri).map((g) => g.permission).sort().join(",");
  const others = grants.filter((g) => !(g.id === ownerId && g.permission === "FULL_CONTROL"));
  let canned = "custom";
  if (!others.length) canned = "private";
  else if (others.every((g) => g.uri === ALL_USERS)) {
    const p = permsOf(ALL_USERS);
    if (p === "READ") canned = "public-read";
    else if (p === "READ,WRITE") canned = "public-read-write";
  } else if (others.every((g) => g.uri === AUTHENTICATED_USERS) && permsOf(AUTHENTICATED_USERS) === "READ") {
    canned = "authenticated-read";
  }
  const isPublic = grants.some((g) => g.uri === ALL_USERS || g.uri === AUTHENTICATED_USERS);
  return { owner: ownerId, grants, public: isPublic, canned };
}

export async function getAcl(session, bucket, key) {
  return readAcl(await session.s3Xml({ bucket, key, query: [["acl", ""]] }));
}

// The ACL badge: "public" or "private", with the canned ACL it amounts to.
export function aclBadge(acl) {
  if (!acl) return h("span", { class: "acl acl-unknown" }, "unknown");
  return h("span", { class: ["acl", acl.public ? "acl-public" : "acl-private"],
                     title: `ACL: ${acl.canned}`, "data-acl": acl.canned },
           acl.public ? "public" : "private",
           acl.canned !== "private" ? h("span", { class: "acl-canned" }, ` (${acl.canned})`) : null);
}

export function policyBadge() {
  return h("span", { class: "acl acl-public acl-policy", title: "The bucket policy allows anyone" }, "public via policy");
}

// A table of the grants (used by the object dialog and the permissions tab).
export function grantsList(acl, label) {
  return h("table", { class: "data grants", "aria-label": label },
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Grantee"), h("th", { scope: "col" }, "Type"),
                     h("th", { scope: "col" }, "Permission"))),
    h("tbody", {}, acl.grants.map((g) => h("tr", {}, h("td", {}, g.grantee), h("td", {}, g.type),
                                           h("td", {}, g.permission)))));
}

// --- Policies -------------------------------------------------------------------------

// Whether a policy document allows anyone ("*"): used when the server has no
// GetBucketPolicyStatus.
export function policyAllowsEveryone(doc) {
  const statements = Array.isArray(doc?.Statement) ? doc.Statement : doc?.Statement ? [doc.Statement] : [];
  return statements.some((s) => {
    if (s.Effect !== "Allow") return false;
    const p = s.Principal;
    if (p === "*") return true;
    const aws = p?.AWS;
    return aws === "*" || (Array.isArray(aws) && aws.includes("*"));
  });
}

// true / false, or null when the bucket has no policy (or it cannot be read).
export async function policyIsPublic(session, bucket) {
  try {
    const root = await session.s3Xml({ bucket, query: [["policyStatus", ""]] });
    return text(root, "IsPublic") === "true";
  } catch (e) {
    if (e instanceof AwsError && e.code === "NoSuchBucketPolicy") return null;
    if (!(e instanceof AwsError) || !["NotImplemented", "MethodNotAllowed", "InvalidRequest"].includes(e.code)) throw e;
  }
  // No GetBucketPolicyStatus: read the policy itself.
  try {
    const response = await session.s3({ bucket, query: [["policy", ""]] });
    return policyAllowsEveryone(JSON.parse(await response.text()));
  } catch (e) {
    if (e instanceof AwsError && e.code === "NoSuchBucketPolicy") return null;
    throw e;
  }
}

// The region of a bucket (GetBucketLocation: empty is us-east-1, "EU" is eu-west-1).
export async function bucketRegion(session, bucket) {
  const root = await session.s3Xml({ bucket, query: [["location", ""]] });
  const lc = root.textContent.trim();
  return !lc ? "us-east-1" : lc === "EU" ? "eu-west-1" : lc;
}

// Runs fn over items, at most `limit` at a time.
export async function mapLimit(list, limit, fn) {
  const out = new Array(list.length);
  let next = 0;
  const worker = async () => {
    while (next < list.length) {
      const i = next++;
      out[i] = await fn(list[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, list.length) }, worker));
  return out;
}

// The part of a key after the prefix being browsed.
export function baseName(key, prefix) {
  return key.startsWith(prefix) ? key.slice(prefix.length) : key;
}

// The name a downloaded file gets: the key's last segment.
export function fileNameOf(key) {
  const parts = key.split("/").filter(Boolean);
  return parts.at(-1) || "download";
}
