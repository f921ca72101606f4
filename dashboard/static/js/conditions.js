// Conditions on fields ({field, op, value}), as reports take them, edited as
// rows of field, operator and value, with the fields and values the data
// holds offered as you type.
import * as api from './api.js';
import { h } from './dom.js';
import { datalist } from './project.js';

const operators = [
  ['=', 'is'], ['!=', 'is not'], ['contains', 'contains'], ['not_contains', 'does not contain'],
  ['regex', 'matches regex'], ['in', 'is one of'], ['not_in', 'is none of'],
  ['>', '>'], ['>=', '≥'], ['<', '<'], ['<=', '≤'], ['is_set', 'is set'], ['is_not_set', 'is not set'],
];
const opCodes = operators.map(([op]) => op);
const listOps = ['in', 'not_in'];
const unaryOps = ['is_set', 'is_not_set'];

// The stored columns (docs/reports.md), for when the schema API cannot say.
const columns = ['name', 'type', 'url', 'host', 'path', 'title', 'referrer', 'referrer_host', 'utm_source', 'utm_medium',
  'utm_campaign', 'utm_term', 'utm_content', 'click_id', 'channel', 'browser', 'os', 'device_type', 'country', 'region',
  'city', 'currency'];

// checkCondition says what is wrong with a condition read from a URL.
export function checkCondition(c) {
  if (typeof c !== 'object' || c === null || Array.isArray(c)) return 'want {"field":…,"op":…,"value":…}';
  if (typeof c.field !== 'string' || c.field === '') return 'a condition needs a field';
  if (!opCodes.includes(c.op)) return `unknown operator ${JSON.stringify(c.op)}`;
  if (listOps.includes(c.op) && !Array.isArray(c.values)) return `${c.op} needs "values": [...]`;
  return '';
}

let fieldsOnce;
// knownFields are the fields any event can be filtered on: columns,
// acquisition fields and person traits.
function knownFields() {
  fieldsOnce ??= Promise.all([
    api.get('/api/v1/schema/fields').then((r) => r.fields.map((f) => f.field), () => columns),
    api.get('/api/v1/schema/traits').then((r) => r.traits.flatMap((t) => [`person.${t.key}`, `traits.${t.key}`]), () => []),
  ]).then(([f, t]) => [...f, ...t]);
  return fieldsOnce;
}

async function fieldsFor(event) {
  const props = await api.get('/api/v1/schema/properties', { event }).then(
    (r) => r.properties.map((p) => `properties.${p.key}`), () => []);
  return [...props, ...(await knownFields())];
}

let rowIDs = 0;

// conditionsEditor edits a list of conditions. event() names the event the
// conditions narrow, if any, for the keys and values offered.
export function conditionsEditor({ conditions = [], event = () => '', label = 'Conditions' }) {
  const rows = h('div', { class: 'conditions' });
  const add = h('button', { type: 'button', class: 'quiet', onclick: () => rows.append(row({ field: '', op: '=', value: '' }, true)) }, '+ Condition');

  const row = (c, focus = false) => {
    const id = ++rowIDs;
    const field = h('input', { type: 'text', class: 'field', value: c.field, list: `fields-${id}`, placeholder: 'field, such as properties.plan',
      'aria-label': 'Field', autocomplete: 'off' });
    const op = h('select', { 'aria-label': 'Operator' }, operators.map(([code, text]) => h('option', { value: code, selected: code === c.op }, text)));
    const value = h('input', { type: 'text', class: 'value', value: c.values ? c.values.join(', ') : (c.value ?? ''),
      list: `values-${id}`, 'aria-label': 'Value', autocomplete: 'off' });
    const syncOp = () => {
      value.hidden = unaryOps.includes(op.value);
      value.placeholder = listOps.includes(op.value) ? 'values, separated by commas' : 'value';
    };
    op.addEventListener('change', syncOp);
    syncOp();
    field.addEventListener('focus', async () => datalist(`fields-${id}`, await fieldsFor(event())));
    let timer;
    const suggest = () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        if (!field.value) return;
        const r = await api.get('/api/v1/schema/values', { field: field.value, event: event(), q: value.value, limit: 20 })
          .catch(() => ({ values: [] }));
        datalist(`values-${id}`, r.values.map((v) => v.value));
      }, 150);
    };
    value.addEventListener('focus', suggest);
    value.addEventListener('input', suggest);
    const remove = h('button', { type: 'button', class: 'quiet remove', 'aria-label': 'Remove condition', onclick: () => el.remove() }, '×');
    const el = h('div', { class: 'condition' }, field, op, value, remove);
    el.read = () => {
      const cond = { field: field.value.trim(), op: op.value };
      if (listOps.includes(op.value)) cond.values = value.value.split(',').map((v) => v.trim()).filter(Boolean);
      else if (!unaryOps.includes(op.value)) cond.value = value.value;
      return cond;
    };
    if (focus) queueMicrotask(() => field.focus());
    return el;
  };

  conditions.forEach((c) => rows.append(row(c)));
  const el = h('div', { class: 'conditions-editor', role: 'group', 'aria-label': label }, rows, add);
  // read returns the conditions with a field.
  el.read = () => [...rows.children].map((r) => r.read()).filter((c) => c.field !== '');
  return el;
}
