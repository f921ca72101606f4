// /paths: the ways persons take from a start event, towards an end event,
// or between the two, as a Sankey chart with the answer's numbers; the
// persons on any node or edge; the funnel of a path; and two groups
// compared. The definition is the query string: start, end, steps, node,
// top, collapse, hide (repeated), rule (repeated JSON rules), within,
// sessionGap, compare (a conversion event), group, from, to, and the
// drill-down: persons=STEP:NODE, next, dropOff, offset.
import * as api from '../api.js';
import { h, show, fill, personLink, figures, emptyNote, download, showProblems } from '../dom.js';
import * as fmt from '../format.js';
import { Params, navigate, onState } from '../state.js';
import { dateRange, toTime } from '../daterange.js';
import { chart, tip, colors, shorten } from '../chart.js';
import { table } from '../table.js';
import { dataEnd, datalist, eventNames, showFirstEventHelp } from '../project.js';

const withins = ['journey', 'session'];
const groups = { converted: 'Converted', 'not converted': 'Not converted' };
const OTHER = 'Other';
const personsPage = 50;
const defaults = { steps: 5, node: 'name', top: 10 };

// checkRule says what is wrong with a rule read from the URL.
function checkRule(r) {
  if (typeof r !== 'object' || r === null || Array.isArray(r)) return 'want {"match":…,"alias":…} or {"regex":…,"alias":…}';
  if ((typeof r.match === 'string' && r.match !== '') === (typeof r.regex === 'string' && r.regex !== '')) return 'a rule has "match" or "regex", one of the two';
  if (typeof r.alias !== 'string' || r.alias === '') return 'a rule needs an "alias"';
  return '';
}

// read parses the page's state from the URL.
function read() {
  const p = new Params();
  const s = {
    start: p.string('start'),
    end: p.string('end'),
    steps: p.int('steps', defaults.steps, 2, 20),
    node: p.string('node', defaults.node),
    top: p.int('top', defaults.top, 1, 1000),
    collapse: p.oneOf('collapse', ['', '1'], '') === '1',
    hide: p.list('hide'),
    rules: p.jsonList('rule', checkRule),
    within: p.oneOf('within', withins, 'journey'),
    sessionGap: p.duration('sessionGap'),
    compare: p.string('compare'),
    group: p.oneOf('group', ['', ...Object.keys(groups)], ''),
    from: p.date('from'),
    to: p.date('to'),
    persons: p.string('persons'),
    next: p.has('next') ? p.string('next') : null,
    dropOff: p.oneOf('dropOff', ['', '1'], '') === '1',
    offset: p.int('offset', 0),
  };
  if (s.node.trim() === '') p.problems.push('node=: name a field, such as name or path');
  if (s.group && !s.compare) p.problems.push(`group=${s.group}: a group needs compare=EVENT`);
  const [lowest, highest] = stepRange(s);
  if (s.persons) {
    const at = s.persons.indexOf(':');
    const step = Number(s.persons.slice(0, at));
    if (at < 0 || !Number.isInteger(step) || step < lowest || step > highest || s.persons.slice(at + 1) === '') {
      p.problems.push(`persons=${s.persons}: use STEP:NODE with a step from ${lowest} to ${highest}`);
      s.persons = '';
    }
  }
  if (!s.persons && (s.next !== null || s.dropOff)) p.problems.push('next and dropOff go with persons=STEP:NODE');
  return { state: s, problems: p.done() };
}

// stepRange is the lowest and highest step of the paths: 0 is the anchor,
// the end for paths towards an end.
function stepRange(s) {
  return s.end && !s.start ? [1 - s.steps, 0] : [0, s.steps - 1];
}

// definition is the report.Paths that the state describes.
function definition(s) {
  return {
    start: s.start ? { event: s.start } : undefined,
    end: s.end ? { event: s.end } : undefined,
    steps: s.steps,
    node: s.node,
    top: s.top,
    collapseRepeats: s.collapse || undefined,
    hide: s.hide.length ? s.hide.map((event) => ({ event })) : undefined,
    rules: s.rules.length ? s.rules : undefined,
    within: s.within,
    sessionGap: s.sessionGap || undefined,
    compare: s.compare ? { conversion: { event: s.compare } } : undefined,
    from: toTime(s.from),
    to: toTime(s.to),
  };
}

