// The live stream of new events (Server-Sent Events from
// /api/v1/events/live), shown as a table that grows at the top.
import { h } from './dom.js';
import { eventsTable } from './eventlist.js';

// livePanel shows new events as they are stored, optionally of one type or
// name or matching conditions (where). It keeps the newest limit of them;
// pausing stops the stream.
export function livePanel({ title = 'Live', type = '', name = '', where = [], limit = 25 } = {}) {
  const dot = h('span', { class: 'live-dot', 'aria-hidden': 'true' });
  const status = h('span', { class: 'live-status', role: 'status' }, 'Connecting…');
  const list = eventsTable([], { caption: 'Events as they arrive', file: 'live-events', limit,
    empty: 'Waiting for new events. They show here within two seconds of being stored.' });
  let source = null;
  const setStatus = (text, on) => {
    status.textContent = text;
    dot.classList.toggle('on', on);
  };
  const start = () => {
    const url = new URL('/api/v1/events/live', location.origin);
    if (type) url.searchParams.set('type', type);
    if (name) url.searchParams.set('name', name);
    if (where.length) url.searchParams.set('where', JSON.stringify(where));
    source = new EventSource(url);
    source.addEventListener('open', () => setStatus('Live', true));
    source.addEventListener('message', (m) => {
      let e;
      try {
        e = JSON.parse(m.data);
      } catch {
        return; // not an event: nothing to show
      }
      list.addRow(e);
    });
    // Both a dropped connection and the server's "event: error" (a failing
    // store, whose data says why) arrive as "error"; the browser reconnects
    // unless the server refused the stream.
    source.addEventListener('error', (ev) => {
      let why = '';
      try {
        why = ev.data ? `${JSON.parse(ev.data).error}: ` : '';
      } catch { /* not the server's message */ }
      if (source.readyState === EventSource.CLOSED) setStatus(`${why}stopped; reload the page to reconnect`, false);
      else setStatus(`${why}reconnecting…`, false);
    });
  };
  const stop = () => {
    source?.close();
    source = null;
    setStatus('Paused', false);
  };
  const pause = h('button', { type: 'button', class: 'quiet', 'aria-pressed': 'false', onclick: () => {
    if (source) {
      stop();
      pause.textContent = 'Resume';
      pause.setAttribute('aria-pressed', 'true');
    } else {
      start();
      pause.textContent = 'Pause';
      pause.setAttribute('aria-pressed', 'false');
    }
  } }, 'Pause');
  start();
  const el = h('section', { class: 'live', 'aria-label': title }, h('header', {}, dot, h('h2', {}, title), status, pause), list);
  el.stop = stop;
  return el;
}
