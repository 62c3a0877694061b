// The Billing and Class sections: an account's bill (month to date or a
// chosen month: total, by service, by resource and usage type, the budget
// and its alerts, the rules in force, a chart of the cumulative cost), the
// teacher's class view (every account's resources and bill), and the
// simulation clock (its time and speed; an admin sets the speed and jumps
// forward).
//
// The data: GET /_awslab/billing (the bill, exact), Cost Explorer
// GetCostAndUsage (DAILY or HOURLY, for the chart), GET /_awslab/billing/class
// and /_awslab/accounts (admin), GET and POST /_awslab/clock. Amounts are the
// server's decimal strings, shown with every digit (billing-format.js).

import { busy, clear, dataTable, errorText, field, formatTime, h, notify, replace, stateBadge } from "../ui.js";
import { costChart } from "./billing-chart.js";
import {
  DAY, HOUR, fromNano, isMonth, isoDate, isoSeconds, monthLabel, monthOf, monthStart, ms,
  nextMonthStart, percentOf, toNano, usd,
} from "./billing-format.js";

const REFRESH_MS = 3000;
const THRESHOLDS = [50, 80, 100];

// --- Shared pieces -------------------------------------------------------------------

// The rules in force, in one sentence each.
export function rulesText(rules, freeTier) {
  const rule = rules === "per-second"
    ? "Per-second rules (EC2 since October 2017): a running instance is billed by the second, with a minimum of one minute per start, and every public IPv4 address costs $0.005 an hour."
    : "Hourly rules (EC2 until October 2017, as the course teaches): every start of an instance bills a full hour, and its running time is rounded up to whole hours (start and stop a minute later: one hour).";
  const free = freeTier
    ? "Free tier: each month 750 hours of t2.micro or t3.micro, 30 GB-Mo of EBS, 5 GB-Mo of S3 storage, 20,000 GET and 2,000 PUT requests are free (the credit lines)."
    : "No free tier: all usage is charged.";
  return { rule, free };
}

// Replaces `holder`'s table with `make(sortKey, descending)`'s, keeping the
// column the reader sorted by and the focus (a sort button or a link) when
// the data is refreshed.
function swapTable(holder, make) {
  const old = holder.querySelector("table");
  let sortKey, descending;
  const sorted = old?.querySelector('th[aria-sort="ascending"], th[aria-sort="descending"]');
  if (sorted) {
    sortKey = sorted.querySelector("button.sort")?.dataset.key;
    descending = sorted.getAttribute("aria-sort") === "descending";
  }
  const active = old && old.contains(document.activeElement) ? document.activeElement : null;
  const focusKey = active?.dataset.key ? `button.sort[data-key="${CSS.escape(active.dataset.key)}"]`
    : active?.getAttribute("href") ? `a[href="${CSS.escape(active.getAttribute("href"))}"]` : null;
  const table = make(sortKey, descending);
  replace(holder, table);
  if (focusKey) table.querySelector(focusKey)?.focus();
}

function card(label, value, { id, detail, amount } = {}) {
  return h("div", { class: "card", id },
    h("div", { class: "bill-card-label" }, label),
    h("div", { class: "value", "data-amount": amount }, value),
    detail ? h("div", { class: "bill-card-detail muted" }, detail) : null);
}

function highestAlert(budget) {
  let best = null;
  for (const a of budget?.alerts ?? []) if (!best || a.threshold_percent > best.threshold_percent) best = a;
  return best;
}

function alertBadge(alert) {
  if (!alert) return h("span", { class: "alert-badge alert-none" }, "none");
  const level = alert.threshold_percent >= 100 ? "alert-over" : alert.threshold_percent >= 80 ? "alert-high" : "alert-mid";
  return h("span", { class: ["alert-badge", level], title: `reached ${formatTime(alert.at)}` },
           `${alert.threshold_percent}%`);
}

// --- The bill ----------------------------------------------------------------------

