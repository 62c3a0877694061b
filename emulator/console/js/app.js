// The console's shell: sign-in, the top bar (account, region, simulation
// clock), the navigation and a hash router that hands each page its view.
//
// A page module exports `pages`: [{route: "ec2/instances", title, section,
// nav: true|false, admin: false, render(view, ctx)}]. A URL "#/route/rest?q=1"
// goes to the page with the longest route that prefixes it; ctx has:
//   session   the signed API session (js/aws.js)
//   rest      the path segments after the route, decoded
//   query     URLSearchParams of the part after "?"
//   region    the region chosen in the top bar (EC2 pages)
//   every(ms, fn)  calls fn every ms while the page is shown (the page
//             draws its first state itself)
//   navigate(hash) goes to "#/..."
//   refresh()  renders the page again
// render may be async; it should put its heading (h1) first in `view`.
// A page that moves the simulation clock dispatches
// window "awslab:clock" so the top bar shows the new time at once.

import { AwsError, Session, items, text } from "./aws.js";
import { busy, clear, errorText, field, formatTime, h, notify, replace } from "./ui.js";
import { pages as s3Pages } from "./pages/s3.js";
import { pages as ec2Pages } from "./pages/ec2.js";
import { pages as billingPages } from "./pages/billing.js";

const ALL_PAGES = [...s3Pages, ...ec2Pages, ...billingPages];
const SECTIONS = ["S3", "EC2", "Billing", "Class"];
export const REGIONS = [
  ["us-east-1", "US East (N. Virginia)"], ["us-east-2", "US East (Ohio)"],
  ["us-west-1", "US West (N. California)"], ["us-west-2", "US West (Oregon)"],
  ["ca-central-1", "Canada (Central)"], ["eu-west-1", "Europe (Ireland)"],
  ["eu-west-2", "Europe (London)"], ["eu-central-1", "Europe (Frankfurt)"],
  ["ap-south-1", "Asia Pacific (Mumbai)"], ["ap-southeast-1", "Asia Pacific (Singapore)"],
  ["ap-southeast-2", "Asia Pacific (Sydney)"], ["ap-northeast-1", "Asia Pacific (Tokyo)"],
  ["sa-east-1", "South America (São Paulo)"],
];

// The regions of the top bar: those EC2 serves, as DescribeRegions lists
// them (S3 takes any of REGIONS as a bucket's location).
function regionName(code) {
  return REGIONS.find(([c]) => c === code)?.[1] ?? code;
}

async function servedRegions() {
  try {
    const root = await session.ec2("DescribeRegions", {}, { region: "us-east-1" });
    const codes = items(root, "regionInfo").map((item) => text(item, "regionName")).filter(Boolean);
    return codes.length ? codes : null;
  } catch {
    return null;
  }
}

let session = Session.load();
let timers = [];
let renderToken = 0;
let firstRoute = true;

function stopTimers() {
  for (const t of timers) clearInterval(t);
  timers = [];
}

