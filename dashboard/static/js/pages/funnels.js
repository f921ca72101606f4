// /funnels: build a funnel by clicking, see its steps, drop-off, times, trend
// and breakdown, and the persons behind any step's number. The definition is
// the query string: step (repeated), where (repeated JSON conditions, with
// "step" to narrow one step), window, order, countBy, breakdown, trend, from,
// to, and the drill-down: persons=STEP:OUTCOME, group, offset.
import * as api from '../api.js';
import { h, show, fill, personLink, figures, emptyNote, showProblems } from '../dom.js';
import * as fmt from '../format.js';
import { Params, navigate, onState } from '../state.js';
import { dateRange, toTime } from '../daterange.js';
import { chart, tip, colors, shorten } from '../chart.js';
import { table, folded } from '../table.js';
import { conditionsEditor, checkCondition } from '../conditions.js';
import { dataEnd, datalist, eventNames, showFirstEventHelp } from '../project.js';

const orders = ['ordered', 'strict', 'any'];
const countBys = ['persons', 'sessions', 'totals'];
const trends = ['day', 'week', 'month'];
const outcomes = { reached: 'reached', dropped: 'dropped off at', in_progress: 'are still on their way to' };
const personsPage = 50;

// read parses the page's state from the URL.
function read() {
  const p = new Params();
  const s = {
    steps: p.list('step'),
    where: p.jsonList('where', (c) => checkCondition(c) ||
      (c.step !== undefined && !(Number.isInteger(c.step) && c.step >= 1) ? '"step" is a step number from 1' : '')),
    window: p.duration('window'),
    order: p.oneOf('order', orders, 'ordered'),
    countBy: p.oneOf('countBy', countBys, 'persons'),
    breakdown: p.string('breakdown'),
    trend: p.oneOf('trend', trends, 'week'),
    from: p.date('from'),
    to: p.date('to'),
    persons: p.string('persons'),
    group: p.has('group') ? p.string('group') : null,
    offset: p.int('offset', 0),
  };
  if (s.steps.some((x) => x.trim() === '')) p.problems.push('step=: a step needs an event name');
  for (const c of s.where) {
    if (c.step > s.steps.length) p.problems.push(`where: step ${c.step} does not exist; the funnel has ${s.steps.length} steps`);
  }
  if (s.persons) {
    const [step, outcome] = s.persons.split(':');
    if (!(Number(step) >= 1 && Number(step) <= s.steps.length) || !(outcome in outcomes)) {
      p.problems.push(`persons=${s.persons}: use STEP:reached, STEP:dropped or STEP:in_progress with a step from 1 to ${s.steps.length}`);
      s.persons = '';
    }
  }
  return { state: s, problems: p.done() };
}

// definition is the report.Funnel that the state describes.
function definition(s) {
  const where = (step) => s.where.filter((c) => c.step === step).map(({ step: _, ...c }) => c);
  const every = where(undefined);
  return {
    steps: s.steps.map((event, i) => {
      const w = where(i + 1);
      return { name: event, touchpoints: [w.length ? { event, where: w } : { event }] };
    }),
    window: s.window || undefined,
    order: s.order,
    countBy: s.countBy,
    where: every.length ? every : undefined,
    breakdown: s.breakdown ? { field: s.breakdown } : undefined,
    trend: s.trend,
    from: toTime(s.from),
    to: toTime(s.to),
  };
}

const form = document.getElementById('funnel-form');
const stepsList = document.getElementById('steps');
const results = document.getElementById('results');
const problemsBox = document.getElementById('problems');
let everyStep = conditionsEditor({ label: 'Conditions on every step' });
document.getElementById('every-step').append(everyStep);
let range;
let current; // the state shown

function stepRow(event = '', conditions = []) {
  const input = h('input', { type: 'text', class: 'event', value: event, list: 'event-names', required: true,
    placeholder: 'event or page name', autocomplete: 'off' });
  const editor = conditionsEditor({ conditions, event: () => input.value, label: 'Conditions of this step' });
  const li = h('li', { class: 'step' },
    h('label', { class: 'step-label' }, h('span', { class: 'visually-hidden' }, 'Step event'), input),
    h('button', { type: 'button', class: 'quiet remove', 'aria-label': 'Remove step', onclick: () => { li.remove(); label(); } }, '×'),
    editor);
  li.read = () => ({ event: input.value.trim(), where: editor.read() });
  return li;
}

// label numbers the steps' inputs for screen readers.
function label() {
  [...stepsList.children].forEach((li, i) => li.querySelector('input.event').setAttribute('aria-label', `Step ${i + 1}`));
}

document.getElementById('add-step').addEventListener('click', () => {
  stepsList.append(stepRow());
  label();
  stepsList.lastChild.querySelector('input').focus();
});

