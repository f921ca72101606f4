// Tables, each with a CSV export of exactly the rows it shows. A chart's
// numbers are shown in a table beside it too, for screen readers and for
// copying.
import { h, download } from './dom.js';

// table makes a table. columns: [{label, value: row => raw value (for CSV),
// cell: row => text or node (defaults to format(value)), format: value =>
// text, numeric: true}]. rows: the data. The element's addRow(row) adds a
// row at the top, as live data arrives, and to the CSV too.
export function table({ caption, columns, rows, file, empty = 'Nothing to show.', limit = Infinity }) {
  rows = [...rows];
  const head = h('tr', {}, columns.map((c) => h('th', { scope: 'col', class: c.numeric ? 'num' : null }, c.label)));
  const emptyRow = h('tr', {}, h('td', { colspan: columns.length, class: 'empty' }, empty));
  const tbody = h('tbody', {}, rows.length ? rows.map((r) => tableRow(columns, r)) : emptyRow);
  const csvButton = h('button', {
    type: 'button', class: 'quiet export', 'aria-label': `Download ${caption} as CSV`,
    onclick: () => download(`${file}.csv`, URL.createObjectURL(new Blob([csv(columns, rows)], { type: 'text/csv;charset=utf-8' }))),
  }, 'CSV');
  const el = h('div', { class: 'table-wrap', dataset: { table: file } },
    h('table', {},
      h('caption', {}, h('div', { class: 'caption' }, h('span', {}, caption), csvButton)),
      h('thead', {}, head),
      tbody));
  el.addRow = (row) => {
    if (rows.length === 0) emptyRow.remove();
    rows.unshift(row);
    const tr = tableRow(columns, row);
    tr.classList.add('new');
    tbody.prepend(tr);
    while (rows.length > limit) {
      rows.pop();
      tbody.lastElementChild.remove();
    }
  };
  return el;
}

// tableRow makes the row of r: the first column heads the row, unless it
// is a number.
function tableRow(columns, r) {
  return h('tr', {}, columns.map((c, i) => {
    const v = c.value(r);
    const content = c.cell ? c.cell(r) : (c.format ? c.format(v) : v);
    const attrs = { class: c.numeric ? 'num' : null };
    return i === 0 && !c.numeric ? h('th', { scope: 'row', ...attrs }, content) : h('td', attrs, content);
  }));
}

// folded puts a chart's table under a summary line, open on request: the
// chart shows the same numbers.
export function folded(tableEl) {
  return h('details', { class: 'chart-table' }, h('summary', {}, 'Show as a table'), tableEl);
}

// csv writes the rows with their raw values. A text cell that a spreadsheet
// would take for a formula (=, +, -, @) gets a leading apostrophe: the data
// is untrusted.
function csv(columns, rows) {
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