function parseHash() {
  const raw = location.hash.replace(/^#\/?/, "");
  const [pathPart, queryPart = ""] = raw.split("?");
  const segments = pathPart.split("/").filter(Boolean).map((s) => {
    try { return decodeURIComponent(s); } catch { return s; }
  });
  return { segments, query: new URLSearchParams(queryPart) };
}

function findPage(segments) {
  let best = null, bestLength = -1;
  for (const page of ALL_PAGES) {
    const parts = page.route.split("/");
    if (parts.length > segments.length || parts.length <= bestLength) continue;
    if (parts.every((p, i) => p === segments[i])) {
      best = page;
      bestLength = parts.length;
    }
  }
  return best ? { page: best, rest: segments.slice(bestLength) } : null;
}

// --- Sign-in ------------------------------------------------------------------------

function renderSignIn() {
  stopTimers();
  document.body.classList.add("signed-out");
  const root = replace(document.getElementById("app"));
  const keyId = h("input", { id: "access-key-id", name: "access-key-id", autocomplete: "username",
                             required: true, spellcheck: "false" });
  const secret = h("input", { id: "secret-access-key", name: "secret-access-key", type: "password",
                              autocomplete: "current-password", required: true });
  const submit = h("button", { type: "submit", class: "primary", id: "sign-in" }, "Sign in");
  const problem = h("p", { class: "form-error", role: "alert", id: "sign-in-error" });
  const form = h("form", { class: "sign-in", "aria-labelledby": "sign-in-title",
    onsubmit: async (e) => {
      e.preventDefault();
      problem.textContent = "";
      const candidate = new Session({ accessKeyId: keyId.value.trim(), secretAccessKey: secret.value });
      await busy(submit, async () => {
        try {
          candidate.identity = await candidate.admin("GET", "/_awslab/whoami");
        } catch (err) {
          problem.textContent = err instanceof AwsError && (err.code === "InvalidAccessKeyId" || err.code === "SignatureDoesNotMatch")
            ? "Those credentials are not valid: check the access key ID and the secret access key."
            : errorText(err);
          return;
        }
        candidate.save();
        session = candidate;
        if (!location.hash || location.hash === "#/" || location.hash === "#/signin") location.hash = "#/s3";
        renderShell();
      });
    },
  },
    h("h1", { id: "sign-in-title" }, "Sign in to awslab"),
    h("p", { class: "muted" }, "Use the access key ID and secret access key your teacher gave you (a fresh server: test / test)."),
    field("Access key ID", keyId),
    field("Secret access key", secret),
    problem,
    submit);
  root.append(h("main", { id: "main", class: "sign-in-page" }, form));
  keyId.focus();
}

function signOut() {
  Session.clear();
  session = null;
  location.hash = "#/";
  renderSignIn();
}

// --- The shell ----------------------------------------------------------------------

let clockEl = null;
let clockTimer = null;

async function updateClock() {
  if (!clockEl || !session) return;
  try {
    const clock = await session.admin("GET", "/_awslab/clock");
    clockEl.textContent = formatTime(clock.now);
    clockEl.dataset.now = clock.now;
    clockEl.title = `Simulation clock, ×${clock.time_scale}`;
  } catch {
    clockEl.textContent = "clock unavailable";
  }
}

function renderShell() {
  document.body.classList.remove("signed-out");
  const identity = session.identity ?? {};
  const region = h("select", { id: "region", "aria-label": "Region",
    onchange: () => {
      session.region = region.value;
      session.save();
      route();
    },
  }, h("option", { value: session.region, selected: true }, `${regionName(session.region)} ${session.region}`));
  servedRegions().then((codes) => {
    if (!codes) return;
    if (!codes.includes(session.region)) codes.unshift(session.region);
    replace(region, codes.map((code) =>
      h("option", { value: code, selected: code === session.region }, `${regionName(code)} ${code}`)));
  });
  clockEl = h("span", { id: "sim-clock", class: "clock", "aria-live": "off" }, "…");
  const header = h("header", { class: "topbar" },
    h("a", { href: "#main", class: "skip-link" }, "Skip to content"),
    h("a", { href: "#/s3", class: "brand" }, "awslab console"),
    h("span", { class: "spacer" }),
    h("span", { class: "clock-label" }, "Clock ", clockEl),
    region,
    h("span", { class: "identity", id: "identity" },
      `${identity.name || "account"} (${identity.account_id ?? "?"})`, identity.admin ? h("span", { class: "badge" }, "admin") : null),
    h("button", { type: "button", class: "link", id: "sign-out", onclick: signOut }, "Sign out"));
  const nav = h("nav", { class: "sidebar", "aria-label": "Services" });
  for (const section of SECTIONS) {
    const links = ALL_PAGES.filter((p) => p.section === section && p.nav !== false && (!p.admin || identity.admin));
    if (!links.length) continue;
    nav.append(h("h2", {}, section),
               h("ul", {}, links.map((p) => h("li", {}, h("a", { href: `#/${p.route}`, "data-route": p.route }, p.title)))));
  }
  const main = h("main", { id: "main", tabindex: "-1" });
  replace(document.getElementById("app"), header, h("div", { class: "layout" }, nav, main));
  updateClock();
  clearInterval(clockTimer);
  clockTimer = setInterval(updateClock, 2000);
  route();
}

async function route() {
  if (!session) return renderSignIn();
  stopTimers();
  const main = document.getElementById("main");
  if (!main) return renderShell();
  const { segments, query } = parseHash();
  const found = findPage(segments.length ? segments : ["s3"]);
  for (const a of document.querySelectorAll("nav.sidebar a")) {
    const current = found && (a.dataset.route === found.page.route ||
                              found.page.route.startsWith(a.dataset.route + "/"));
    if (current) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  clear(main);
  if (!found || (found.page.admin && !session.identity?.admin)) {
    main.append(h("h1", {}, "Not found"), h("p", {}, "No console page at ", location.hash || "#/", "."));
    return;
  }
  const token = ++renderToken;
  const ctx = {
    session,
    rest: found.rest,
    query,
    region: session.region,
    navigate: (hash) => { location.hash = hash; },
    refresh: () => route(),
    every: (ms, fn) => {
      if (token !== renderToken) return;
      const run = async () => {
        if (token !== renderToken) return;
        try { await fn(); } catch (e) { console.warn("refresh failed:", e); }
      };
      timers.push(setInterval(run, ms));
    },
    get current() { return token === renderToken; },
  };
  document.title = `${found.page.title} · awslab console`;
  try {
    await found.page.render(main, ctx);
  } catch (e) {
    if (token !== renderToken) return;
    main.append(h("p", { class: "form-error", role: "alert" }, errorText(e)));
  }
  // After a move to another page, focus goes to its content (as a screen
  // reader expects); on the first page of a visit the skip link stays the
  // first Tab stop.
  if (token === renderToken && !firstRoute && document.activeElement === document.body)
    main.focus({ preventScroll: true });
  firstRoute = false;
}

window.addEventListener("hashchange", () => route());
window.addEventListener("awslab:clock", () => updateClock());
window.addEventListener("unhandledrejection", (e) => {
  notify(errorText(e.reason), "error");
});
if (session) renderShell();
else renderSignIn();
