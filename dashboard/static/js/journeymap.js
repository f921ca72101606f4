// A journey map as the journey API answers it: the headline numbers of seed
// 001 (conversion, time to convert, time between stages, the friction
// point), a card per stage with its touchpoints, and the flows between
// stages as a Sankey chart in which every skip is its own edge, with entry
// and drop-off.
import { h, figures } from './dom.js';
import * as fmt from './format.js';
import { chart, tip, colors } from './chart.js';
import { table } from './table.js';

const ENTRY = 'entry';
const DROPPED = 'dropped';
const stageNode = (i) => `stage-${i}`;

// journeyMap shows the result r of a journey map.
export function journeyMap(r) {
  const out = h('div', { class: 'report journey-map' });
  r.warnings?.forEach((w) => out.append(h('p', { class: 'warning', role: 'note' }, w)));
  const friction = r.friction ?? null;
  const avg = (d) => (d.count ? fmt.duration(d.average) : '–');
  out.append(figures([
    { label: 'Persons', value: fmt.count(r.persons) },
    { label: 'Conversion', value: fmt.percent(r.conversion), note: 'first stage to last' },
    { label: 'Average time to convert', value: avg(r.timeToConvert),
      note: r.timeToConvert.count ? `median ${fmt.duration(r.timeToConvert.median)}` : null },
    { label: 'Average time between stages', value: avg(r.timeBetweenStages) },
    { label: 'Friction point', value: friction ? friction.name : '–', highlight: !!friction,
      note: friction ? `${fmt.percent(friction.movedOn)} move on` : null },
  ]));
  out.append(stageCards(r, friction));
  if (r.persons === 0) {
    out.append(h('p', { class: 'empty' }, 'Nobody reached any stage in this range.'));
    return out;
  }
  sankey(out, r, friction);
  out.append(stagesTable(r), flowsTable(r), touchpointsTable(r));
  return out;
}

function stageCards(r, friction) {
  return h('ol', { class: 'stage-cards', 'aria-label': 'Stages' }, r.stages.map((s, i) => h('li', {
    class: friction && friction.stage === i ? 'stage-card friction' : 'stage-card',
  },
  h('h3', {}, `${i + 1}. ${s.name}`),
  h('div', { class: 'reached' }, fmt.count(s.reached), h('span', { class: 'visually-hidden' }, ' persons reached')),
  h('dl', {},
    h('dt', {}, 'Entered here'), h('dd', {}, fmt.count(s.entered)),
    h('dt', {}, i === r.stages.length - 1 ? 'Ended here' : 'Dropped off'), h('dd', {}, fmt.count(s.dropOff)),
    i < r.stages.length - 1 ? [h('dt', {}, 'Moved on'), h('dd', {}, fmt.percent(s.movedOn))] : null,
    s.timeInStage.count ? [h('dt', {}, 'Time in stage'), h('dd', {}, fmt.duration(s.timeInStage.average))] : null),
  s.touchpoints.length > 1 || (s.touchpoints[0] && s.touchpoints[0].touchpoint !== s.name)
    ? h('ul', { 'aria-label': 'Touchpoints' }, s.touchpoints.map((t) => h('li', {}, `${t.touchpoint}: ${fmt.count(t.persons)}`)))
    : null)));
}