const form = document.getElementById('paths-form');
const rulesList = document.getElementById('rules');
const results = document.getElementById('results');
const problemsBox = document.getElementById('problems');
let range;
let current; // the state shown

function ruleRow(r = { match: '', alias: '' }) {
  const kind = h('select', { 'aria-label': 'Kind of pattern' },
    h('option', { value: 'match', selected: r.regex === undefined }, 'matches'),
    h('option', { value: 'regex', selected: r.regex !== undefined }, 'matches the regex'));
  const pattern = h('input', { type: 'text', class: 'pattern', value: r.regex ?? r.match ?? '', 'aria-label': 'Pattern', placeholder: 'Blog: *' });
  const alias = h('input', { type: 'text', class: 'alias', value: r.alias ?? '', 'aria-label': 'Alias', placeholder: 'Blog' });
  const li = h('li', { class: 'condition rule' }, 'A value that', kind, pattern, 'is named', alias,
    h('button', { type: 'button', class: 'quiet remove', 'aria-label': 'Remove rule', onclick: () => li.remove() }, '×'));
  li.read = () => ({ [kind.value]: pattern.value, alias: alias.value.trim() });
  return li;
}

document.getElementById('add-rule').addEventListener('click', () => {
  rulesList.append(ruleRow());
  rulesList.lastChild.querySelector('input').focus();
});

// fromForm is the state the form describes, as the URL writes it, keeping
// the date range and the group.
function fromForm() {
  const n = (v, def) => (v.trim() === '' || Number(v) === def ? '' : v.trim());
  return {
    start: form.start.value.trim(),
    end: form.end.value.trim(),
    steps: n(form.steps.value, defaults.steps),
    node: form.node.value.trim() === defaults.node ? '' : form.node.value.trim(),
    top: n(form.top.value, defaults.top),
    collapse: form.collapse.checked ? '1' : '',
    hide: form.hide.value.split(',').map((e) => e.trim()).filter(Boolean),
    rule: [...rulesList.children].map((li) => li.read()).filter((r) => (r.match ?? r.regex) !== '' && r.alias !== '').map((r) => JSON.stringify(r)),
    within: form.within.value === 'journey' ? '' : form.within.value,
    sessionGap: form.sessionGap.value.trim(),
    compare: form.compare.value.trim(),
    group: current?.compare && form.compare.value.trim() ? current.group : '',
    from: current?.from ?? '',
    to: current?.to ?? '',
  };
}

// urlState is s as the URL writes it, for navigate.
function urlState(s, extra = {}) {
  return {
    start: s.start,
    end: s.end,
    steps: s.steps === defaults.steps ? '' : s.steps,
    node: s.node === defaults.node ? '' : s.node,
    top: s.top === defaults.top ? '' : s.top,
    collapse: s.collapse ? '1' : '',
    hide: s.hide,
    rule: s.rules.map((r) => JSON.stringify(r)),
    within: s.within === 'journey' ? '' : s.within,
    sessionGap: s.sessionGap,
    compare: s.compare,
    group: s.group,
    from: s.from,
    to: s.to,
    ...extra,
  };
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  navigate(fromForm());
});

// sync shows the state in the form; it rebuilds the rules only if they
// differ, so that focus stays where it is.
function sync(s) {
  form.start.value = s.start;
  form.end.value = s.end;
  form.steps.value = s.steps;
  form.node.value = s.node;
  form.top.value = s.top;
  form.collapse.checked = s.collapse;
  form.hide.value = s.hide.join(', ');
  form.within.value = s.within;
  form.sessionGap.value = s.sessionGap;
  form.compare.value = s.compare;
  if (JSON.stringify(fromForm().rule) !== JSON.stringify(urlState(s).rule)) rulesList.replaceChildren(...s.rules.map((r) => ruleRow(r)));
  range.set(s);
}

function render() {
  const { state: s, problems } = read();
  current = s;
  sync(s);
  if (!showProblems(problemsBox, results, problems)) return;
  if (!s.start && !s.end) {
    fill(results, async () => [emptyNote('Pick a start event, an end event or both, then ', h('strong', {}, 'Show paths'), '.'), await suggestion()]);
    return;
  }
  const def = definition(s);
  fill(results, async () => report(s, def, await api.post('/api/v1/paths', def)), 'Following the paths');
}

