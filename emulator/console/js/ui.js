// Small DOM helpers every page uses: elements, sortable tables, dialogs,
// notices, formats. No framework: pages build their DOM with h() and
// re-render what changed.

import { AwsError } from "./aws.js";

// h("button", {class: "primary", onclick: fn, "aria-label": "x"}, "Text", child, [more])
// Props: class, text, html is not supported (no innerHTML anywhere: names
// and keys are user data); on* are listeners; booleans set or drop the
// attribute; value/checked/disabled/selected set the property.
export function h(tag, props = {}, ...kids) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") {
      el.addEventListener(name.slice(2), value);
    } else if (name === "class") {
      el.className = Array.isArray(value) ? value.filter(Boolean).join(" ") : value;
    } else if (name === "text") {
      el.textContent = value;
    } else if (["value", "checked", "disabled", "selected", "multiple", "required"].includes(name)) {
      el[name] = value;
    } else {
      el.setAttribute(name, value === true ? "" : String(value));
    }
  }
  append(el, kids);
  return el;
}

function append(el, kids) {
  for (const kid of kids) {
    if (kid === undefined || kid === null || kid === false) continue;
    if (Array.isArray(kid)) append(el, kid);
    else el.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
  }
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

export function replace(el, ...kids) {
  clear(el);
  append(el, kids);
  return el;
}

// --- Notices --------------------------------------------------------------------

// A message in the page's live region: "error" ones are role=alert and stay
// until dismissed; others fade after a few seconds.
export function notify(message, kind = "info") {
  const region = document.getElementById("notices");
  if (!region) return;
  const close = h("button", { class: "link", "aria-label": "Dismiss", onclick: () => note.remove() }, "×");
  const note = h("div", { class: ["notice", `notice-${kind}`], role: kind === "error" ? "alert" : "status" },
                 h("span", {}, message), close);
  region.append(note);
  if (kind !== "error") setTimeout(() => note.remove(), 6000);
}

// What to show of an error: AWS's code and message.
export function errorText(e) {
  if (e instanceof AwsError) return e.awsMessage ? `${e.code}: ${e.awsMessage}` : e.code;
  return e?.message ?? String(e);
}

// Runs `work` with `button` disabled and marked busy; reports a failure with
// notify and answers undefined, or answers work's result.
export async function busy(button, work) {
  const label = button?.textContent;
  if (button) {
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
  }
  try {
    return await work();
  } catch (e) {
    notify(errorText(e), "error");
    return undefined;
  } finally {
    if (button) {
      button.disabled = false;
      button.removeAttribute("aria-busy");
      if (label !== undefined && button.textContent !== label) button.textContent = label;
    }
  }
}

// --- Dialogs --------------------------------------------------------------------

// A modal <dialog> with a title, a body and buttons. actions: [{label,
// kind, value}] ("cancel" closes with null). Resolves to the chosen value;
// Escape cancels. `onSubmit(value)` may return false (or throw) to keep it
// open, e.g. when a field is invalid.
export function modal({ title, body, actions = [{ label: "OK", kind: "primary", value: true }],
                        onSubmit } = {}) {
  return new Promise((resolve) => {
    const heading = h("h2", { id: `dialog-title-${Math.random().toString(36).slice(2)}` }, title);
    const error = h("p", { class: "dialog-error", role: "alert" });
    const buttons = actions.map((a) =>
      h("button", {
        type: "button", class: a.kind ?? "", "data-value": String(a.value),
        onclick: async () => {
          if (a.value !== null && onSubmit) {
            try {
              if ((await onSubmit(a.value)) === false) return;
            } catch (e) {
              error.textContent = errorText(e);
              return;
            }
          }
          dialog.close();
          dialog.remove();
          resolve(a.value);
        },
      }, a.label));
    const dialog = h("dialog", { "aria-labelledby": heading.id, class: "modal" },
                     heading, body, error, h("div", { class: "dialog-actions" }, buttons));
    dialog.addEventListener("cancel", (e) => {
      e.preventDefault();
      dialog.close();
      dialog.remove();
      resolve(null);
    });
    document.body.append(dialog);
    dialog.showModal();
    const first = dialog.querySelector("input, select, textarea") ?? buttons.at(-1);
    first?.focus();
  });
}

export async function confirmAction(message, { confirmLabel = "Confirm", danger = true, title = "Are you sure?" } = {}) {
  const value = await modal({
    title, body: h("p", {}, message),
    actions: [{ label: "Cancel", value: null }, { label: confirmLabel, kind: danger ? "danger" : "primary", value: true }],
  });
  return value === true;
}

// --- Tables ---------------------------------------------------------------------

// A table whose column headers sort it (click or Enter on the header's
// button; aria-sort tells screen readers). columns: [{key, label, render(row)
// -> node|string, value(row) -> sortable (defaults to row[key]), numeric}].
export function dataTable({ columns, rows, caption, empty = "Nothing here yet.", sortKey, descending = false,
                            rowAttrs, id, label }) {
  let key = sortKey ?? null;
  let desc = descending;
  const table = h("table", { class: "data", id, "aria-label": label });
  const render = () => {
    clear(table);
    if (caption) table.append(h("caption", {}, caption));
    const head = h("tr");
    for (const col of columns) {
      const sorted = key === col.key;
      const th = h("th", { scope: "col", class: col.numeric ? "num" : "",
                           "aria-sort": sorted ? (desc ? "descending" : "ascending") : (col.sortable === false ? null : "none") });
      if (col.sortable === false) th.append(col.label);
      else th.append(h("button", {
        type: "button", class: "sort",
        onclick: () => {
          if (key === col.key) desc = !desc;
          else { key = col.key; desc = false; }
          render();
          table.querySelector(`th button[data-key="${CSS.escape(col.key)}"]`)?.focus();
        },
        "data-key": col.key,
      }, col.label, h("span", { class: "sort-mark", "aria-hidden": "true" }, sorted ? (desc ? " ▼" : " ▲") : "")));
      head.append(th);
    }
    table.append(h("thead", {}, head));
    const body = h("tbody");
    let list = [...rows];
    if (key) {
      const col = columns.find((c) => c.key === key);
      const valueOf = col?.value ?? ((r) => r[key]);
      list.sort((a, b) => compare(valueOf(a), valueOf(b)) * (desc ? -1 : 1));
    }
    if (!list.length) body.append(h("tr", {}, h("td", { colspan: columns.length, class: "empty" }, empty)));
    for (const row of list) {
      const tr = h("tr", rowAttrs ? rowAttrs(row) : {});
      for (const col of columns) {
        const content = col.render ? col.render(row) : row[col.key];
        tr.append(h("td", { class: col.numeric ? "num" : "", "data-col": col.key }, content ?? ""));
      }
      body.append(tr);
    }
    table.append(body);
  };
  render();
  return table;
}

function compare(a, b) {
  if (a === b) return 0;
  if (a === undefined || a === null || a === "") return 1;
  if (b === undefined || b === null || b === "") return -1;
  const na = Number(a), nb = Number(b);
  if (typeof a !== "boolean" && !Number.isNaN(na) && !Number.isNaN(nb) && String(a).trim() !== "" && String(b).trim() !== "")
    return na - nb;
  return String(a).localeCompare(String(b), undefined, { numeric: true });
}

// --- Forms ----------------------------------------------------------------------

// A labelled field: <label>Label <input> <small>hint</small></label>. The
// hint is tied to the control with aria-describedby.
export function field(labelText, control, hint) {
  const wrapper = h("div", { class: "field" });
  if (!control.id) control.id = `f-${Math.random().toString(36).slice(2)}`;
  wrapper.append(h("label", { for: control.id }, labelText), control);
  if (hint) {
    const hintEl = h("small", { id: `${control.id}-hint`, class: "hint" }, hint);
    control.setAttribute("aria-describedby", hintEl.id);
    wrapper.append(hintEl);
  }
  return wrapper;
}

export function select(options, { value, id, name } = {}) {
  return h("select", { id, name },
           options.map((o) => {
             const [v, label] = Array.isArray(o) ? o : [o, o];
             return h("option", { value: v, selected: v === value }, label);
           }));
}

// --- Formats --------------------------------------------------------------------

// "0.003866667" -> "$0.0039" (exact decimal strings from the server; never
// summed here).
export function formatUsd(amount, digits = 2) {
  const n = Number(amount ?? 0);
  if (Number.isNaN(n)) return String(amount);
  const d = n !== 0 && Math.abs(n) < 0.01 ? Math.max(digits, 4) : digits;
  return (n < 0 ? "-$" : "$") + Math.abs(n).toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d });
}

export function formatBytes(bytes) {
  const n = Number(bytes);
  if (!Number.isFinite(n)) return "";
  const units = ["B", "KB", "MB", "GB", "TB"];
  let i = 0, v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n} B` : `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

// "2013-04-01T09:00:00.000Z" -> "2013-04-01 09:00:00 UTC"
export function formatTime(iso) {
  if (!iso) return "";
  return String(iso).replace("T", " ").replace(/\.\d+Z$|Z$/, "") + " UTC";
}

// A coloured badge for an instance or volume state ("running", "stopped").
export function stateBadge(state) {
  return h("span", { class: ["state", `state-${String(state).replace(/[^a-z-]/g, "")}`] }, state);
}

// Saves `content` as a file named `name` (a key pair's .pem).
export function downloadText(name, content, type = "application/x-pem-file") {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const a = h("a", { href: url, download: name, class: "hidden" });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
