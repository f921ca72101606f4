// /attribution: which values of a field (channels, campaigns, ads) earn one
// conversion and its revenue, the models side by side, as bars and tables,
// with cost per conversion and return on ad spend when spend is imported.
// The definition is the query string: conversion, touch, model (repeated;
// all by default), lead, opportunity, lookback, halfLife, metric
// (conversions or revenue, what the chart and the first table show), from,
// to.
import * as api from '../api.js';
import { h, show, fill, figures, emptyNote, showProblems } from '../dom.js';
import * as fmt from '../format.js';
import { Params, navigate, onState } from '../state.js';
import { dateRange } from '../daterange.js';
import { chart, tip, shorten } from '../chart.js';
import { table, folded } from '../table.js';
import { dataEnd, datalist, eventNames, showFirstEventHelp } from '../project.js';

const models = ['first_touch', 'last_touch', 'last_non_direct', 'linear', 'time_decay', 'position_based', 'w_shaped', 'markov', 'shapley'];
const modelNames = {
  first_touch: 'First touch', last_touch: 'Last touch', last_non_direct: 'Last non-direct', linear: 'Linear',
  time_decay: 'Time decay', position_based: 'Position-based', w_shaped: 'W-shaped', markov: 'Markov', shapley: 'Shapley',
};
const metrics = ['conversions', 'revenue'];
const touchFields = ['channel', 'utm_source', 'utm_medium', 'utm_campaign', 'utm_content', 'utm_term', 'referrer_host'];
// chartValues is how many values the chart shows, the most credited; the
// tables list every value.
const chartValues = 12;

// read parses the page's state from the URL.
function read() {
  const p = new Params();
  const s = {
    conversion: p.string('conversion'),
    touch: p.string('touch', 'utm_campaign'),
    models: p.list('model'),
    lead: p.string('lead'),
    opportunity: p.string('opportunity'),
    lookback: p.duration('lookback'),
    halfLife: p.duration('halfLife'),
    metric: p.oneOf('metric', metrics, 'conversions'),
    from: p.date('from'),
    to: p.date('to'),
  };
  for (const m of s.models) {
    if (!models.includes(m)) p.problems.push(`model=${m}: use ${models.join(', ')}`);
  }
  s.models = s.models.filter((m) => models.includes(m));
  if (s.touch.trim() === '') p.problems.push('touch=: name the field whose values earn credit, such as utm_campaign');
  return { state: s, problems: p.done() };
}

const toTime = (d) => (d && d.length === 10 ? `${d}T00:00:00Z` : d || undefined);
const event = (name) => (name ? { event: name } : undefined);

// definition is the report.Attribution that the state describes.
function definition(s) {
  return {
    conversion: { event: s.conversion },
    touch: s.touch,
    models: s.models.length ? s.models : undefined,
    lead: event(s.lead),
    opportunity: event(s.opportunity),
    lookback: s.lookback || undefined,
    halfLife: s.halfLife || undefined,
    from: toTime(s.from),
    to: toTime(s.to),
  };
}

const form = document.getElementById('attribution-form');
const results = document.getElementById('results');
const problemsBox = document.getElementById('problems');
const modelBoxes = models.map((m) => h('input', { type: 'checkbox', id: `model-${m}`, value: m }));
document.getElementById('models').append(
  ...models.map((m, i) => h('label', { class: 'check' }, modelBoxes[i], modelNames[m])),
  h('span', { class: 'hint' }, 'none checked: all of them (W-shaped needs a lead and an opportunity)'));
let range;
let current;

// urlState is s as the URL writes it, for navigate.
function urlState(s) {
  return {
    conversion: s.conversion, touch: s.touch === 'utm_campaign' ? '' : s.touch, model: s.models,
    lead: s.lead, opportunity: s.opportunity, lookback: s.lookback, halfLife: s.halfLife,
    metric: s.metric === 'conversions' ? '' : s.metric, from: s.from, to: s.to,
  };
}