// suggestion offers the paths from the most frequent event.
async function suggestion() {
  const names = await eventNames().catch(() => []);
  if (!names.length) return null;
  return h('p', {}, 'For example: ', h('a', { href: `/paths?${new URLSearchParams({ start: names[0], collapse: '1' })}` }, `the paths from ${names[0]}`));
}

function report(s, def, r) {
  const out = h('div', { class: 'report' });
  r.warnings?.forEach((w) => out.append(h('p', { class: 'warning', role: 'note' }, w)));
  const shown = s.group ? r.groups.find((g) => g.name === s.group) : r;
  const items = [{ label: 'Persons on paths', value: fmt.count(shown.persons), note: s.group ? groups[s.group] : null }];
  if (shown.between) {
    items.push({ label: 'Did the start, not the end', value: fmt.count(shown.between.endNotReached) },
      { label: 'Reached the end beyond the steps', value: fmt.count(shown.between.endBeyondSteps), note: 'raise the steps to see them' });
  }
  out.append(figures(items));
  if (r.groups?.length) out.append(comparison(s, r));
  if (shown.persons === 0) {
    out.append(emptyNote('Nobody is on these paths in this range.'));
    return out;
  }
  sankey(out, s, shown);
  if (s.persons) out.append(drill(s, def));
  const funnels = h('div');
  out.append(nodesTable(s, shown), edgesTable(s, shown), pathsTable(s, def, shown, funnels), funnels);
  return out;
}

// nodeLabel names a node for people: its step and name.
const nodeLabel = (n) => `${n.step}. ${n.name}`;

function sankey(parent, s, r) {
  const lowest = Math.min(...r.nodes.map((n) => n.step));
  const index = new Map(r.nodes.map((n, i) => [`${n.step}\u0000${n.name}`, i]));
  const id = (step, name) => `n${index.get(`${step}\u0000${name}`)}`;
  const nodes = r.nodes.map((n, i) => ({
    name: `n${i}`, value: n.persons, depth: n.step - lowest, node: n,
    itemStyle: { color: n.name === OTHER ? colors.muted : n.step === 0 ? colors.secondary : colors.primary },
  }));
  const links = r.edges.map((e) => ({
    source: id(e.step, e.from), target: id(e.step + 1, e.to), value: e.persons, edge: e,
    lineStyle: { color: colors.primary, opacity: 0.25 },
  }));
  chart(parent, {
    title: 'Paths', file: 'paths', tall: true,
    onClick: (p) => {
      if (p.dataType === 'node') drillTo(s, p.data.node);
      else if (p.dataType === 'edge') drillTo(s, r.nodes[Number(p.data.source.slice(1))], { next: p.data.edge.to });
    },
    option: {
      // Without animation, no clip path that grows over the chart: a tab
      // that draws no frames would keep most of it from taking clicks.
      animation: false,
      tooltip: {
        trigger: 'item',
        formatter: (p) => {
          if (p.dataType === 'edge') {
            const e = p.data.edge;
            return tip(`${e.step}. ${e.from} → ${e.step + 1}. ${e.to}`, [['Persons', fmt.count(e.persons)],
              ['Average time', fmt.duration(e.time.average)], ['Median time', fmt.duration(e.time.median)]]);
          }
          const n = p.data.node;
          return tip(nodeLabel(n), [['Persons', fmt.count(n.persons)], ['Of all', fmt.percent(n.persons / r.persons)], ['Dropped off', fmt.count(n.dropOff)]]);
        },
      },
      series: [{
        type: 'sankey', left: 20, right: 160, top: 20, bottom: 20, nodeAlign: 'left', layoutIterations: 0,
        emphasis: { focus: 'adjacency' }, nodeGap: 10, draggable: false,
        label: { formatter: (p) => `${shorten(p.data.node.name, 24)}\n${fmt.count(p.data.node.persons)}`, overflow: 'truncate', width: 150, lineHeight: 15 },
        data: nodes, links,
      }],
    },
  });
}

// drillTo lists the persons on node n, or on its edge to next.
function drillTo(s, n, { next = null, dropOff = false } = {}) {
  navigate(urlState(s, { persons: `${n.step}:${n.name}`, next: next ?? undefined, dropOff: dropOff ? '1' : '' }));
}