// The Cost Explorer request for the chart of `month`: by hour while the range
// is at most two days (month start to now, or the whole month), else by day.
function chartRequest(month, now, accountId) {
  const start = ms(monthStart(month));
  const monthEnd = ms(nextMonthStart(month));
  const end = Math.min(monthEnd, Math.max(ms(now), start));
  const hourly = end - start <= 2 * DAY;
  const period = hourly
    ? { Start: isoSeconds(start), End: isoSeconds(Math.max(start + HOUR, Math.ceil(end / HOUR) * HOUR)) }
    : { Start: isoDate(start), End: isoDate(Math.min(monthEnd, Math.ceil(end / DAY) * DAY)) };
  return {
    until: end,
    request: {
      TimePeriod: period,
      Granularity: hourly ? "HOURLY" : "DAILY",
      Metrics: ["UnblendedCost"],
      Filter: { Dimensions: { Key: "LINKED_ACCOUNT", Values: [accountId] } },
    },
  };
}

// Cost Explorer's periods -> the chart's points (running totals, exact).
function chartPoints(result, until, hourly) {
  const periods = result.ResultsByTime ?? [];
  if (!periods.length) return [];
  const points = [{ t: ms(periods[0].TimePeriod.Start), total: "0", period: "0", label: "start" }];
  let running = 0n;
  for (const p of periods) {
    const start = ms(p.TimePeriod.Start);
    if (start >= until && points.length > 1) break;
    const amount = p.Total?.UnblendedCost?.Amount ?? "0";
    running += toNano(amount);
    const end = Math.min(ms(p.TimePeriod.End), Math.max(until, start + 1));
    const startIso = new Date(start).toISOString();
    const label = hourly
      ? `${startIso.slice(0, 10)} ${startIso.slice(11, 16)}–${new Date(start + HOUR).toISOString().slice(11, 16)}`
      : new Date(start).toLocaleDateString("en-US", { month: "short", day: "numeric", timeZone: "UTC" });
    points.push({ t: end, total: fromNano(running), period: amount,
                  label: ms(p.TimePeriod.End) > until ? `${label} (so far)` : label });
  }
  return points;
}

