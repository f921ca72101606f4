// A page's whole state lives in its query string, so a link shows the same
// report, a reload keeps it, and the back button steps through it. Pages read
// it with Params, which collects what it cannot use as problems for the page
// to show: a wrong parameter is reported, not replaced by a default.

const datePattern = /^\d{4}-\d{2}-\d{2}$/;
const durationPattern = /^\d+(\.\d+)?(mo|ms|s|m|h|d|w)?$/;

export class Params {
  constructor(search = location.search) {
    this.values = new URLSearchParams(search);
    this.known = new Set();
    this.problems = [];
  }

  has(name) {
    this.known.add(name);
    return this.values.has(name);
  }

  // string is the parameter's value, or def when it is absent.
  string(name, def = '') {
    this.known.add(name);
    return this.values.get(name) ?? def;
  }

  list(name) {
    this.known.add(name);
    return this.values.getAll(name);
  }

  oneOf(name, choices, def) {
    const v = this.string(name, def);
    if (!choices.includes(v)) {
      this.problems.push(`${name}=${v}: use ${choices.map((c) => c || '(empty)').join(', ')}`);
      return def;
    }
    return v;
  }

  // date is a day (2026-09-01) or an RFC 3339 time, as the API takes them.
  date(name) {
    const v = this.string(name);
    if (v === '') return '';
    if ((datePattern.test(v) || v.includes('T')) && !Number.isNaN(Date.parse(v))) return v;
    this.problems.push(`${name}=${v}: not a date; use YYYY-MM-DD`);
    return '';
  }

  int(name, def, min = 0, max = Number.MAX_SAFE_INTEGER) {
    const v = this.string(name);
    if (v === '') return def;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) {
      this.problems.push(`${name}=${v}: use a whole number from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ''}`);
      return def;
    }
    return n;
  }

  duration(name, def = '') {
    const v = this.string(name, def);
    if (v === '' || durationPattern.test(v)) return v;
    this.problems.push(`${name}=${v}: not a duration; use a number with s, m, h, d, w or mo, such as 7d`);
    return def;
  }

  // json parses each value of a repeated parameter as JSON; check says what
  // is wrong with a parsed value, or nothing.
  jsonList(name, check) {
    const out = [];
    for (const v of this.list(name)) {
      let parsed;
      try {
        parsed = JSON.parse(v);
      } catch {
        this.problems.push(`${name}=${v}: not JSON`);
        continue;
      }
      const problem = check(parsed);
      if (problem) this.problems.push(`${name}=${v}: ${problem}`);
      else out.push(parsed);
    }
    return out;
  }

  // done reports the parameters nobody asked for, and returns every problem.
  done() {
    for (const name of new Set(this.values.keys())) {
      if (!this.known.has(name)) this.problems.push(`unknown parameter "${name}"`);
    }
    return this.problems;
  }
}

// query builds a query string from a state object, leaving out empty values;
// arrays repeat their parameter.
export function query(state) {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(state)) {
    if (Array.isArray(v)) v.forEach((x) => sp.append(k, x));
    else if (v !== undefined && v !== null && v !== '' && v !== false) sp.set(k, v);
  }
  const s = sp.toString();
  return s ? `?${s}` : '';
}

// navigate records a new state of this page in the history and tells the
// page; with replace, the current entry changes instead (for corrections
// that should not be a step of their own).
export function navigate(state, { replace = false, path = location.pathname } = {}) {
  const url = path + query(state);
  if (url === location.pathname + location.search) return;
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  dispatchEvent(new Event('waymark:state'));
}

// onState runs render now and whenever the state changes: by navigate, or
// by the back and forward buttons.
export function onState(render) {
  addEventListener('popstate', render);
  addEventListener('waymark:state', render);
  render();
}