// drillButton shows a number that opens the persons behind it.
function drillButton(s, count, n, opts, what) {
  if (count === 0) return fmt.count(count);
  return h('button', { type: 'button', class: 'number-link', 'aria-label': `${fmt.count(count)}: list the persons who ${what}`,
    onclick: () => drillTo(s, n, opts) }, fmt.count(count));
}

function nodesTable(s, r) {
  return table({
    caption: 'Nodes', file: 'paths-nodes', rows: r.nodes, columns: [
      { label: 'Step', numeric: true, value: (n) => n.step },
      { label: 'Node', value: (n) => n.name },
      { label: 'Persons', numeric: true, value: (n) => n.persons, cell: (n) => drillButton(s, n.persons, n, {}, `are on ${nodeLabel(n)}`) },
      { label: 'Of all', numeric: true, value: (n) => n.persons / r.persons, format: fmt.percent },
      { label: 'Dropped off', numeric: true, value: (n) => n.dropOff,
        cell: (n) => drillButton(s, n.dropOff, n, { dropOff: true }, `went no further than ${nodeLabel(n)}`) },
    ],
  });
}

function edgesTable(s, r) {
  return table({
    caption: 'Edges', file: 'paths-edges', rows: r.edges, columns: [
      { label: 'Step', numeric: true, value: (e) => e.step },
      { label: 'From', value: (e) => e.from },
      { label: 'To', value: (e) => e.to },
      { label: 'Persons', numeric: true, value: (e) => e.persons,
        cell: (e) => drillButton(s, e.persons, { step: e.step, name: e.from }, { next: e.to }, `went from ${e.from} to ${e.to}`) },
      { label: 'Average time', numeric: true, value: (e) => e.time.average, format: fmt.duration },
      { label: 'Median time', numeric: true, value: (e) => e.time.median, format: fmt.duration },
    ],
  });
}

function pathsTable(s, def, r, funnels) {
  return table({
    caption: 'Most common paths', file: 'paths-paths', rows: r.paths, columns: [
      { label: 'Path', value: (p) => p.nodes.join(' → ') },
      { label: 'Persons', numeric: true, value: (p) => p.persons, format: fmt.count },
      { label: 'Share', numeric: true, value: (p) => p.share, format: fmt.percent },
      { label: 'Funnel', value: () => '', cell: (p) => (p.nodes.length < 2 ? '–' : h('button', { type: 'button', class: 'quiet',
        'aria-label': `Open the funnel of ${p.nodes.join(' → ')}`, onclick: () => openFunnel(def, p.nodes, funnels) }, 'Funnel →')) },
    ],
  });
}

// openFunnel turns a path into a funnel and opens it on the funnel page,
// or, when that page cannot show its steps, offers its definition.
async function openFunnel(def, path, box) {
  await fill(box, async () => {
    const { funnel, warnings } = await api.post('/api/v1/paths/funnel', { paths: def, path });
    const url = funnelURL(funnel);
    if (url && !warnings.length) {
      location.assign(url);
      return null;
    }
    const json = JSON.stringify(funnel, null, 2);
    return h('section', { class: 'panel', 'aria-labelledby': 'funnel-title' },
      h('h2', { id: 'funnel-title' }, `The funnel of ${path.join(' → ')}`),
      warnings.map((w) => h('p', { class: 'warning', role: 'note' }, w)),
      url ? h('p', {}, h('a', { href: url }, 'Open it on the funnel page')) : h('p', { class: 'hint' },
        'The funnel page shows steps of one event each; run this definition with waymark query funnel --def or the API.'),
      h('pre', {}, json),
      h('button', { type: 'button', class: 'quiet', onclick: () => download('path-funnel.json',
        URL.createObjectURL(new Blob([json], { type: 'application/json' }))) }, 'Download JSON'));
  }, 'Making the funnel');
  box.scrollIntoView?.({ block: 'nearest' });
}

// funnelURL is the funnel page's address of a funnel definition, or null
// when its steps are not one event each, as that page builds them.
function funnelURL(f) {
  const q = new URLSearchParams();
  for (const [i, st] of f.steps.entries()) {
    const t = st.touchpoints.length === 1 ? st.touchpoints[0] : null;
    if (!t || !t.event || t.path) return null;
    q.append('step', t.event);
    const where = [...(t.type ? [{ field: 'type', op: '=', value: t.type }] : []), ...(t.where ?? [])];
    where.forEach((c) => q.append('where', JSON.stringify({ step: i + 1, ...c })));
  }
  (f.where ?? []).forEach((c) => q.append('where', JSON.stringify(c)));
  for (const key of ['window', 'from', 'to']) if (f[key]) q.set(key, f[key]);
  return `/funnels?${q}`;
}

