// /journeys/{id}: a saved journey's map for a date range (from, to), and
// with mode=edit its editor.
import * as api from '../api.js';
import { h, show, fill, main, errorNote, showProblems } from '../dom.js';
import { Params, navigate, onState } from '../state.js';
import { dateRange } from '../daterange.js';
import { journeyMap } from '../journeymap.js';
import { journeyEditor } from '../journeyeditor.js';
import { dataEnd } from '../project.js';

const id = main().dataset.id;
const results = document.getElementById('results');
const problemsBox = document.getElementById('problems');
const title = document.getElementById('journey-name');
const actions = document.getElementById('journey-actions');
let range;
let journey; // the saved definition
let state = {};

function read() {
  const p = new Params();
  const s = { from: p.date('from'), to: p.date('to'), mode: p.oneOf('mode', ['', 'edit'], '') };
  return { s, problems: p.done() };
}

function deleteButton() {
  const ask = h('button', { type: 'button', class: 'quiet', onclick: () => {
    show(actions, h('span', {}, `Delete ${journey.name}?`),
      h('button', { type: 'button', class: 'danger', onclick: async () => {
        try {
          await api.del(api.path('journeys', id));
          location.assign('/journeys');
        } catch (err) {
          show(results, errorNote(err));
        }
      } }, 'Delete'),
      h('button', { type: 'button', class: 'quiet', onclick: showActions }, 'Keep it'));
  } }, 'Delete');
  return ask;
}

function showActions() {
  show(actions,
    h('button', { type: 'button', onclick: () => navigate({ ...state, mode: 'edit' }) }, 'Edit'),
    h('a', { href: `${api.path('journeys', id)}?format=yaml`, download: `${id}.yaml`, class: 'quiet' }, 'Download YAML'),
    deleteButton());
}

function render() {
  const { s, problems } = read();
  state = { from: s.from, to: s.to };
  range.set(s);
  if (!showProblems(problemsBox, results, problems)) return;
  if (s.mode === 'edit') {
    range.el.hidden = true;
    show(actions);
    fill(results, async () => journeyEditor({
      journey,
      saved: (j) => {
        journey = j;
        title.textContent = j.name;
        navigate(state);
      },
      cancel: () => navigate(state),
    }));
    return;
  }
  range.el.hidden = false;
  showActions();
  fill(results, async () => journeyMap(await api.get(`${api.path('journeys', id, 'report')}`, { from: s.from, to: s.to })),
    'Running the journey map');
}

async function start() {
  try {
    journey = await api.get(api.path('journeys', id));
  } catch (err) {
    show(results, errorNote(err), h('p', {}, h('a', { href: '/journeys' }, 'All journeys')));
    return;
  }
  title.textContent = journey.name;
  document.title = `${journey.name} · Waymark`;
  const end = await dataEnd().catch(() => new Date());
  range = dateRange({ end, onChange: (r) => navigate({ ...state, ...r }) });
  document.getElementById('range').append(range.el);
  onState(render);
}

start();