// fromForm is the state the form describes, keeping the date range.
function fromForm() {
  return urlState({
    conversion: form.conversion.value.trim(), touch: form.touch.value.trim() || 'utm_campaign',
    models: modelBoxes.filter((b) => b.checked).map((b) => b.value),
    lead: form.lead.value.trim(), opportunity: form.opportunity.value.trim(),
    lookback: form.lookback.value.trim(), halfLife: form.halfLife.value.trim(), metric: form.metric.value,
    from: current?.from ?? '', to: current?.to ?? '',
  });
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  navigate(fromForm());
});
form.metric.addEventListener('change', () => navigate(fromForm()));

function sync(s) {
  form.conversion.value = s.conversion;
  form.touch.value = s.touch;
  form.lead.value = s.lead;
  form.opportunity.value = s.opportunity;
  form.lookback.value = s.lookback;
  form.halfLife.value = s.halfLife;
  form.metric.value = s.metric;
  modelBoxes.forEach((b) => { b.checked = s.models.includes(b.value); });
  range.set(s);
}

function render() {
  const { state: s, problems } = read();
  current = s;
  sync(s);
  if (!showProblems(problemsBox, results, problems)) return;
  if (!s.conversion) {
    fill(results, async () => [emptyNote('Name a conversion and the field that earns its credit, then ', h('strong', {}, 'Show attribution'), '.'),
      await suggestions()]);
    return;
  }
  fill(results, async () => report(s, await api.post('/api/v1/attribution', definition(s))), 'Crediting the conversions');
}

// suggestions offers the most frequent events as conversions by channel.
async function suggestions() {
  const names = await eventNames().catch(() => []);
  if (names.length === 0) return null;
  return h('p', {}, 'For example: ', names.slice(0, 3).flatMap((n, i) => [i ? ', ' : '',
    h('a', { href: `/attribution?${new URLSearchParams({ conversion: n, touch: 'channel' })}` }, `${n} by channel`)]));
}

function report(s, r) {
  const out = h('div', { class: 'report' });
  r.warnings?.forEach((w) => out.append(h('p', { class: 'warning', role: 'note' }, w)));
  const shown = models.filter((m) => r.models[m]);
  out.append(figures([
    { label: 'Conversions', value: fmt.count(r.conversions) },
    { label: 'Revenue', value: fmt.money(r.revenue) },
    { label: 'With a touch', value: fmt.count(r.touched), note: r.conversions ? `${fmt.percent(r.touched / r.conversions)} of the conversions` : null },
    { label: 'Median time to convert', value: r.timeToConvert.count ? fmt.duration(r.timeToConvert.median) : '–', note: 'from the first touch' },
    r.spend !== undefined ? { label: 'Spend', value: fmt.money(r.spend) } : null,
  ].filter(Boolean)));
  const credited = Object.fromEntries(shown.map((m) => [m, Object.fromEntries(r.models[m].map((c) => [c.value, c]))]));
  // The values in the order of the first model's list: most credited first.
  const values = r.models[shown[0]]?.map((c) => c.value) ?? [];
  const metricName = s.metric === 'revenue' ? 'Revenue' : 'Conversions';
  const metricFormat = s.metric === 'revenue' ? fmt.money : fmt.number;
  creditChart(out, s, shown, credited, values, metricName, metricFormat);
  out.append(table({
    caption: `${metricName} credited by model`, file: 'attribution-credits', rows: values,
    columns: [
      { label: s.touch, value: (v) => v },
      ...shown.map((m) => ({ label: modelNames[m], numeric: true, value: (v) => credited[m][v][s.metric], format: metricFormat })),
    ],
  }));
  const leads = r.values.some((v) => v.leads !== undefined);
  const spent = r.spend !== undefined;
  out.append(table({
    caption: `Per ${s.touch}`, file: 'attribution-values', rows: r.values,
    columns: [
      { label: s.touch, value: (v) => v.value },
      { label: 'Touches', numeric: true, value: (v) => v.touches, format: fmt.count },
      ...(leads ? [{ label: 'Leads', numeric: true, value: (v) => v.leads, format: fmt.count }] : []),
      { label: 'Customers', numeric: true, value: (v) => v.customers, format: fmt.count },
      { label: 'Average time to convert', numeric: true, value: (v) => (v.timeToConvert.count ? v.timeToConvert.average : null), format: optional(fmt.duration) },
      { label: 'Median time to convert', numeric: true, value: (v) => (v.timeToConvert.count ? v.timeToConvert.median : null), format: optional(fmt.duration) },
      ...(spent ? [{ label: 'Spend', numeric: true, value: (v) => v.spend ?? null, format: optional(fmt.money) }] : []),
    ],
  }));
  if (spent) {
    out.append(table({
      caption: 'Cost per conversion and return on ad spend', file: 'attribution-spend', rows: values,
      columns: [
        { label: s.touch, value: (v) => v },
        ...shown.flatMap((m) => [
          { label: `${modelNames[m]}: cost per conversion`, numeric: true, value: (v) => credited[m][v].costPerConversion ?? null, format: optional(fmt.money) },
          { label: `${modelNames[m]}: ROAS`, numeric: true, value: (v) => credited[m][v].roas ?? null, format: optional((x) => `${fmt.number(x)}×`) },
        ]),
      ],
    }));
  }
  return out;
}