// comparison shows the two groups side by side and picks the one whose
// paths the chart shows.
function comparison(s, r) {
  const pick = (group, label) => h('button', { type: 'button', class: 'quiet', 'aria-pressed': String(s.group === group),
    onclick: () => navigate(urlState(s, { group })) }, label);
  const top = (g) => g.paths[0];
  return h('section', { class: 'panel', 'aria-labelledby': 'compare-title' },
    h('h2', { id: 'compare-title' }, `Converted by ${s.compare}, or not`),
    h('div', { class: 'actions', role: 'group', 'aria-label': 'Show the paths of' },
      pick('', 'All persons'), Object.entries(groups).map(([g, label]) => pick(g, label))),
    table({
      caption: 'Groups', file: 'paths-groups', rows: r.groups, columns: [
        { label: 'Group', value: (g) => groups[g.name] },
        { label: 'Persons', numeric: true, value: (g) => g.persons, format: fmt.count },
        { label: 'Of all', numeric: true, value: (g) => g.persons / r.persons, format: fmt.percent },
        { label: 'Most common path', value: (g) => (top(g) ? top(g).nodes.join(' → ') : '') },
        { label: 'Its share', numeric: true, value: (g) => (top(g) ? top(g).share : null), format: (v) => (v === null ? '–' : fmt.percent(v)) },
      ],
    }));
}

// drill lists the persons behind the number the URL names.
function drill(s, def) {
  const at = s.persons.indexOf(':');
  const step = Number(s.persons.slice(0, at));
  const node = s.persons.slice(at + 1);
  let title = `Persons on ${step}. ${node}`;
  if (s.next !== null) title = `Persons who went from ${step}. ${node} to ${step + 1}. ${s.next}`;
  else if (s.dropOff) title = `Persons who went no further than ${step}. ${node}`;
  if (s.group) title += ` (${groups[s.group]})`;
  const box = h('section', { class: 'drill', 'aria-labelledby': 'drill-title' });
  box.append(h('h2', { id: 'drill-title' }, title, ' ', h('button', { type: 'button', class: 'quiet', onclick: () => navigate(urlState(s)) }, 'Close')));
  const list = h('div');
  box.append(list);
  const drilled = { persons: s.persons, next: s.next ?? undefined, dropOff: s.dropOff ? '1' : '' };
  const pageAt = (offset) => () => navigate(urlState(s, { ...drilled, offset: offset || undefined }));
  fill(list, async () => {
    const body = { paths: def, step, node, offset: s.offset, limit: personsPage };
    if (s.next !== null) body.next = s.next;
    if (s.dropOff) body.dropOff = true;
    if (s.group) body.group = s.group;
    const page = await api.post('/api/v1/paths/persons', body);
    const shownTo = page.offset + page.persons.length;
    return [
      h('p', { class: 'pager' }, `${fmt.count(page.total)} persons${page.total ? `, ${fmt.count(page.offset + 1)} to ${fmt.count(shownTo)}` : ''}. `,
        page.offset > 0 ? h('button', { type: 'button', class: 'quiet', onclick: pageAt(Math.max(0, page.offset - personsPage)) }, '← Previous') : null,
        shownTo < page.total ? h('button', { type: 'button', class: 'quiet', onclick: pageAt(shownTo) }, 'Next →') : null),
      table({ caption: title, file: 'paths-persons', rows: page.persons, columns: [{ label: 'Person', value: (id) => id, cell: (id) => personLink(id) }] }),
    ];
  }, 'Finding the persons');
  return box;
}

async function start() {
  const end = await dataEnd().catch(() => new Date());
  range = dateRange({ end, onChange: (r) => navigate({ ...fromForm(), ...r }) });
  document.getElementById('range').append(range.el);
  eventNames().then((names) => datalist('event-names', names), () => {});
  api.get('/api/v1/schema/fields').then((r) => datalist('node-fields', ['name', 'path', ...r.fields.map((f) => f.field)]), () => {});
  showFirstEventHelp().catch(() => {});
  onState(render);
}

start();
