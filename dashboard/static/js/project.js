// What the pages share to know about the project: its event names (for
// autocomplete), whether it has any events, and the last day with data,
// which date presets count back from (the demo's data ends in the past).
import * as api from './api.js';
import { h, main } from './dom.js';

let schema;

// eventSchema is the project's (type, name) pairs, most events first, fetched
// once per page.
function eventSchema() {
  schema ??= api.get('/api/v1/schema/events').then((r) => r.events ?? []);
  return schema;
}

// dataEnd is the time of the latest event, or now for an empty project.
export async function dataEnd() {
  const events = await eventSchema();
  let latest = 0;
  for (const e of events) latest = Math.max(latest, Date.parse(e.lastSeen) || 0);
  return latest ? new Date(latest) : new Date();
}

// showFirstEventHelp puts the explanation of how to send a first event at
// the top of the page when the project has none, and tells whether it did.
export async function showFirstEventHelp() {
  const events = await eventSchema();
  if (events.length > 0) return false;
  const tpl = document.getElementById('first-event');
  const existing = document.querySelector('.first-event');
  if (tpl && !existing) main().prepend(tpl.content.cloneNode(true));
  return true;
}

// names are the distinct event names, for a datalist.
export async function eventNames() {
  const events = await eventSchema();
  return [...new Set(events.map((e) => e.name).filter(Boolean))];
}

// datalist makes a <datalist> with the options, for inputs' list attribute.
export function datalist(id, values) {
  const existing = document.getElementById(id);
  const list = existing ?? h('datalist', { id });
  list.replaceChildren(...values.map((v) => h('option', { value: v })));
  if (!existing) document.body.append(list);
  return list;
}
