// The cost-over-time chart: an inline SVG line of the month's cumulative
// cost (no chart library), readable without sight: the SVG is role="img"
// with the figures in its aria-label, and a <details> holds a table of every
// point.

import { h } from "../ui.js";
import { usd, usdShort } from "./billing-format.js";

const SVG_NS = "http://www.w3.org/2000/svg";

function s(tag, attrs = {}, ...kids) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) el.setAttribute(k, String(v));
  for (const kid of kids) if (kid !== null && kid !== undefined) el.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
  return el;
}

// 0..max in 4-6 steps of 1, 2 or 5 × 10^n.
function niceTicks(max) {
  if (!(max > 0)) return [0, 1];
  const rough = max / 4;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((v) => v >= rough) ?? 10 * power;
  const ticks = [];
  for (let v = 0; v < max + step * 0.999; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

function timeLabel(t, hourly) {
  const d = new Date(t);
  if (hourly) {
    const hh = String(d.getUTCHours()).padStart(2, "0");
    return d.getUTCHours() === 0 ? d.toLocaleDateString("en-US", { month: "short", day: "numeric", timeZone: "UTC" }) : `${hh}:00`;
  }
  return d.toLocaleDateString("en-US", { month: "short", day: "numeric", timeZone: "UTC" });
}

function pointLabel(t) {
  const iso = new Date(t).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

// points: [{t (ms), total (decimal string: the month to date at t),
// period (the cost of the period that ends at t), label (that period, for
// people: "Apr 1", "04:00-05:00")}], the first one the start at 0. budget: a decimal string or null.
// granularity: "DAILY" | "HOURLY". title: what the chart shows.
export function costChart({ points, budget, granularity, title, id = "cost-chart" }) {
  const hourly = granularity === "HOURLY";
  const W = 760, H = 260, left = 70, right = 20, top = 16, bottom = 34;
  const plotW = W - left - right, plotH = H - top - bottom;
  const values = points.map((p) => Number(p.total));
  const costMax = Math.max(0, ...values);
  const budgetValue = budget === null || budget === undefined ? null : Number(budget);
  // The budget line is drawn when the cost is near enough to it to matter.
  const showBudget = budgetValue !== null && budgetValue > 0 && costMax >= budgetValue / 4;
  const ticks = niceTicks(Math.max(costMax, showBudget ? budgetValue : 0) || 0.01);
  const yMax = ticks.at(-1);
  const t0 = points[0]?.t ?? 0;
  const t1 = Math.max(points.at(-1)?.t ?? 1, t0 + 1);
  const x = (t) => left + ((t - t0) / (t1 - t0)) * plotW;
  const y = (v) => top + plotH - (v / yMax) * plotH;

  const last = points.at(-1);
  const summaryFigures = points.slice(1).map((p) => `${p.label} ${usd(p.total)}`);
  const label = `${title}, month to date at the end of each ${hourly ? "hour" : "day"}: ` +
    (points.length <= 1
      ? "no periods yet, $0.00."
      : summaryFigures.length <= 31
        ? `${summaryFigures.join("; ")}.`
        : `from $0.00 at ${pointLabel(t0)} to ${usd(last.total)} at ${pointLabel(last.t)} (${summaryFigures.length} points, listed in the table below).`) +
    (budgetValue !== null ? ` Budget ${usd(budget)}.` : "");

  const svg = s("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": label, id,
                         preserveAspectRatio: "xMidYMid meet", focusable: "false" });
  svg.append(s("title", {}, label));
  // Grid and y axis labels.
  for (const v of ticks) {
    svg.append(s("line", { class: "gridline", x1: left, x2: W - right, y1: y(v), y2: y(v) }));
    svg.append(s("text", { x: left - 8, y: y(v) + 4, "text-anchor": "end" }, usdShort(v)));
  }
  svg.append(s("line", { class: "axis", x1: left, x2: left, y1: top, y2: top + plotH }));
  svg.append(s("line", { class: "axis", x1: left, x2: W - right, y1: top + plotH, y2: top + plotH }));
  // x labels: at most one every 56 px.
  const step = hourly ? 3600_000 : 86_400_000;
  const span = t1 - t0;
  const count = Math.max(1, Math.round(span / step));
  const every = Math.max(1, Math.ceil(count / Math.floor(plotW / 56)));
  for (let i = 0; i <= count; i += every) {
    const t = t0 + i * step;
    if (t > t1 + 1) break;
    svg.append(s("line", { class: "axis", x1: x(t), x2: x(t), y1: top + plotH, y2: top + plotH + 4 }));
    svg.append(s("text", { x: x(t), y: top + plotH + 18, "text-anchor": "middle" }, timeLabel(t, hourly)));
  }
  if (showBudget) {
    svg.append(s("line", { class: "budget-line", x1: left, x2: W - right, y1: y(budgetValue), y2: y(budgetValue) }));
    svg.append(s("text", { class: "budget-label", x: W - right - 4, y: y(budgetValue) - 5, "text-anchor": "end" },
                 `budget ${usdShort(budgetValue)}`));
  }
  if (points.length) {
    const coords = points.map((p) => `${x(p.t).toFixed(1)},${y(Number(p.total)).toFixed(1)}`);
    svg.append(s("polygon", { class: "area",
                              points: `${x(t0).toFixed(1)},${y(0)} ${coords.join(" ")} ${x(last.t).toFixed(1)},${y(0)}` }));
    svg.append(s("polyline", { class: "series", points: coords.join(" ") }));
    for (const p of points)
      svg.append(s("circle", { class: "point", cx: x(p.t).toFixed(1), cy: y(Number(p.total)).toFixed(1), r: 3,
                               "data-total": p.total },
                   s("title", {}, `${pointLabel(p.t)}: ${usd(p.total)}`)));
  }

  const rows = points.slice(1).map((p) =>
    h("tr", {}, h("td", {}, p.label), h("td", { class: "num" }, usd(p.period)),
      h("td", { class: "num", "data-total": p.total }, usd(p.total))));
  const table = h("table", { class: "data chart-data", "aria-label": `${title}: the figures` },
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, hourly ? "Hour (UTC)" : "Day"),
                     h("th", { scope: "col", class: "num" }, hourly ? "Cost of the hour" : "Cost of the day"),
                     h("th", { scope: "col", class: "num" }, "Month to date"))),
    h("tbody", {}, rows.length ? rows : h("tr", {}, h("td", { colspan: 3, class: "empty" }, "No periods yet."))));
  return h("figure", { class: "chart cost-chart" }, svg,
           h("details", { class: "chart-figures" }, h("summary", {}, "The figures"), table));
}