async function renderBill(view, ctx) {
  const { session, query } = ctx;
  const me = session.identity ?? {};
  const wanted = query.get("account") || me.account_id;
  const monthParam = isMonth(query.get("month")) ? query.get("month") : null;

  const heading = h("h1", {}, "Bills");
  const subtitle = h("p", { class: "muted bill-subtitle", id: "bill-subtitle" }, "Loading the bill…");
  const toolbar = h("div", { class: "toolbar bill-toolbar" });
  const problem = h("p", { class: "form-error", role: "alert", id: "bill-error" });
  const cards = h("div", { class: "cards bill-cards", id: "bill-cards" });
  // The headings are there from the start: a section is a region only with a name.
  const rules = h("section", { class: "panel bill-panel bill-rules", "aria-labelledby": "rules-title", id: "bill-rules" },
                  h("h2", { id: "rules-title" }, "Rules in force"));
  const budgetPanel = h("section", { class: "panel bill-panel bill-budget", "aria-labelledby": "budget-title", id: "bill-budget" },
                        h("h2", { id: "budget-title" }, "Budget"));
  const chartPanel = h("section", { class: "panel bill-panel", "aria-labelledby": "chart-title", id: "bill-chart" },
                       h("h2", { id: "chart-title" }, "Cost over time"));
  const chartHolder = h("div", { class: "chart-holder" }, h("p", { class: "muted" }, "Loading the chart…"));
  chartPanel.append(chartHolder);
  const servicesPanel = h("section", { class: "panel bill-panel", "aria-labelledby": "services-title" },
                          h("h2", { id: "services-title" }, "By service"));
  const servicesHolder = h("div", { id: "bill-services" });
  servicesPanel.append(servicesHolder);
  const linesPanel = h("section", { class: "panel bill-panel", "aria-labelledby": "lines-title" },
                       h("h2", { id: "lines-title" }, "By resource and usage type"));
  const linesHolder = h("div", { id: "bill-lines", class: "bill-scroll" });
  linesPanel.append(linesHolder);
  view.append(heading, subtitle, toolbar, problem, cards,
              h("div", { class: "bill-columns" }, budgetPanel, rules),
              chartPanel, servicesPanel, linesPanel);

  // The toolbar: the account (an admin reads anyone's) and the month.
  const go = (account, month) => {
    const q = new URLSearchParams();
    if (account && account !== me.account_id) q.set("account", account);
    if (month) q.set("month", month);
    const s = q.toString();
    ctx.navigate(`#/billing${s ? `?${s}` : ""}`);
  };
  const clock = await session.admin("GET", "/_awslab/clock");
  const currentMonth = monthOf(clock.now);
  const month = monthParam ?? currentMonth;
  if (me.admin) {
    const chooser = h("select", { id: "bill-account", onchange: () => go(chooser.value, monthParam) },
                      h("option", { value: wanted }, wanted));
    toolbar.append(field("Account", chooser));
    session.admin("GET", "/_awslab/accounts").then((r) => {
      const list = r.accounts ?? [];
      if (!list.some((a) => a.id === wanted)) list.push({ id: wanted, name: "?" });
      replace(chooser, list.map((a) => h("option", { value: a.id, selected: a.id === wanted }, `${a.name || "account"} (${a.id})`)));
    }).catch((e) => notify(errorText(e), "error"));
  }
  const monthInput = h("input", { type: "month", id: "bill-month", value: month, max: currentMonth,
                                  onchange: () => { if (isMonth(monthInput.value)) go(wanted, monthInput.value === currentMonth ? null : monthInput.value); } });
  toolbar.append(field("Month", monthInput));
  if (month !== currentMonth)
    toolbar.append(h("button", { type: "button", onclick: () => go(wanted, null) }, "Back to this month"));

  let lastBill = "";
  let lastChart = "";
  let knownAlerts = null;

  const show = (bill) => {
    const current = month === currentMonth;
    replace(subtitle,
      h("strong", {}, `${bill.name || "account"} (${bill.account_id})`), " · ",
      current ? `${monthLabel(month)}, month to date` : monthLabel(month),
      ` · ${formatTime(bill.start)} to ${formatTime(bill.end)} · clock ${formatTime(bill.now)}`);
    const budget = bill.budget;
    // The budget is monthly: this month's running total, or a past month's whole bill.
    const spent = budget ? (current ? budget.month_to_date : bill.total) : "0";
    replace(cards,
      card(current ? "Month to date" : `Total for ${monthLabel(month)}`, usd(bill.total),
           { id: "bill-total", amount: bill.total, detail: `${bill.currency}, ${bill.lines.length} line${bill.lines.length === 1 ? "" : "s"}` }),
      budget
        ? card("Budget", usd(budget.limit), { id: "bill-budget-card", amount: budget.limit,
                                              detail: `${percentOf(spent, budget.limit)}% used ${current ? "this month" : `in ${monthLabel(month)}`}` })
        : card("Budget", "none", { id: "bill-budget-card", detail: "no monthly limit set" }),
      card("Rules", bill.rules, { id: "bill-rules-card", detail: bill.free_tier ? "with the free tier" : "no free tier" }));

    // The rules in force.
    const text = rulesText(bill.rules, bill.free_tier);
    replace(rules, h("h2", { id: "rules-title" }, "Rules in force"),
            h("p", { id: "rules-sentence" }, text.rule), h("p", { class: "muted" }, text.free));

    // The budget and its alerts.
    clear(budgetPanel).append(h("h2", { id: "budget-title" }, "Budget"));
    if (!budget) {
      budgetPanel.append(h("p", { class: "muted" }, "No budget is set for this account: no alerts."));
    } else {
      const limit = Number(budget.limit);
      const mtd = Number(spent);
      const meterId = "budget-meter";
      budgetPanel.append(
        h("p", {}, h("label", { for: meterId }, current ? "This month: " : `${monthLabel(month)}: `),
          h("strong", { "data-amount": spent, id: "budget-mtd" }, usd(spent)),
          ` of ${usd(budget.limit)} (${percentOf(spent, budget.limit)}%)`),
        h("meter", { id: meterId, min: 0, max: limit, low: limit * 0.5, high: limit * 0.8, optimum: 0,
                     value: Math.min(mtd, limit), class: "budget-meter" }));
      const alerts = (budget.alerts ?? []).filter((a) => a.month === month);
      const list = h("ul", { class: "budget-alerts", id: "budget-alerts", "aria-label": "Budget alerts" });
      for (const pct of THRESHOLDS) {
        const a = alerts.find((x) => x.threshold_percent === pct);
        const at = usd(fromNano((toNano(budget.limit) * BigInt(pct)) / 100n));
        list.append(a
          ? h("li", { class: "alert-reached", "data-threshold": pct },
              alertBadge(a), ` ${pct}% (${at}) reached in the hour from ${formatTime(a.at)}; month to date at the end of that hour: `,
              h("span", { "data-amount": a.month_to_date }, usd(a.month_to_date)))
          : h("li", { class: "alert-pending", "data-threshold": pct },
              h("span", { class: "alert-badge alert-none" }, `${pct}%`), ` ${pct}% (${at}): not reached`));
      }
      budgetPanel.append(list);
      // A new crossing while the page is open is announced.
      const keys = alerts.map((a) => `${a.month}:${a.threshold_percent}`);
      if (knownAlerts) {
        for (const a of alerts)
          if (!knownAlerts.has(`${a.month}:${a.threshold_percent}`))
            notify(`Budget alert: ${a.threshold_percent}% of ${usd(budget.limit)} reached (${bill.name || bill.account_id}).`, "info");
      }
      knownAlerts = new Set(keys);
    }

    // By service: largest first, with the total.
    const services = Object.entries(bill.services ?? {}).sort((a, b) => {
      const d = toNano(b[1]) - toNano(a[1]);
      return d > 0n ? 1 : d < 0n ? -1 : a[0] < b[0] ? -1 : 1;
    });
    replace(servicesHolder, h("table", { class: "data services", id: "services-table", "aria-label": "Cost by service" },
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Service"), h("th", { scope: "col", class: "num" }, "Amount"),
                       h("th", { scope: "col", class: "num" }, "Share"))),
      h("tbody", {}, services.length
        ? services.map(([name, amount]) => h("tr", { "data-service": name },
            h("th", { scope: "row" }, name), h("td", { class: "num", "data-amount": amount }, usd(amount)),
            h("td", { class: "num" }, `${percentOf(amount, bill.total)}%`)))
        : h("tr", {}, h("td", { colspan: 3, class: "empty" }, "No charges in this period."))),
      h("tfoot", {}, h("tr", {}, h("th", { scope: "row" }, "Total"),
                       h("td", { class: "num", "data-amount": bill.total, id: "services-total" }, usd(bill.total)), h("td", {})))));

    // By resource and usage type.
    swapTable(linesHolder, (sortKey, descending) => dataTable({
      id: "lines-table", label: "Cost by resource and usage type",
      rows: bill.lines, sortKey, descending, empty: "No usage in this period.",
      rowAttrs: (l) => ({ "data-resource": l.resource_id, "data-usage-type": l.usage_type, class: l.record_type === "Credit" ? "credit" : "" }),
      columns: [
        { key: "service", label: "Service" },
        { key: "usage_type", label: "Usage type", render: (l) => h("code", {}, l.usage_type) },
        { key: "region", label: "Region" },
        { key: "resource_id", label: "Resource", render: (l) => h("code", {}, l.resource_id) },
        { key: "instance_type", label: "Instance type", render: (l) => l.instance_type ?? "" },
        { key: "record_type", label: "Record" },
        { key: "quantity", label: "Quantity", numeric: true, value: (l) => Number(l.quantity),
          render: (l) => h("span", { "data-quantity": l.quantity }, `${l.quantity} ${l.unit}`) },
        { key: "amount", label: "Amount", numeric: true, value: (l) => Number(l.amount),
          render: (l) => h("span", { "data-amount": l.amount }, usd(l.amount)) },
      ],
    }));
  };

  const showChart = (result, until, hourly, budget) => {
    const points = chartPoints(result, until, hourly);
    replace(chartHolder, costChart({
      points, budget: budget?.limit ?? null, granularity: hourly ? "HOURLY" : "DAILY",
      title: `Cumulative cost of ${monthLabel(month)}`,
    }), h("p", { class: "muted chart-note" },
          `From Cost Explorer (GetCostAndUsage, ${hourly ? "HOURLY" : "DAILY"}); each period is priced on its own, so the last point may differ from the bill's total by a few nano-dollars.`));
  };

  const update = async () => {
    const params = [["account", wanted]];
    if (month !== currentMonth) params.push(["start", monthStart(month)], ["end", nextMonthStart(month)]);
    let bill;
    try {
      bill = await session.admin("GET", "/_awslab/billing", { query: params });
    } catch (e) {
      problem.textContent = errorText(e);
      subtitle.textContent = `Account ${wanted}`;
      return false;
    }
    problem.textContent = "";
    const billKey = JSON.stringify(bill);
    if (billKey !== lastBill) {
      lastBill = billKey;
      show(bill);
    }
    const { request, until } = chartRequest(month, bill.now, bill.account_id);
    try {
      const result = await session.ce("GetCostAndUsage", request);
      const chartKey = JSON.stringify([result, until, bill.budget?.limit]);
      if (chartKey !== lastChart) {
        lastChart = chartKey;
        showChart(result, until, request.Granularity === "HOURLY", bill.budget);
      }
    } catch (e) {
      replace(chartHolder, h("p", { class: "form-error", role: "alert" }, errorText(e)));
      lastChart = "";
    }
    return true;
  };
  if (await update()) ctx.every(REFRESH_MS, update);
}

