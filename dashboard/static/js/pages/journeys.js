// /journeys: the saved journeys, and with mode=new the editor for a new one.
import * as api from '../api.js';
import { h, show, fill, problemsNote, emptyNote } from '../dom.js';
import * as fmt from '../format.js';
import { Params, navigate, onState } from '../state.js';
import { table } from '../table.js';
import { journeyEditor } from '../journeyeditor.js';
import { showFirstEventHelp } from '../project.js';

const results = document.getElementById('results');
const problemsBox = document.getElementById('problems');

function render() {
  const p = new Params();
  const mode = p.oneOf('mode', ['', 'new'], '');
  const problems = p.done();
  show(problemsBox, problems.length ? problemsNote(problems) : null);
  if (mode === 'new') {
    fill(results, async () => journeyEditor({
      saved: (j) => location.assign(`/journeys/${encodeURIComponent(j.id)}`),
      cancel: () => navigate({}),
    })).then(() => results.querySelector('input')?.focus());
    return;
  }
  fill(results, async () => {
    const { journeys } = await api.get('/api/v1/journeys');
    const create = h('button', { type: 'button', onclick: () => navigate({ mode: 'new' }) }, 'New journey');
    if (journeys.length === 0) {
      return [emptyNote('No journey is saved yet. Define the stages of one, such as lead, first email, reply and sale.'), create];
    }
    return [h('div', { class: 'actions' }, create), table({
      caption: 'Saved journeys', file: 'journeys', rows: journeys, columns: [
        { label: 'Journey', value: (j) => j.name, cell: (j) => h('a', { href: `/journeys/${encodeURIComponent(j.id)}` }, j.name) },
        { label: 'Stages', value: (j) => j.stages.map((s) => s.name).join(' → ') },
        { label: 'Window', value: (j) => j.window ?? '' },
        { label: 'Saved (UTC)', value: (j) => fmt.dateTime(j.updated) },
      ],
    })];
  }, 'Loading the journeys');
}

showFirstEventHelp().catch(() => {});
onState(render);