// fromForm is the state the form describes, keeping the date range.
function fromForm() {
  const steps = [...stepsList.children].map((li) => li.read()).filter((s) => s.event !== '');
  return {
    step: steps.map((s) => s.event),
    where: [
      ...everyStep.read().map((c) => JSON.stringify(c)),
      ...steps.flatMap((s, i) => s.where.map((c) => JSON.stringify({ step: i + 1, ...c }))),
    ],
    window: form.window.value.trim(),
    order: form.order.value === 'ordered' ? '' : form.order.value,
    countBy: form.countBy.value === 'persons' ? '' : form.countBy.value,
    breakdown: form.breakdown.value.trim(),
    trend: form.trend.value === 'week' ? '' : form.trend.value,
    from: current?.from ?? '',
    to: current?.to ?? '',
  };
}

// urlState is s as the URL writes it, for navigate.
function urlState(s, extra = {}) {
  return {
    step: s.steps,
    where: s.where.map((c) => JSON.stringify(c)),
    window: s.window,
    order: s.order === 'ordered' ? '' : s.order,
    countBy: s.countBy === 'persons' ? '' : s.countBy,
    breakdown: s.breakdown,
    trend: s.trend === 'week' ? '' : s.trend,
    from: s.from,
    to: s.to,
    ...extra,
  };
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  navigate(fromForm());
});

// sync shows the state in the form. It rebuilds the steps only if they
// differ, so that focus stays where it is.
const stepsKey = (st) => JSON.stringify([st.step, st.where]);
function sync(s) {
  if (stepsKey(fromForm()) !== stepsKey(urlState(s))) {
    stepsList.replaceChildren(...s.steps.map((event, i) =>
      stepRow(event, s.where.filter((c) => c.step === i + 1).map(({ step: _, ...c }) => c))));
    const fresh = conditionsEditor({ conditions: s.where.filter((c) => c.step === undefined), label: 'Conditions on every step' });
    everyStep.replaceWith(fresh);
    everyStep = fresh;
  }
  while (stepsList.children.length < 2) stepsList.append(stepRow());
  label();
  form.window.value = s.window;
  form.order.value = s.order;
  form.countBy.value = s.countBy;
  form.breakdown.value = s.breakdown;
  form.trend.value = s.trend;
  range.set(s);
}

function render() {
  const { state: s, problems } = read();
  current = s;
  sync(s);
  if (!showProblems(problemsBox, results, problems)) return;
  if (s.steps.length < 2) {
    fill(results, async () => [emptyNote('Pick two or more steps, then ', h('strong', {}, 'Show funnel'), '.'), await suggestions()]);
    return;
  }
  const def = definition(s);
  fill(results, async () => report(s, def, await api.post('/api/v1/funnels', def)), 'Running the funnel');
}

// suggestions offers the most frequent events as a first funnel.
async function suggestions() {
  const names = await eventNames().catch(() => []);
  if (names.length < 2) return null;
  return h('p', {}, 'For example: ',
    h('a', { href: `/funnels?${new URLSearchParams(names.slice(0, 3).map((n) => ['step', n]))}` }, names.slice(0, 3).join(' → ')));
}

function report(s, def, r) {
  const out = h('div', { class: 'report' });
  r.warnings?.forEach((w) => out.append(h('p', { class: 'warning', role: 'note' }, w)));
  const unit = { persons: 'Persons', sessions: 'Sessions', totals: 'Attempts' }[s.countBy];
  out.append(figures([
    { label: `${unit} entered`, value: fmt.count(r.entered) },
    { label: 'Converted', value: fmt.count(r.converted) },
    { label: 'Conversion', value: fmt.percent(r.conversion) },
    { label: 'In progress', value: fmt.count(r.inProgress), note: 'window still open' },
    { label: 'Average time to convert', value: r.timeToConvert.count ? fmt.duration(r.timeToConvert.average) : '–',
      note: r.timeToConvert.count ? `median ${fmt.duration(r.timeToConvert.median)}` : null },
  ]));
  stepsChart(out, r);
  out.append(stepsTable(s, r.steps, null));
  if (s.persons) out.append(drill(s, def));
  const pair = h('div', { class: 'grid-2' });
  out.append(pair);
  durationChart(pair, r.timeToConvert);
  if (r.trend?.length) trendChart(pair, r.trend, s.trend);
  if (r.breakdown?.length) out.append(breakdownTable(s, r));
  return out;
}