// --- The class -------------------------------------------------------------------------

function instancesByState(states) {
  const entries = Object.entries(states ?? {}).filter(([, n]) => n > 0);
  if (!entries.length) return h("span", { class: "muted" }, "none");
  return h("span", { class: "bill-state-counts" },
           entries.map(([state, n]) => h("span", { class: "bill-state-count", "data-state": state }, stateBadge(state), ` ${n}`)));
}

async function renderClass(view, ctx) {
  const { session } = ctx;
  const subtitle = h("p", { class: "muted", id: "class-subtitle" }, "Loading the class…");
  const problem = h("p", { class: "form-error", role: "alert" });
  const cards = h("div", { class: "cards bill-cards", id: "class-cards" });
  const holder = h("div", { id: "class-table", class: "bill-scroll" });
  const totalLine = h("p", { class: "class-total", id: "class-total-line" });
  view.append(h("h1", {}, "Class"), subtitle, problem, cards,
              h("section", { class: "panel bill-panel", "aria-labelledby": "class-accounts-title" },
                h("h2", { id: "class-accounts-title" }, "Accounts"), holder, totalLine));

  let emails = new Map();
  let last = "";
  session.admin("GET", "/_awslab/accounts")
    .then((r) => { emails = new Map((r.accounts ?? []).map((a) => [a.id, a.email])); last = ""; })
    .catch((e) => notify(errorText(e), "error"));

  const update = async () => {
    let data;
    try {
      data = await session.admin("GET", "/_awslab/billing/class");
    } catch (e) {
      problem.textContent = errorText(e);
      return false;
    }
    problem.textContent = "";
    const key = JSON.stringify(data) + emails.size;
    if (key === last) return true;
    last = key;
    const accounts = data.accounts ?? [];
    const running = accounts.reduce((n, a) => n + (a.resources?.instances_running ?? 0), 0);
    const over = accounts.filter((a) => (highestAlert(a.budget)?.threshold_percent ?? 0) >= 100).length;
    replace(subtitle, `Every account's resources now and its bill for ${monthLabel(monthOf(data.start))} to date · clock ${formatTime(data.now)}.`);
    replace(cards,
      card("Class total", usd(data.total), { id: "class-total", amount: data.total, detail: `${data.currency}, month to date` }),
      card("Accounts", String(accounts.length), { id: "class-accounts" }),
      card("Running instances", String(running), { id: "class-running" }),
      card("Over budget", String(over), { id: "class-over", detail: "accounts past 100% of their budget" }));
    swapTable(holder, (sortKey, descending) => dataTable({
      id: "class-accounts-table", label: "Accounts of the class", rows: accounts, sortKey, descending,
      rowAttrs: (a) => ({ "data-account": a.account_id, "data-name": a.name }),
      columns: [
        { key: "name", label: "Name", render: (a) => h("span", {},
            h("a", { href: `#/billing?account=${encodeURIComponent(a.account_id)}`, "aria-label": `Bill of ${a.name || a.account_id}` }, a.name || "(no name)"),
            a.admin ? h("span", { class: "badge" }, "admin") : null,
            emails.get(a.account_id) ? h("div", { class: "muted bill-small" }, emails.get(a.account_id)) : null) },
        { key: "account_id", label: "Account ID", render: (a) => h("code", {}, a.account_id) },
        { key: "running", label: "Running", numeric: true, value: (a) => a.resources?.instances_running ?? 0,
          render: (a) => String(a.resources?.instances_running ?? 0) },
        { key: "instances", label: "Instances by state", value: (a) => Object.values(a.resources?.instances ?? {}).reduce((n, x) => n + x, 0),
          render: (a) => instancesByState(a.resources?.instances) },
        { key: "elastic_ips", label: "Elastic IPs", numeric: true, value: (a) => a.resources?.elastic_ips ?? 0,
          render: (a) => String(a.resources?.elastic_ips ?? 0) },
        { key: "volumes", label: "Volumes", numeric: true, value: (a) => a.resources?.volumes ?? 0,
          render: (a) => String(a.resources?.volumes ?? 0) },
        { key: "buckets", label: "Buckets", numeric: true, value: (a) => a.resources?.buckets ?? 0,
          render: (a) => String(a.resources?.buckets ?? 0) },
        { key: "total", label: "Month to date", numeric: true, value: (a) => Number(a.total),
          render: (a) => h("span", { "data-amount": a.total }, usd(a.total)) },
        { key: "budget", label: "Budget", numeric: true, value: (a) => (a.budget ? Number(a.budget.limit) : ""),
          render: (a) => (a.budget ? h("span", { "data-amount": a.budget.limit }, usd(a.budget.limit)) : h("span", { class: "muted" }, "none")) },
        { key: "alert", label: "Highest alert", value: (a) => highestAlert(a.budget)?.threshold_percent ?? 0,
          render: (a) => (a.budget ? alertBadge(highestAlert(a.budget)) : h("span", { class: "muted" }, "no budget")) },
      ],
    }));
    replace(totalLine, "Class total, month to date: ", h("strong", { "data-amount": data.total }, usd(data.total)));
    return true;
  };
  if (await update()) ctx.every(REFRESH_MS, update);
}

