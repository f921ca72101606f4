// The date range control every report shares. In the URL and the API, from
// is the first day and to the day after the last (to is exclusive); the
// control shows the last day itself ("through"), as people say it.
import { h } from './dom.js';

const DAY = 86400000;

const presets = [
  { value: 'all', label: 'All time', days: 0 },
  { value: '7', label: 'Last 7 days', days: 7 },
  { value: '30', label: 'Last 30 days', days: 30 },
  { value: '90', label: 'Last 90 days', days: 90 },
  { value: 'custom', label: 'Custom', days: -1 },
];

const iso = (t) => new Date(t).toISOString().slice(0, 10);

// toTime turns a day of the URL into the RFC 3339 time a definition takes.
export const toTime = (d) => (d && d.length === 10 ? `${d}T00:00:00Z` : d || undefined);
const dayOf = (s) => Date.parse(s.slice(0, 10));

// lastDays is the range of the n days that end with the day of end.
export function lastDays(n, end) {
  const to = dayOf(iso(end)) + DAY;
  return { from: iso(to - n * DAY), to: iso(to) };
}

// dateRange makes the control. end is the last day with data, which the
// presets count back from. onChange gets {from, to}, empty for all time.
export function dateRange({ end, onChange, allowAll = true }) {
  const select = h('select', { id: 'range-preset' },
    presets.filter((p) => allowAll || p.days !== 0).map((p) => h('option', { value: p.value }, p.label)));
  const from = h('input', { type: 'date', id: 'range-from' });
  const through = h('input', { type: 'date', id: 'range-through' });
  const el = h('fieldset', { class: 'range' },
    h('legend', {}, 'Date range (UTC)'),
    h('label', { for: 'range-preset' }, 'Range'), select,
    h('label', { for: 'range-from' }, 'From'), from,
    h('label', { for: 'range-through' }, 'Through'), through);

  const emit = (range) => onChange(range);
  select.addEventListener('change', () => {
    const p = presets.find((x) => x.value === select.value);
    if (p.days === 0) emit({ from: '', to: '' });
    else if (p.days > 0) emit(lastDays(p.days, end));
    else from.focus();
  });
  const custom = () => {
    if (!from.value || !through.value) return;
    const to = iso(dayOf(through.value) + DAY);
    if (from.value < to) emit({ from: from.value, to });
  };
  from.addEventListener('change', custom);
  through.addEventListener('change', custom);

  // set shows a range; from and to are as in the URL.
  const set = ({ from: f, to: t }) => {
    from.value = f ? f.slice(0, 10) : '';
    through.value = t ? iso(dayOf(t) - DAY) : '';
    let preset = f || t ? 'custom' : 'all';
    for (const p of presets) {
      if (p.days > 0 && f && t) {
        const r = lastDays(p.days, end);
        if (r.from === f && r.to === t) preset = p.value;
      }
    }
    select.value = preset;
  };
  return { el, set };
}
