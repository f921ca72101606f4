// How every number, duration and time reads in the dashboard. One module, so
// that a number looks the same on every page, in tables and in charts. The
// locale is fixed: the same figures read the same for everyone sharing a link.

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
const oneDecimal = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const twoDecimals = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

// count writes a whole number with thousands separators: 12,345.
export function count(n) {
  return integer.format(n);
}

// number writes any number with separators and at most two decimals.
export function number(n) {
  return decimal.format(n);
}

// money writes an amount with two decimals: 1,234.50. Currencies are not
// converted: the API sums amounts as they were sent.
export function money(n) {
  return twoDecimals.format(n);
}

// percent writes a fraction of 1 as a percentage: two decimals below 10 %
// (4.17%), where small differences matter, one above (64.6%).
export function percent(fraction) {
  if (!Number.isFinite(fraction)) return '–';
  const p = fraction * 100;
  if (p === 0 || p === 100) return `${p}%`;
  return `${(Math.abs(p) < 10 ? twoDecimals : oneDecimal).format(p)}%`;
}

// change writes how much value changed against previous, as +12.5% or
// −3.20%, with the direction for styling; "new" when there was nothing before.
export function change(value, previous) {
  if (previous === 0) return value === 0 ? { text: 'no change', direction: 'flat' } : { text: 'new', direction: 'up' };
  const fraction = (value - previous) / previous;
  if (fraction === 0) return { text: 'no change', direction: 'flat' };
  const text = percent(Math.abs(fraction));
  return fraction > 0 ? { text: `+${text}`, direction: 'up' } : { text: `−${text}`, direction: 'down' };
}

const units = [
  { seconds: 86400, one: 'day', many: 'days' },
  { seconds: 3600, one: 'h', many: 'h' },
  { seconds: 60, one: 'min', many: 'min' },
];

// duration writes seconds in the largest unit they fill at least once, with
// one decimal: 3.1 days, 2.1 h, 45.0 min, 12 s.
export function duration(seconds) {
  if (!Number.isFinite(seconds)) return '–';
  for (const u of units) {
    if (Math.abs(seconds) >= u.seconds) {
      const v = seconds / u.seconds;
      return `${oneDecimal.format(v)} ${v === 1 ? u.one : u.many}`;
    }
  }
  return `${decimal.format(Math.round(seconds * 10) / 10)} s`;
}

// dateTime writes an RFC 3339 time in UTC, as the API gives it, to the
// second: 2026-10-14 15:00:05, with a space that does not break.
export function dateTime(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso ?? '');
  return d.toISOString().slice(0, 19).replace('T', '\u00a0');
}

// day writes the UTC date of a time: 2026-10-14.
export function day(iso) {
  return dateTime(iso).slice(0, 10);
}