function sankey(parent, r, friction) {
  const last = r.stages.length - 1;
  const names = { [ENTRY]: 'Entry', [DROPPED]: 'Dropped off' };
  const nodes = [{ name: ENTRY, depth: 0, itemStyle: { color: colors.muted } }];
  r.stages.forEach((s, i) => {
    names[stageNode(i)] = `${i + 1}. ${s.name}`;
    nodes.push({ name: stageNode(i), depth: i + 1, itemStyle: { color: friction?.stage === i ? colors.bad : colors.primary } });
  });
  const links = r.flows.map((f) => ({
    source: f.from < 0 ? ENTRY : stageNode(f.from),
    target: stageNode(f.to),
    value: f.persons,
    flow: f,
    lineStyle: { color: f.skip ? colors.secondary : colors.primary, opacity: f.skip ? 0.45 : 0.25 },
  }));
  const dropped = r.stages.slice(0, last).map((s, i) => ({ s, i })).filter(({ s }) => s.dropOff > 0);
  if (dropped.length) {
    nodes.push({ name: DROPPED, depth: last + 1, itemStyle: { color: colors.muted } });
    dropped.forEach(({ s, i }) => links.push({ source: stageNode(i), target: DROPPED, value: s.dropOff, lineStyle: { color: colors.muted, opacity: 0.3 } }));
  }
  const stageOf = (name) => r.stages[Number(name.slice('stage-'.length))];
  chart(parent, {
    title: 'Flows between stages', file: 'journey-flows', tall: true, option: {
      tooltip: {
        trigger: 'item',
        formatter: (p) => {
          if (p.dataType === 'edge') {
            const f = p.data.flow;
            const rows = [['Persons', fmt.count(p.data.value)]];
            if (f) {
              if (f.skip) rows.push(['Skips', `${f.to - f.from - 1} stage${f.to - f.from - 1 === 1 ? '' : 's'}`]);
              if (f.time?.count) rows.push(['Average time', fmt.duration(f.time.average)]);
            }
            return tip(`${names[p.data.source]} → ${names[p.data.target]}`, rows);
          }
          const s = p.name.startsWith('stage-') ? stageOf(p.name) : null;
          return tip(names[p.name], s
            ? [['Reached', fmt.count(s.reached)], ['Entered here', fmt.count(s.entered)], ['Dropped off', fmt.count(s.dropOff)],
              ...s.touchpoints.map((t) => [t.touchpoint, fmt.count(t.persons)])]
            : [['Persons', fmt.count(p.value)]]);
        },
      },
      series: [{
        type: 'sankey', left: 20, right: 140, top: 20, bottom: 20, nodeAlign: 'left', layoutIterations: 0,
        emphasis: { focus: 'adjacency' }, nodeGap: 14, draggable: false,
        label: { formatter: (p) => `${names[p.name]}\n${fmt.count(p.value)}`, overflow: 'break', width: 130, lineHeight: 16 },
        data: nodes, links,
      }],
    },
  });
}

function stagesTable(r) {
  return table({
    caption: 'Stages', file: 'journey-stages', rows: r.stages.map((s, i) => ({ ...s, n: i + 1 })), columns: [
      { label: 'Stage', value: (s) => `${s.n}. ${s.name}` },
      { label: 'Reached', numeric: true, value: (s) => s.reached, format: fmt.count },
      { label: 'Entered here', numeric: true, value: (s) => s.entered, format: fmt.count },
      { label: 'Dropped off', numeric: true, value: (s) => s.dropOff, format: fmt.count },
      { label: 'Moved on', numeric: true, value: (s) => s.movedOn, format: fmt.percent },
      { label: 'Average time in stage', numeric: true, value: (s) => (s.timeInStage.count ? s.timeInStage.average : null),
        format: (v) => (v === null ? '–' : fmt.duration(v)) },
      { label: 'Median time in stage', numeric: true, value: (s) => (s.timeInStage.count ? s.timeInStage.median : null),
        format: (v) => (v === null ? '–' : fmt.duration(v)) },
    ],
  });
}

function flowsTable(r) {
  const name = (i) => (i < 0 ? 'Entry' : `${i + 1}. ${r.stages[i].name}`);
  return table({
    caption: 'Flows', file: 'journey-flows', rows: r.flows, columns: [
      { label: 'From', value: (f) => name(f.from) },
      { label: 'To', value: (f) => name(f.to) },
      { label: 'Persons', numeric: true, value: (f) => f.persons, format: fmt.count },
      { label: 'Stages skipped', numeric: true, value: (f) => (f.from < 0 ? 0 : f.to - f.from - 1), format: fmt.count },
      { label: 'Average time', numeric: true, value: (f) => (f.from >= 0 && f.time?.count ? f.time.average : null), format: (v) => (v === null ? '–' : fmt.duration(v)) },
    ],
  });
}

function touchpointsTable(r) {
  const rows = r.stages.flatMap((s, i) => s.touchpoints.map((t) => ({ stage: `${i + 1}. ${s.name}`, ...t })));
  return table({
    caption: 'Touchpoints', file: 'journey-touchpoints', rows, columns: [
      { label: 'Stage', value: (t) => t.stage },
      { label: 'Touchpoint', value: (t) => t.touchpoint },
      { label: 'Persons', numeric: true, value: (t) => t.persons, format: fmt.count },
    ],
  });
}
