// Tables, each with a CSV export of exactly the rows it shows. A chart's
// numbers are shown in a table beside it too, for screen readers and for
// copying.
import { h, download } from './dom.js';

// table makes a table. columns: [{label, value: row => raw value (for CSV
// and sorting), cell: row => text or node (defaults to format(value)),
// format: value => text, numeric: true}]. rows: the data.
export function table({ caption, columns, rows, file, empty = 'Nothing to show.', captionExtra }) {
  const head = h('tr', {}, columns.map((c) => h('th', { scope: 'col', class: c.numeric ? 'num' : null }, c.label)));
  const body = rows.map((row) => h('tr', {}, columns.map((c, i) => {
    const v = c.value(row);
    const content = c.cell ? c.cell(row) : (c.format ? c.format(v) : v);
    const attrs = { class: c.numeric ? 'num' : null };
    return i === 0 && !c.numeric ? h('th', { scope: 'row', ...attrs }, content) : h('td', attrs, content);
  })));
  const csvButton = h('button', {
    type: 'button', class: 'quiet export',
    onclick: () => download(`${file}.csv`, URL.createObjectURL(new Blob([csv(columns, rows)], { type: 'text/csv;charset=utf-8' }))),
  }, 'CSV');
  csvButton.setAttribute('aria-label', `Download ${caption} as CSV`);
  return h('div', { class: 'table-wrap' },
    h('table', {},
      h('caption', {}, h('div', { class: 'caption' }, h('span', {}, caption), captionExtra, csvButton)),
      h('thead', {}, head),
      h('tbody', {}, body.length ? body : h('tr', {}, h('td', { colspan: columns.length, class: 'empty' }, empty)))));
}

// csv writes the rows with their raw values. A text cell that a spreadsheet
// would take for a formula (=, +, -, @) gets a leading apostrophe: the data
// is untrusted.
export function csv(columns, rows) {
  const line = (cells) => cells.map(csvCell).join(',');
  return [line(columns.map((c) => c.label)), ...rows.map((r) => line(columns.map((c) => c.value(r))))].join('\r\n') + '\r\n';
}

function csvCell(v) {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return String(v);
  let s = String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}