const optional = (format) => (v) => (v === null || v === undefined ? '–' : format(v));

// creditChart draws each model's credit of the most credited values as
// bars side by side; its table, folded under it, has the same numbers.
function creditChart(parent, s, shown, credited, values, metricName, metricFormat) {
  if (values.length === 0) {
    parent.append(emptyNote('No conversion in this range.'));
    return;
  }
  // The values most credited by any model, in the tables' order.
  const best = (v) => Math.max(...shown.map((m) => credited[m][v][s.metric]));
  const chosen = new Set([...values].sort((a, b) => best(b) - best(a)).slice(0, chartValues));
  const top = values.filter((v) => chosen.has(v));
  const title = `${metricName} by ${s.touch}${values.length > top.length ? `, the ${top.length} most credited of ${fmt.count(values.length)}` : ''}`;
  chart(parent, {
    title, file: 'attribution-chart', tall: true, option: {
      grid: { left: 60, right: 20, top: 50, bottom: 90 },
      legend: { top: 0, type: 'scroll' },
      xAxis: { type: 'category', data: top, axisLabel: { formatter: (v) => shorten(v, 16), interval: 0, rotate: 30 } },
      yAxis: { type: 'value', name: s.metric },
      tooltip: {
        trigger: 'axis', axisPointer: { type: 'shadow' },
        formatter: (ps) => tip(top[ps[0].dataIndex], ps.map((p) => [p.seriesName, metricFormat(p.value)])),
      },
      series: shown.map((m) => ({ name: modelNames[m], type: 'bar', data: top.map((v) => credited[m][v][s.metric]) })),
    },
  });
  parent.append(folded(table({
    caption: title, file: 'attribution-chart', rows: top,
    columns: [{ label: s.touch, value: (v) => v },
      ...shown.map((m) => ({ label: modelNames[m], numeric: true, value: (v) => credited[m][v][s.metric], format: metricFormat }))],
  })));
}

async function start() {
  const end = await dataEnd().catch(() => new Date());
  range = dateRange({ end, onChange: (r) => navigate({ ...fromForm(), ...r }) });
  document.getElementById('range').append(range.el);
  eventNames().then((names) => datalist('event-names', names), () => {});
  api.get('/api/v1/schema/fields').then((r) => datalist('touch-fields', [...new Set([...touchFields, ...r.fields.map((f) => f.field)])]),
    () => datalist('touch-fields', touchFields));
  showFirstEventHelp().catch(() => {});
  onState(render);
}

start();
