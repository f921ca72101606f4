// /: the project at a glance for a date range (from, to): headline numbers
// against the previous period, events and persons over time (interval), the
// top channels, campaigns, pages and events, conversions of a goal event
// (goal), and the live stream of new events.
import * as api from '../api.js';
import { h, fill, figures, showProblems } from '../dom.js';
import * as fmt from '../format.js';
import { Params, navigate, onState } from '../state.js';
import { dateRange, lastDays } from '../daterange.js';
import { chart, tip, colors } from '../chart.js';
import { table, folded } from '../table.js';
import { livePanel } from '../live.js';
import { dataEnd, datalist, eventNames, showFirstEventHelp } from '../project.js';

const intervals = ['hour', 'day', 'week'];
const form = document.getElementById('overview-form');
const results = document.getElementById('results');
const problemsBox = document.getElementById('problems');
let range;
let end;
let state = {};

function read() {
  const p = new Params();
  const s = { from: p.date('from'), to: p.date('to'), interval: p.oneOf('interval', intervals, 'day'), goal: p.string('goal') };
  return { s, problems: p.done() };
}

// urlState leaves defaults out of the URL, so that a bookmark of / keeps
// showing the latest 30 days.
const urlState = (s) => ({ from: s.from, to: s.to, interval: s.interval === 'day' ? '' : s.interval, goal: s.goal });

form.addEventListener('submit', (e) => {
  e.preventDefault();
  navigate(urlState({ ...state, interval: form.interval.value, goal: form.goal.value.trim() }));
});

function render() {
  const { s, problems } = read();
  state = s;
  // Without a range, the latest 30 days of data: the API's default is the
  // 30 days to now, which shows nothing for data that ended earlier.
  const shown = s.from || s.to ? s : { ...s, ...lastDays(30, end) };
  range.set(s.from || s.to ? s : shown);
  form.interval.value = s.interval;
  form.goal.value = s.goal;
  if (!showProblems(problemsBox, results, problems)) return;
  fill(results, async () => overview(s, await api.get('/api/v1/overview', {
    from: shown.from, to: shown.to, interval: s.interval, goal: s.goal,
  })), 'Loading the overview');
}

function overview(s, r) {
  const out = h('div', { class: 'report' });
  r.warnings?.forEach((w) => out.append(h('p', { class: 'warning', role: 'note' }, w)));
  const t = r.totals;
  const figure = (label, total, format = fmt.count, note) => ({
    label, value: format(total.value), change: fmt.change(total.value, total.previous),
    note: note ?? `${format(total.previous)} in the previous period`,
  });
  out.append(figures([
    figure('Events', t.events),
    figure('Persons', t.persons),
    figure('New persons', t.newPersons),
    s.goal ? figure(`Conversions: ${s.goal}`, t.conversions)
      : { label: 'Conversions', value: '–', note: 'set a goal event above' },
    figure('Revenue', t.revenue, fmt.money, 'currencies summed as sent'),
  ]));
  out.append(seriesChart(r.series, s.interval));
  const top = (caption, rows, file) => table({ caption, file, rows, columns: [
    { label: caption, value: (x) => x.value || '(none)' },
    { label: 'Persons', numeric: true, value: (x) => x.persons, format: fmt.count },
    { label: 'Events', numeric: true, value: (x) => x.events, format: fmt.count },
  ] });
  out.append(h('div', { class: 'grid-2' },
    top('Channels', r.top.channels, 'top-channels'),
    top('Campaigns', r.top.campaigns, 'top-campaigns'),
    top('Pages', r.top.pages, 'top-pages'),
    top('Events', r.top.events, 'top-events')));
  return out;
}

function seriesChart(series, interval) {
  const box = h('section', { class: 'panel' }, h('h2', {}, `Events and persons by ${interval}`));
  const label = (p) => (interval === 'hour' ? fmt.dateTime(p).slice(0, 16) : fmt.day(p));
  chart(box, {
    title: 'Events and persons', file: 'overview-series', option: {
      grid: { left: 60, right: 60, top: 40, bottom: 40 },
      legend: { top: 0 },
      xAxis: { type: 'category', data: series.map((x) => label(x.period)) },
      yAxis: [{ type: 'value', name: 'events' }, { type: 'value', name: 'persons' }],
      tooltip: { trigger: 'axis', formatter: (ps) => {
        const x = series[ps[0].dataIndex];
        return tip(label(x.period), [['Events', fmt.count(x.events)], ['Persons', fmt.count(x.persons)]]);
      } },
      series: [
        { name: 'Events', type: 'bar', data: series.map((x) => x.events), itemStyle: { color: colors.grid } },
        { name: 'Persons', type: 'line', yAxisIndex: 1, data: series.map((x) => x.persons), itemStyle: { color: colors.primary } },
      ],
    },
  });
  box.append(folded(table({ caption: 'Events and persons', file: 'overview-series', rows: series, columns: [
    { label: interval[0].toUpperCase() + interval.slice(1), value: (x) => label(x.period) },
    { label: 'Events', numeric: true, value: (x) => x.events, format: fmt.count },
    { label: 'Persons', numeric: true, value: (x) => x.persons, format: fmt.count },
  ] })));
  return box;
}

async function start() {
  end = await dataEnd().catch(() => new Date());
  range = dateRange({ end, onChange: (r) => navigate(urlState({ ...state, ...r })) });
  document.getElementById('range').append(range.el);
  eventNames().then((names) => datalist('event-names', names), () => {});
  showFirstEventHelp().catch(() => {});
  document.getElementById('live').append(livePanel({ title: 'Live: new events' }));
  onState(render);
}

start();
