// Money and dates for the billing pages. The server prints amounts as exact
// decimal strings (nano-dollars, docs/billing.md "Money"); the pages show
// them as given and sum them (the chart's running total) as BigInt
// nano-dollars, never as binary floating point.

const NANO = 1_000_000_000n;

// "0.003866667" -> 3866667n; "-1.5" -> -1500000000n; junk -> 0n.
export function toNano(amount) {
  const m = /^(-?)(\d*)(?:\.(\d{0,9})\d*)?$/.exec(String(amount ?? "0").trim());
  if (!m) return 0n;
  const whole = BigInt(m[2] || "0");
  const frac = BigInt((m[3] ?? "").padEnd(9, "0"));
  const n = whole * NANO + frac;
  return m[1] ? -n : n;
}

// 3866667n -> "0.003866667"; 600000000n -> "0.6"; 0n -> "0" (the server's form).
export function fromNano(nano) {
  const negative = nano < 0n;
  const abs = negative ? -nano : nano;
  const frac = String(abs % NANO).padStart(9, "0").replace(/0+$/, "");
  return `${negative ? "-" : ""}${abs / NANO}${frac ? `.${frac}` : ""}`;
}

// An exact amount for people: "0.6" -> "$0.60", "5.458907407" -> "$5.458907407",
// "1234.5" -> "$1,234.50", "-0.0116" -> "-$0.0116". Every digit the server
// gave is kept.
export function usd(amount) {
  const text = String(amount ?? "0").trim();
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) return text;
  const whole = m[2].replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const frac = (m[3] ?? "").padEnd(2, "0");
  const negative = m[1] && /[1-9]/.test(m[2] + (m[3] ?? ""));
  return `${negative ? "-" : ""}$${whole}.${frac}`;
}

// A short amount for axes and summaries: "$5.46", "$0.0116", "$0".
export function usdShort(value) {
  const n = typeof value === "bigint" ? Number(value) / 1e9 : Number(value);
  if (!Number.isFinite(n)) return String(value);
  if (n === 0) return "$0";
  const digits = Math.abs(n) < 0.01 ? 4 : 2;
  return (n < 0 ? "-$" : "$") + Math.abs(n).toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

// Percent of `part` in `whole` (decimal strings), one decimal: "61.2".
export function percentOf(part, whole) {
  const w = toNano(whole);
  if (w === 0n) return "0";
  const tenths = (toNano(part) * 1000n) / w;
  const sign = tenths < 0n ? "-" : "";
  const abs = tenths < 0n ? -tenths : tenths;
  return `${sign}${abs / 10n}.${abs % 10n}`;
}

// --- Dates (UTC, as the simulation clock) ------------------------------------

// "2013-04-03T05:01:00Z" -> "2013-04"
export function monthOf(iso) {
  return String(iso).slice(0, 7);
}

export function monthStart(month) {
  return `${month}-01`;
}

// "2013-04" -> "2013-05-01"; "2013-12" -> "2014-01-01"
export function nextMonthStart(month) {
  let [y, m] = month.split("-").map(Number);
  m += 1;
  if (m > 12) { m = 1; y += 1; }
  return `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-01`;
}

// "2013-04" -> "April 2013"
export function monthLabel(month) {
  const d = new Date(`${month}-01T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return month;
  return d.toLocaleDateString("en-US", { month: "long", year: "numeric", timeZone: "UTC" });
}

export function isMonth(text) {
  return /^\d{4}-(0[1-9]|1[0-2])$/.test(text ?? "");
}

// Milliseconds since the epoch of an ISO date or date-time ("2013-04-01" is midnight UTC).
export function ms(iso) {
  return Date.parse(iso.length === 10 ? `${iso}T00:00:00Z` : iso);
}

// 1364778000000 -> "2013-04-01T01:00:00Z" (whole seconds)
export function isoSeconds(t) {
  return new Date(t).toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function isoDate(t) {
  return new Date(t).toISOString().slice(0, 10);
}

export const HOUR = 3600_000;
export const DAY = 24 * HOUR;
