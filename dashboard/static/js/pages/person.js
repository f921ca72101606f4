// /people/{id}: a person's profile (every merged id, traits, first and last
// seen, first-touch channel and campaign) and their complete timeline across
// devices, newest first, a page at a time (before: the cursor of the page;
// type and name filter it).
import * as api from '../api.js';
import { h, show, fill, main, problemsNote, figures } from '../dom.js';
import * as fmt from '../format.js';
import { Params, navigate, onState } from '../state.js';
import { eventsTable, pager } from '../eventlist.js';
import { datalist, eventNames } from '../project.js';

const id = main().dataset.id;
const profile = document.getElementById('profile');
const events = document.getElementById('events');
const problemsBox = document.getElementById('problems');
const filter = document.getElementById('timeline-filter');
const pageSize = 50;
let state = {};

filter.addEventListener('submit', (e) => {
  e.preventDefault();
  navigate({ type: filter.type.value, name: filter.name.value.trim() });
});

// keyValues shows an object's members as a list, values as JSON unless text.
function keyValues(obj, label) {
  const entries = Object.entries(obj ?? {}).filter(([, v]) => v !== '' && v !== null);
  if (entries.length === 0) return h('p', { class: 'empty' }, 'None.');
  return h('dl', { class: 'kv', 'aria-label': label }, entries.map(([k, v]) => [
    h('dt', {}, k), h('dd', {}, typeof v === 'string' ? v : JSON.stringify(v))]));
}

async function showProfile() {
  await fill(profile, async () => {
    const p = await api.get(api.path('persons', id));
    const traits = p.traits ?? {};
    const title = traits.name || [traits.firstName, traits.lastName].filter(Boolean).join(' ') || traits.email || p.id;
    document.getElementById('person-name').textContent = title;
    document.title = `${title} · Waymark`;
    const a = p.acquisition ?? {};
    return [
      figures([
        { label: 'First seen (UTC)', value: fmt.dateTime(p.firstSeen) },
        { label: 'Last seen (UTC)', value: fmt.dateTime(p.lastSeen) },
        { label: 'First-touch channel', value: a.channel || '–' },
        { label: 'First-touch campaign', value: a.utm_campaign || '–', note: a.utm_source ? `source ${a.utm_source}` : null },
      ]),
      h('div', { class: 'grid-2' },
        h('section', { class: 'panel' }, h('h2', {}, 'Ids'),
          h('p', { class: 'hint' }, 'Every id merged into this person, from all their devices.'),
          h('ul', { class: 'ids' }, (p.ids ?? [p.id]).map((x) => h('li', {}, x)))),
        h('section', { class: 'panel' }, h('h2', {}, 'Traits'), keyValues(traits, 'Traits'))),
      h('section', { class: 'panel' }, h('h2', {}, 'Acquisition'), h('p', { class: 'hint' }, 'Where their first event came from.'),
        keyValues(a, 'Acquisition')),
    ];
  }, 'Loading the profile');
}

function render() {
  const p = new Params();
  const s = { before: p.string('before'), type: p.oneOf('type', ['', 'track', 'page', 'screen', 'identify', 'group', 'alias'], ''), name: p.string('name') };
  const problems = p.done();
  state = s;
  filter.type.value = s.type;
  filter.name.value = s.name;
  show(problemsBox, problems.length ? problemsNote(problems) : null);
  if (problems.length) {
    show(events);
    return;
  }
  fill(events, async () => {
    const r = await api.get(`${api.path('persons', id)}/events`, { limit: pageSize, before: s.before, type: s.type, name: s.name });
    return [eventsTable(r.events, { caption: s.before ? 'Older events' : 'Latest events', file: 'timeline', withPerson: false,
      empty: 'No events.' }), pager({ before: s.before, next: r.next, go: (before) => navigate({ ...state, before }) })];
  }, 'Loading the timeline');
}

eventNames().then((names) => datalist('event-names', names), () => {});
showProfile();
onState(render);