// --- The clock ------------------------------------------------------------------------

export function speedText(scale) {
  const n = Number(scale);
  if (n === 0) return "Frozen (×0): the clock moves only when an admin jumps it forward.";
  if (n === 1) return "Real time (×1): one simulated second per second.";
  if (n === 60) return "×60: one simulated minute per second (an hour a minute).";
  if (n === 3600) return "×3600: one simulated hour per second (a day in 24 seconds).";
  return `×${n}: ${n} simulated seconds per second.`;
}

async function renderClock(view, ctx) {
  const { session } = ctx;
  const admin = !!session.identity?.admin;
  const now = h("p", { class: "clock-now", id: "clock-now" }, "…");
  const speed = h("p", { id: "clock-speed" }, "");
  view.append(h("h1", {}, "Simulation clock"),
    h("section", { class: "panel bill-panel clock-panel", "aria-labelledby": "clock-title" },
      h("h2", { id: "clock-title" }, "Simulated time"), now, speed,
      h("p", { class: "muted" }, "The bill, the instances' states (pending → running, stopping → stopped) and the budget alerts follow this clock: moving it forward bills the time in between.")));

  let presets = [];
  const show = (clock) => {
    now.textContent = formatTime(clock.now);
    now.dataset.now = clock.now;
    speed.textContent = speedText(clock.time_scale);
    speed.dataset.scale = String(clock.time_scale);
    for (const b of presets) b.setAttribute("aria-pressed", String(Number(b.dataset.scale) === Number(clock.time_scale)));
  };

  if (!admin) {
    view.append(h("p", { class: "muted", id: "clock-no-controls" },
                  "Only the teacher (an admin account) can change the clock's speed or move it forward."));
  } else {
    // The API's answer goes under the form: the new time, or its error.
    const post = async (body, problemEl, input) => {
      const done = problemEl.previousElementSibling;
      problemEl.textContent = "";
      done.textContent = "";
      input?.removeAttribute("aria-invalid");
      try {
        const clock = await session.admin("POST", "/_awslab/clock", { body });
        show(clock);
        window.dispatchEvent(new Event("awslab:clock"));
        done.textContent = body.time_scale !== undefined
          ? `Speed set: ×${clock.time_scale}.`
          : `Moved forward ${body.advance}: the clock is at ${formatTime(clock.now)}.`;
        return clock;
      } catch (e) {
        problemEl.textContent = errorText(e);
        input?.setAttribute("aria-invalid", "true");
        return undefined;
      }
    };

    // Speed.
    const speedProblem = h("p", { class: "form-error", role: "alert", id: "speed-error" });
    const speedInput = h("input", { type: "number", id: "clock-scale", min: 0, max: 1000000, step: "any",
                                    inputmode: "decimal", placeholder: "60" });
    const speedButtons = [[0, "Freeze (×0)"], [1, "Real time (×1)"], [60, "×60"], [3600, "×3600"]].map(([n, label]) => {
      const b = h("button", { type: "button", "aria-label": `Set speed: ${label}`, "data-scale": n, class: "clock-preset",
                              onclick: () => busy(b, () => post({ time_scale: n }, speedProblem)) }, label);
      return b;
    });
    presets = speedButtons;
    const setSpeed = h("button", { type: "submit", class: "primary" }, "Set speed");
    const speedForm = h("form", { class: "clock-form", "aria-labelledby": "speed-title", novalidate: true,
      onsubmit: (e) => {
        e.preventDefault();
        const raw = speedInput.value.trim();
        const value = raw !== "" && Number.isFinite(Number(raw)) ? Number(raw) : raw;
        busy(setSpeed, () => post({ time_scale: value }, speedProblem, speedInput));
      },
    },
      h("h2", { id: "speed-title" }, "Speed"),
      h("div", { class: "toolbar", role: "group", "aria-label": "Preset speeds" }, speedButtons),
      h("div", { class: "clock-inline" },
        field("Custom speed (simulated seconds per second)", speedInput, "0 freezes the clock; up to 1000000."), setSpeed),
      h("p", { class: "clock-done", role: "status", id: "speed-done" }), speedProblem);

    // Jump forward.
    const jumpProblem = h("p", { class: "form-error", role: "alert", id: "jump-error" });
    const duration = h("input", { type: "text", id: "clock-duration", placeholder: "PT3H", spellcheck: "false",
                                  autocomplete: "off" });
    const jumpButtons = [["PT1H", "Jump 1 hour"], ["P1D", "Jump 1 day"]].map(([iso, label]) => {
      const b = h("button", { type: "button", "data-advance": iso,
                              onclick: () => busy(b, () => post({ advance: iso }, jumpProblem)) }, label);
      return b;
    });
    const jump = h("button", { type: "submit", class: "primary" }, "Jump forward");
    const jumpForm = h("form", { class: "clock-form", "aria-labelledby": "jump-title", novalidate: true,
      onsubmit: (e) => {
        e.preventDefault();
        busy(jump, () => post({ advance: duration.value.trim() }, jumpProblem, duration));
      },
    },
      h("h2", { id: "jump-title" }, "Jump forward"),
      h("div", { class: "toolbar", role: "group", "aria-label": "Preset jumps" }, jumpButtons),
      h("div", { class: "clock-inline" },
        field("Duration (ISO 8601)", duration, "For example PT30M, PT3H, P1D, P1DT12H, P2W."), jump),
      h("p", { class: "clock-done", role: "status", id: "jump-done" }), jumpProblem);
    view.append(h("div", { class: "clock-controls" },
                  h("section", { class: "panel bill-panel" }, speedForm), h("section", { class: "panel bill-panel" }, jumpForm)));
  }

  const update = async () => show(await session.admin("GET", "/_awslab/clock"));
  await update();
  ctx.every(1000, update);
}

export const pages = [
  { route: "billing", title: "Bills", section: "Billing", render: renderBill },
  { route: "class", title: "Class", section: "Class", admin: true, render: renderClass },
  { route: "clock", title: "Simulation clock", section: "Class", render: renderClock },
];
