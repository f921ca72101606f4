// Creating and editing a journey definition: its name, window and stages,
// each stage with touchpoints (an event or page, a type, a path, conditions),
// saved through the journeys API. A preview runs the unsaved definition.
import * as api from './api.js';
import { h, show, fill, errorNote } from './dom.js';
import { conditionsEditor } from './conditions.js';
import { journeyMap } from './journeymap.js';
import { datalist, eventNames } from './project.js';

const types = ['', 'track', 'page', 'screen', 'identify', 'group', 'alias'];

let fieldIDs = 0;
// labelled makes an input with its label.
function labelled(text, input) {
  input.id ||= `f${++fieldIDs}`;
  return [h('label', { for: input.id }, text), input];
}

function touchpointRow(tp = {}) {
  const event = h('input', { type: 'text', value: tp.event ?? '', list: 'event-names', placeholder: 'event or page name', autocomplete: 'off' });
  const type = h('select', {}, types.map((t) => h('option', { value: t, selected: (tp.type ?? '') === t }, t || 'any type')));
  const path = h('input', { type: 'text', value: tp.path ?? '', placeholder: '/pricing*', size: 12 });
  const label = h('input', { type: 'text', value: tp.label ?? '', placeholder: 'shown as', size: 14 });
  const where = conditionsEditor({ conditions: tp.where ?? [], event: () => event.value, label: 'Conditions of this touchpoint' });
  const el = h('div', { class: 'editor-touchpoint' },
    ...labelled('Event', event), ...labelled('Type', type), ...labelled('Path', path), ...labelled('Label', label),
    h('button', { type: 'button', class: 'quiet remove', 'aria-label': 'Remove touchpoint', onclick: () => el.remove() }, '×'),
    where);
  el.read = () => {
    const t = {};
    if (label.value.trim()) t.label = label.value.trim();
    if (event.value.trim()) t.event = event.value.trim();
    if (type.value) t.type = type.value;
    if (path.value.trim()) t.path = path.value.trim();
    const w = where.read();
    if (w.length) t.where = w;
    return t;
  };
  return el;
}

function stageRow(stage = { name: '', touchpoints: [{}] }, list) {
  const name = h('input', { type: 'text', value: stage.name, required: true, placeholder: 'stage name' });
  const tps = h('div', { class: 'touchpoints' }, stage.touchpoints.map((t) => touchpointRow(t)));
  const move = (dir) => {
    const sibling = dir < 0 ? el.previousElementSibling : el.nextElementSibling;
    if (!sibling) return;
    if (dir < 0) sibling.before(el);
    else sibling.after(el);
    number(list);
    name.focus();
  };
  const el = h('li', { class: 'editor-stage step' },
    h('div', { class: 'condition' }, ...labelled('Stage', name),
      h('button', { type: 'button', class: 'quiet', 'aria-label': 'Move stage up', onclick: () => move(-1) }, '↑'),
      h('button', { type: 'button', class: 'quiet', 'aria-label': 'Move stage down', onclick: () => move(1) }, '↓'),
      h('button', { type: 'button', class: 'quiet remove', 'aria-label': 'Remove stage', onclick: () => { el.remove(); number(list); } }, '×')),
    tps,
    h('button', { type: 'button', class: 'quiet', onclick: () => tps.append(touchpointRow()) }, '+ Touchpoint (parallel path)'));
  el.read = () => ({ name: name.value.trim(), touchpoints: [...tps.children].map((t) => t.read()) });
  return el;
}

function number(list) {
  [...list.children].forEach((li, i) => li.querySelector('input').setAttribute('aria-label', `Stage ${i + 1} name`));
}

// journeyEditor edits journey j (a new one if it has no id) and calls
// saved(savedJourney) after saving; cancel leaves.
export function journeyEditor({ journey: j = { name: '', stages: [] }, saved, cancel }) {
  const isNew = !j.id;
  eventNames().then((names) => datalist('event-names', names), () => {});
  const name = h('input', { type: 'text', value: j.name, required: true, size: 30 });
  const id = h('input', { type: 'text', value: '', size: 20, placeholder: 'made from the name', pattern: '[a-z0-9][a-z0-9_-]{0,63}' });
  const windowInput = h('input', { type: 'text', value: j.window ?? '', size: 6, placeholder: 'none' });
  const stages = h('ol', { class: 'stages' });
  (j.stages.length ? j.stages : [undefined, undefined]).forEach((s) => stages.append(stageRow(s, stages)));
  number(stages);
  const problem = h('div', { role: 'alert' });
  const preview = h('section', { class: 'preview', 'aria-label': 'Preview' });

  const read = () => {
    const def = { name: name.value.trim(), stages: [...stages.children].map((s) => s.read()) };
    if (!isNew) def.id = j.id;
    else if (id.value.trim()) def.id = id.value.trim();
    if (windowInput.value.trim()) def.window = windowInput.value.trim();
    return def;
  };
  const save = async (e) => {
    e.preventDefault();
    show(problem);
    try {
      const def = read();
      const result = isNew ? await api.post('/api/v1/journeys', def) : await api.put(api.path('journeys', j.id), def);
      saved(result);
    } catch (err) {
      show(problem, errorNote(err));
    }
  };
  const runPreview = () => fill(preview, async () => journeyMap(await api.post('/api/v1/journeys/report', { journey: read() })), 'Running the journey');

  return h('form', { class: 'builder journey-editor', onsubmit: save, novalidate: true },
    h('fieldset', { class: 'options' }, h('legend', {}, isNew ? 'New journey' : `Edit ${j.name}`),
      ...labelled('Name', name),
      isNew ? labelled('Id', id) : null,
      ...labelled('Window', windowInput),
      h('span', { class: 'hint' }, 'the longest time from the first stage to a later one, such as 30d')),
    h('fieldset', { class: 'steps' }, h('legend', {}, 'Stages, in order'),
      h('p', { class: 'hint' }, 'A person moves to a stage when they do one of its touchpoints; people may skip stages and enter at any stage.'),
      stages,
      h('button', { type: 'button', class: 'quiet', onclick: () => { stages.append(stageRow(undefined, stages)); number(stages); } }, '+ Stage')),
    problem,
    h('div', { class: 'actions' },
      h('button', { type: 'submit' }, 'Save journey'),
      h('button', { type: 'button', class: 'quiet', onclick: runPreview }, 'Preview'),
      h('button', { type: 'button', class: 'quiet', onclick: cancel }, 'Cancel')),
    preview);
}