function stepsChart(parent, r) {
  const names = r.steps.map((st, i) => `${i + 1}. ${st.name}`);
  chart(parent, {
    title: 'Steps', file: 'funnel-steps', option: {
      grid: { left: 60, right: 20, top: 40, bottom: 60 },
      legend: { top: 0 },
      xAxis: { type: 'category', data: names, axisLabel: { formatter: (v) => shorten(v, 18), interval: 0 } },
      yAxis: { type: 'value', name: 'count' },
      tooltip: {
        trigger: 'axis', axisPointer: { type: 'shadow' },
        formatter: (ps) => {
          const st = r.steps[ps[0].dataIndex];
          return tip(names[ps[0].dataIndex], [
            ['Reached', fmt.count(st.count)], ['From previous', fmt.percent(st.conversionFromPrevious)],
            ['From first', fmt.percent(st.conversionFromFirst)], ['Dropped off', fmt.count(st.dropOff)],
            ['In progress', fmt.count(st.inProgress)]]);
        },
      },
      series: [
        { name: 'Reached', type: 'bar', stack: 'step', data: r.steps.map((st) => st.count), itemStyle: { color: colors.primary },
          label: { show: true, position: 'insideTop', color: '#fff', formatter: (p) => fmt.percent(r.steps[p.dataIndex].conversionFromFirst) } },
        { name: 'In progress', type: 'bar', stack: 'step', data: r.steps.map((st) => st.inProgress), itemStyle: { color: colors.waiting } },
        { name: 'Dropped off', type: 'bar', stack: 'step', data: r.steps.map((st) => st.dropOff), itemStyle: { color: colors.muted } },
      ],
    },
  });
}

// drillButton shows a number that opens the persons behind it.
function drillButton(s, n, step, outcome, group) {
  if (n === 0) return fmt.count(n);
  const label = `${fmt.count(n)}`;
  return h('button', {
    type: 'button', class: 'number-link', 'aria-label': `${label}: list the persons who ${outcomes[outcome]} step ${step}${group !== null ? ` in ${group}` : ''}`,
    onclick: () => navigate(urlState(s, { persons: `${step}:${outcome}`, group: group ?? undefined })),
  }, label);
}

function stepsTable(s, steps, group) {
  return table({
    caption: group === null ? 'Steps' : `Steps of ${group}`, file: 'funnel-steps', rows: steps.map((st, i) => ({ ...st, n: i + 1 })),
    columns: [
      { label: 'Step', value: (st) => `${st.n}. ${st.name}${st.optional ? ' (optional)' : ''}` },
      { label: 'Reached', numeric: true, value: (st) => st.count, cell: (st) => drillButton(s, st.count, st.n, 'reached', group) },
      { label: 'From previous', numeric: true, value: (st) => st.conversionFromPrevious, format: fmt.percent },
      { label: 'From first', numeric: true, value: (st) => st.conversionFromFirst, format: fmt.percent },
      { label: 'Dropped off', numeric: true, value: (st) => st.dropOff, cell: (st) => drillButton(s, st.dropOff, st.n, 'dropped', group) },
      { label: 'In progress', numeric: true, value: (st) => st.inProgress, cell: (st) => drillButton(s, st.inProgress, st.n, 'in_progress', group) },
      { label: 'Median time from previous', numeric: true, value: (st) => (st.timeFromPrevious.count ? st.timeFromPrevious.median : null),
        format: (v) => (v === null ? '–' : fmt.duration(v)) },
    ],
  });
}

// drill lists the persons behind the number the URL names.
function drill(s, def) {
  const [step, outcome] = s.persons.split(':');
  const box = h('section', { class: 'drill', 'aria-labelledby': 'drill-title' });
  const title = `Persons who ${outcomes[outcome]} step ${step} (${s.steps[step - 1]})${s.group !== null ? ` in ${s.group}` : ''}`;
  const close = h('button', { type: 'button', class: 'quiet', onclick: () => navigate(urlState(s)) }, 'Close');
  box.append(h('h2', { id: 'drill-title' }, title, ' ', close));
  const list = h('div');
  box.append(list);
  fill(list, async () => {
    const body = { funnel: def, step: Number(step), outcome, offset: s.offset, limit: personsPage };
    if (s.group !== null) body.breakdown = s.group;
    const page = await api.post('/api/v1/funnels/persons', body);
    const pager = h('p', { class: 'pager' },
      `${fmt.count(page.total)} persons${page.total ? `, ${fmt.count(page.offset + 1)} to ${fmt.count(page.offset + page.persons.length)}` : ''}. `,
      page.offset > 0 ? h('button', { type: 'button', class: 'quiet',
        onclick: () => navigate(urlState(s, { persons: s.persons, group: s.group ?? undefined, offset: Math.max(0, page.offset - personsPage) || undefined })) }, '← Previous') : null,
      page.offset + page.persons.length < page.total ? h('button', { type: 'button', class: 'quiet',
        onclick: () => navigate(urlState(s, { persons: s.persons, group: s.group ?? undefined, offset: page.offset + personsPage })) }, 'Next →') : null);
    return [pager, table({ caption: title, file: 'funnel-persons', rows: page.persons,
      columns: [{ label: 'Person', value: (id) => id, cell: (id) => personLink(id) }] })];
  }, 'Finding the persons');
  return box;
}

