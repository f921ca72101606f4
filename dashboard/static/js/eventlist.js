// Lists of events as the API exports them (Segment messages with personId):
// the live stream, the events page and a person's timeline show them alike.
import { h, personLink, safeURL } from './dom.js';
import * as fmt from './format.js';
import { table } from './table.js';

// eventName is what an event is called: the track event, or the page or
// screen name, or its type for the calls that have neither.
function eventName(e) {
  return e.event ?? e.name ?? '';
}

// summary is the one line that says most about an event: a page's address,
// a purchase's revenue, the traits an identify sets.
function summary(e) {
  const p = e.properties ?? {};
  if (e.type === 'page' || e.type === 'screen') {
    const url = p.url ?? e.context?.page?.url;
    if (typeof url === 'string') return h('a', { href: safeURL(url), rel: 'noreferrer noopener', target: '_blank' }, p.path ?? url);
  }
  if (p.revenue !== undefined) return `revenue ${p.revenue}${p.currency ? ` ${p.currency}` : ''}`;
  if (e.type === 'identify' && e.traits) return Object.keys(e.traits).slice(0, 4).join(', ');
  if (e.type === 'group') return e.groupId ?? '';
  if (e.type === 'alias') return `${e.previousId} → ${e.userId}`;
  return Object.keys(p).slice(0, 4).join(', ');
}

// details shows the whole message, folded.
function details(e) {
  const { personId: _, ...message } = e;
  return h('details', { class: 'props' }, h('summary', {}, 'JSON'), h('pre', {}, JSON.stringify(message, null, 2)));
}

const columns = (withPerson) => [
  { label: 'Time (UTC)', value: (e) => e.timestamp, format: fmt.dateTime },
  { label: 'Type', value: (e) => e.type, cell: (e) => h('span', { class: 'event-type' }, e.type) },
  { label: 'Event', value: eventName },
  withPerson ? { label: 'Person', value: (e) => e.personId ?? '', cell: (e) => (e.personId ? personLink(e.personId) : '') } : null,
  { label: 'Summary', value: (e) => { const s = summary(e); return s instanceof Node ? s.textContent : s; }, cell: summary },
  { label: 'Message', value: (e) => e.messageId ?? '', cell: details },
].filter(Boolean);

// eventsTable shows events, newest first as given; its addRow adds one
// that arrives live, keeping at most limit.
export function eventsTable(events, { caption, file, withPerson = true, empty, limit }) {
  return table({ caption, file, rows: events, columns: columns(withPerson), empty, limit });
}

// pager steps through pages of events newest first: go(cursor) shows the
// page before cursor, or the newest with ''.
export function pager({ before, next, go }) {
  return h('p', { class: 'pager' },
    before ? h('button', { type: 'button', class: 'quiet', onclick: () => go('') }, '↑ Newest') : null,
    next ? h('button', { type: 'button', class: 'quiet', onclick: () => go(next) }, 'Older ↓') : null);
}
