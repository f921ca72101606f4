// Charts, drawn by Apache ECharts on a canvas, each with a PNG export.
// Labels drawn on the canvas are text, never HTML; tooltips, which ECharts
// would render as HTML from a string, are built here as DOM with text nodes,
// so a name from the data cannot become markup.
import * as echarts from '../vendor/echarts/echarts.esm.min.mjs';
import { h, download } from './dom.js';

export const colors = {
  primary: '#1f4fbf',
  secondary: '#e07b00',
  muted: '#9aa3b5',
  waiting: '#f2b33d',
  bad: '#c62828',
  good: '#2e7d32',
  text: '#1d2433',
  grid: '#e3e7ef',
};

echarts.registerTheme('waymark', {
  color: [colors.primary, colors.secondary, '#2a9d8f', '#8e44ad', '#d1495b', '#5c6b73', '#edae49', '#00798c'],
  textStyle: { fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif', color: colors.text },
});

// chart adds a figure with a chart to parent and returns the figure. file
// names the PNG export; onClick, if set, gets ECharts' click events. The
// chart is drawn once the figure is in the page and has a size, and redrawn
// when its size changes.
export function chart(parent, { title, file, option, tall = false, onClick = null }) {
  const canvas = h('div', { class: tall ? 'chart-canvas tall' : 'chart-canvas', role: 'img', 'aria-label': title });
  let instance = null;
  const png = h('button', {
    type: 'button', class: 'quiet export', 'aria-label': `Download ${title} as PNG`,
    onclick: () => instance && download(`${file}.png`, instance.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: '#fff' })),
  }, 'PNG');
  const figure = h('figure', { class: 'chart', dataset: { chart: file } }, h('figcaption', {}, h('span', {}, title), png), canvas);
  parent.append(figure);
  // ECharts' own tooltip text is HTML with inline styles, which the
  // Content-Security-Policy refuses: a chart shows tooltips only with a
  // formatter that builds them with tip.
  const tooltip = option.tooltip?.formatter ? { confine: true, className: 'chart-tooltip', ...option.tooltip } : { show: false };
  new ResizeObserver(() => {
    if (canvas.clientWidth === 0) return;
    if (instance) {
      instance.resize();
      return;
    }
    instance = echarts.init(canvas, 'waymark', { renderer: 'canvas' });
    instance.setOption({ animationDuration: 300, ...option, tooltip });
    if (onClick) instance.on('click', onClick);
    figure.dataset.drawn = 'true';
  }).observe(canvas);
  return figure;
}

// tip builds a tooltip: a title and label–value rows, as text.
export function tip(title, rows) {
  return h('div', { class: 'tip' },
    h('strong', {}, title),
    rows.map(([label, value]) => h('div', { class: 'tip-row' }, h('span', {}, label), h('span', { class: 'num' }, value))));
}

// axisLabel shortens long names on an axis; the full name is in the tooltip
// and the table.
export function shorten(s, max = 22) {
  const t = String(s);
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}