function durationChart(parent, d) {
  const box = h('section', { class: 'panel' }, h('h2', {}, 'Time to convert'));
  parent.append(box);
  if (!d.count) {
    box.append(emptyNote('Nobody converted in this range.'));
    return;
  }
  box.append(figures([
    { label: 'Average', value: fmt.duration(d.average) }, { label: 'Median', value: fmt.duration(d.median) },
    { label: '90th percentile', value: fmt.duration(d.p90) }]));
  chart(box, {
    title: 'Time to convert', file: 'funnel-time-to-convert', option: {
      grid: { left: 50, right: 20, top: 20, bottom: 40 },
      xAxis: { type: 'category', data: d.histogram.map((b) => b.label) },
      yAxis: { type: 'value', name: 'converted' },
      tooltip: { trigger: 'axis', formatter: (ps) => tip(d.histogram[ps[0].dataIndex].label, [['Converted', fmt.count(ps[0].value)]]) },
      series: [{ type: 'bar', data: d.histogram.map((b) => b.count), itemStyle: { color: colors.primary } }],
    },
  });
  box.append(folded(table({ caption: 'Time to convert', file: 'funnel-time-to-convert', rows: d.histogram, columns: [
    { label: 'Time', value: (b) => b.label }, { label: 'Converted', numeric: true, value: (b) => b.count, format: fmt.count }] })));
}

function trendChart(parent, trend, period) {
  const box = h('section', { class: 'panel' }, h('h2', {}, `Conversion by ${period} of entry`));
  parent.append(box);
  const labels = trend.map((t) => fmt.day(t.period));
  chart(box, {
    title: 'Conversion trend', file: 'funnel-trend', option: {
      grid: { left: 60, right: 60, top: 40, bottom: 40 },
      legend: { top: 0 },
      xAxis: { type: 'category', data: labels },
      yAxis: [{ type: 'value', name: 'entered' }, { type: 'value', name: 'conversion', axisLabel: { formatter: (v) => fmt.percent(v) } }],
      tooltip: { trigger: 'axis', formatter: (ps) => {
        const t = trend[ps[0].dataIndex];
        return tip(labels[ps[0].dataIndex], [['Entered', fmt.count(t.entered)], ['Converted', fmt.count(t.converted)], ['Conversion', fmt.percent(t.conversion)]]);
      } },
      series: [
        { name: 'Entered', type: 'bar', data: trend.map((t) => t.entered), itemStyle: { color: colors.grid } },
        { name: 'Conversion', type: 'line', yAxisIndex: 1, data: trend.map((t) => t.conversion), itemStyle: { color: colors.primary } },
      ],
    },
  });
  box.append(folded(table({ caption: 'Conversion trend', file: 'funnel-trend', rows: trend, columns: [
    { label: period[0].toUpperCase() + period.slice(1), value: (t) => fmt.day(t.period) },
    { label: 'Entered', numeric: true, value: (t) => t.entered, format: fmt.count },
    { label: 'Converted', numeric: true, value: (t) => t.converted, format: fmt.count },
    { label: 'Conversion', numeric: true, value: (t) => t.conversion, format: fmt.percent }] })));
}

function breakdownTable(s, r) {
  const box = h('section', { class: 'panel' }, h('h2', {}, `Breakdown by ${s.breakdown}`));
  box.append(table({
    caption: `Breakdown by ${s.breakdown}`, file: 'funnel-breakdown', rows: r.breakdown,
    columns: [
      { label: s.breakdown, value: (g) => g.value },
      { label: 'Entered', numeric: true, value: (g) => g.entered, cell: (g) => (g.value === 'Other' ? fmt.count(g.entered) : drillButton(s, g.entered, 1, 'reached', g.value)) },
      ...r.steps.slice(1).map((st, i) => ({ label: `${i + 2}. ${st.name}`, numeric: true, value: (g) => g.steps[i + 1].count,
        cell: (g) => (g.value === 'Other' ? fmt.count(g.steps[i + 1].count) : drillButton(s, g.steps[i + 1].count, i + 2, 'reached', g.value)) })),
      { label: 'Conversion', numeric: true, value: (g) => g.conversion, format: fmt.percent },
      { label: 'In progress', numeric: true, value: (g) => g.inProgress, format: fmt.count },
    ],
  }));
  return box;
}

async function start() {
  const end = await dataEnd().catch(() => new Date());
  range = dateRange({ end, onChange: (r) => navigate({ ...fromForm(), ...r }) });
  document.getElementById('range').append(range.el);
  eventNames().then((names) => datalist('event-names', names), () => {});
  api.get('/api/v1/schema/fields').then((r) => datalist('breakdown-fields', r.fields.map((f) => f.field)), () => {});
  showFirstEventHelp().catch(() => {});
  onState(render);
}

start();
