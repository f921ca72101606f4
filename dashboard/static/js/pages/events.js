// /events: the latest events, newest first, filtered by type, name and
// conditions (where, repeated JSON), a page at a time (before); new events
// that match show live at the top while the newest page is shown.
import * as api from '../api.js';
import { h, show, fill, showProblems } from '../dom.js';
import { Params, navigate, onState } from '../state.js';
import { eventsTable, pager } from '../eventlist.js';
import { livePanel } from '../live.js';
import { conditionsEditor, checkCondition } from '../conditions.js';
import { datalist, eventNames, showFirstEventHelp } from '../project.js';

const types = ['', 'track', 'page', 'screen', 'identify', 'group', 'alias'];
const form = document.getElementById('events-filter');
const results = document.getElementById('results');
const problemsBox = document.getElementById('problems');
const liveBox = document.getElementById('live');
let where = conditionsEditor({ event: () => form.name.value, label: 'Conditions' });
document.getElementById('where').append(where);
let state = {};
let live = null;
let liveKey = null;

function read() {
  const p = new Params();
  const s = {
    type: p.oneOf('type', types, ''), name: p.string('name'),
    where: p.jsonList('where', checkCondition), before: p.string('before'),
  };
  return { s, problems: p.done() };
}

const urlState = (s) => ({ type: s.type, name: s.name, where: s.where.map((c) => JSON.stringify(c)), before: s.before });

form.addEventListener('submit', (e) => {
  e.preventDefault();
  navigate(urlState({ type: form.type.value, name: form.name.value.trim(), where: where.read(), before: '' }));
});

// showLive keeps a live stream of the events the filter asks for, while
// the newest page is shown.
function showLive(s) {
  const personField = s.where.some((c) => c.field.startsWith('person.'));
  const key = s.before || personField ? '' : JSON.stringify([s.type, s.name, s.where]);
  if (key === liveKey) return;
  liveKey = key;
  live?.stop();
  live = key ? livePanel({ title: 'Live', type: s.type, name: s.name, where: s.where }) : null;
  show(liveBox, live ?? h('p', { class: 'hint' }, personField
    ? 'The live stream is off while a condition reads person.* fields: it cannot filter by them.'
    : 'The live stream is off while an older page is shown.'));
}

function render() {
  const { s, problems } = read();
  state = s;
  form.type.value = s.type;
  form.name.value = s.name;
  if (JSON.stringify(where.read()) !== JSON.stringify(s.where)) {
    const fresh = conditionsEditor({ conditions: s.where, event: () => form.name.value, label: 'Conditions' });
    where.replaceWith(fresh);
    where = fresh;
  }
  if (!showProblems(problemsBox, results, problems)) return;
  showLive(s);
  fill(results, async () => {
    const r = await api.get('/api/v1/events', {
      order: 'newest', limit: 50, type: s.type, name: s.name, before: s.before,
      where: s.where.length ? JSON.stringify(s.where) : undefined,
    });
    // With conditions, a page reads a bounded number of events: it can hold
    // none that match and still lead further back.
    const empty = r.next ? 'None of the events read for this page match; “Older” reads further back.' : 'No events match.';
    return [eventsTable(r.events, { caption: s.before ? 'Older events' : 'Latest events', file: 'events', empty }),
      pager({ before: s.before, next: r.next, go: (before) => navigate(urlState({ ...state, before })) })];
  }, 'Loading events');
}

eventNames().then((names) => datalist('event-names', names), () => {});
showFirstEventHelp().catch(() => {});
onState(render);
