// Building the page. Everything the data holds is untrusted (anyone with the
// public write key can send an event named "<img onerror=...>"), so text only
// ever goes in as text nodes and attributes as attribute values: nothing here
// parses HTML, and no module sets innerHTML.

// h makes an element: h('a', {href: '/people', class: 'x', onclick: fn}, 'text', child).
// Children may be strings, numbers, nodes, arrays of them, or null to skip.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) {
      el.addEventListener(name.slice(2), value);
    } else if (name === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (name === 'href' || name === 'src') {
      el.setAttribute(name, safeURL(value));
    } else if (name === 'style' || name === 'innerHTML' || name === 'srcdoc') {
      throw new Error(`h: ${name} is not allowed`); // CSP forbids inline styles; HTML never goes in
    } else if (name === 'value' || name === 'checked' || name === 'selected' || name === 'disabled') {
      el[name] = value;
    } else {
      el.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : String(c));
  }
}

// safeURL keeps links on this server or on the web: a URL from the data
// (a page's address, a referrer) could be "javascript:..." or a "data:"
// page. Only paths and http and https URLs pass.
export function safeURL(url) {
  const s = String(url);
  if (s.startsWith('/') && !s.startsWith('//')) return s;
  try {
    const u = new URL(s);
    if (u.protocol === 'http:' || u.protocol === 'https:') return u.href;
  } catch { /* not a URL */ }
  return '#';
}

// show replaces what an element holds.
export function show(el, ...children) {
  el.replaceChildren();
  append(el, children);
}

// personLink links to a person's profile.
export function personLink(id, text = id) {
  return h('a', { href: `/people/${encodeURIComponent(id)}`, class: 'person' }, text);
}

function loadingNote(what = 'Loading') {
  return h('p', { class: 'loading', role: 'status' }, `${what}…`);
}

export function errorNote(err) {
  const message = err instanceof Error ? err.message : String(err);
  return h('div', { class: 'error', role: 'alert' }, h('strong', {}, 'Could not load this: '), message);
}

export function emptyNote(...text) {
  return h('p', { class: 'empty' }, ...text);
}

// fill shows a loading note in el, then what work returns, or the error it
// throws: a panel is never blank. Work started by an earlier fill of the same
// element is abandoned, so a slow old answer cannot overwrite a newer one.
// The body's data-busy counts the fills under way and data-filled those
// done, so that tests and benchmarks can tell when a page has its numbers.
export async function fill(el, work, what) {
  const token = Symbol('fill');
  el.fillToken = token;
  show(el, loadingNote(what));
  el.setAttribute('aria-busy', 'true');
  count('busy', 1);
  try {
    const content = await work();
    if (el.fillToken === token) show(el, content);
  } catch (err) {
    if (el.fillToken === token && err?.name !== 'AbortError') show(el, errorNote(err));
  } finally {
    if (el.fillToken === token) el.removeAttribute('aria-busy');
    count('busy', -1);
    count('filled', 1);
  }
}

function count(name, delta) {
  document.body.dataset[name] = String(Number(document.body.dataset[name] ?? 0) + delta);
}

// showProblems shows in box what is wrong with the page's URL and, when
// anything is, empties results: it tells whether the page can go on.
export function showProblems(box, results, problems) {
  show(box, problems.length ? problemsNote(problems) : null);
  if (problems.length) show(results);
  return problems.length === 0;
}

// problemsNote lists what is wrong with a page's URL.
export function problemsNote(problems) {
  return h('div', { class: 'error', role: 'alert' },
    h('strong', {}, 'This address has a problem:'),
    h('ul', {}, problems.map((p) => h('li', {}, p))),
    h('p', {}, 'Fix it in the address bar or ', h('a', { href: location.pathname }, 'start over'), '.'));
}

// download saves data as a file. url is a blob: or data: URL the page made
// itself, so it is set as it is, not through h's check of data's URLs.
export function download(name, url) {
  const a = h('a', { download: name, class: 'hidden' });
  a.href = url;
  document.body.append(a);
  a.click();
  a.remove();
}

// main is the page's main element; its data-id is the page's {id}.
export const main = () => document.getElementById('main');

// figures shows headline numbers: [{label, value, note, change: {text, direction}, highlight}].
export function figures(items) {
  return h('dl', { class: 'figures' }, items.map((f) => h('div', { class: f.highlight ? 'figure highlight' : 'figure' },
    h('dt', {}, f.label),
    h('dd', {}, h('span', { class: 'value' }, f.value),
      f.change ? h('span', { class: `change ${f.change.direction}` }, f.change.text) : null,
      f.note ? h('span', { class: 'note' }, f.note) : null))));
}
