// Small SVG and HTML charts for the dashboard. Labels from data are text nodes only.
import { h, s, replace, traceHref } from './dom.js';
import * as fmt from './format.js';

export const palette = ['#0078d4', '#8764b8', '#038387', '#ca5010', '#498205', '#c239b3', '#986f0b', '#4f6bed', '#e43ba6', '#00b7c3'];
const maxSeries = 8;

/** Marks a chart's card with whether it has data (tests and people both read it). */
export function setState(card, hasData) {
  card.dataset.state = hasData ? 'data' : 'empty';
}

export function emptyChart(container, message = 'No data in this period.') {
  replace(container, h('p', { class: 'empty', text: message }));
}

/**
 * Stacked columns: one per bucket (x), one segment per series. rows: [{x, key, value}].
 * The largest series keep their own colour; the rest are summed as "other".
 */
export function stackedColumns(container, rows, { xLabel, valueLabel, seriesLabel }) {
  if (!rows.length) return emptyChart(container);
  const totals = new Map();
  for (const r of rows) totals.set(r.key, (totals.get(r.key) ?? 0) + r.value);
  const ranked = [...totals.entries()].sort((a, b) => b[1] - a[1]).map(([k]) => k);
  const kept = ranked.slice(0, maxSeries);
  const series = ranked.length > maxSeries ? [...kept, '(other)'] : kept;
  const seriesOf = key => kept.includes(key) ? key : '(other)';

  const xs = [...new Set(rows.map(r => r.x))].sort();
  const stacks = new Map(xs.map(x => [x, new Map()]));
  for (const r of rows) {
    const stack = stacks.get(r.x);
    const k = seriesOf(r.key);
    stack.set(k, (stack.get(k) ?? 0) + r.value);
  }
  const max = Math.max(...[...stacks.values()].map(st => [...st.values()].reduce((a, b) => a + b, 0)), 1e-12);

  // Drawn at the container's pixel width so text keeps its size at any width.
  const width = Math.max(320, Math.round(container.clientWidth || 800)), height = 200, left = 64, bottom = 24, top = 8;
  const plotW = width - left - 8, plotH = height - top - bottom;
  const band = plotW / xs.length;
  const barW = Math.min(48, band * 0.7);
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-label': `${valueLabel} by ${xLabel}` });
  for (const fraction of [0, 0.5, 1]) {
    const y = top + plotH * (1 - fraction);
    svg.append(s('line', { class: fraction === 0 ? 'axis' : 'grid-line', x1: left, x2: width - 8, y1: y, y2: y }));
    svg.append(s('text', { x: left - 6, y: y + 4, 'text-anchor': 'end', text: valueLabel(max * fraction) }));
  }
  xs.forEach((x, i) => {
    const cx = left + band * i + band / 2;
    let y = top + plotH;
    for (const name of series) {
      const value = stacks.get(x).get(name) ?? 0;
      if (value <= 0) continue;
      const barH = (value / max) * plotH;
      y -= barH;
      svg.append(s('rect', { x: cx - barW / 2, y, width: barW, height: Math.max(barH, 0.5), fill: palette[series.indexOf(name) % palette.length] },
        s('title', { text: `${seriesLabel(name)} · ${xLabel(x)}: ${valueLabel(value)}` })));
    }
    if (xs.length <= 16 || i % Math.ceil(xs.length / 16) === 0) {
      svg.append(s('text', { x: cx, y: height - 6, 'text-anchor': 'middle', text: xLabel(x) }));
    }
  });
  replace(container, svg, legend(series.map((name, i) => [seriesLabel(name), palette[i % palette.length]])));
}

function legend(entries) {
  return h('div', { class: 'legend' }, entries.map(([label, colour]) => {
    const swatch = h('span', { class: 'swatch' });
    swatch.style.background = colour;
    return h('span', {}, swatch, label);
  }));
}

/** Horizontal bars: items [{key, value, text}], scaled to the largest (or to scaleMax). */
export function horizontalBars(container, items, { scaleMax, colour } = {}) {
  if (!items.length) return emptyChart(container);
  const max = scaleMax ?? Math.max(...items.map(i => i.value), 1e-12);
  replace(container, h('div', { class: 'hbars' }, items.map(item => {
    const fill = h('div', { class: 'fill' });
    fill.style.width = `${Math.min(100, (item.value / max) * 100)}%`;
    if (colour) fill.style.background = colour;
    return [h('span', { class: 'key', text: item.key, title: item.key }), h('div', { class: 'track' }, fill), h('span', { class: 'val', text: item.text })];
  })));
}

/** Latency and TTFT percentiles per model as a table with the p99 scale shared by the row. */
export function latencyTable(container, models) {
  if (!models.length) return emptyChart(container);
  const cell = value => h('td', { class: 'num', text: fmt.ms(value) });
  replace(container, h('table', { class: 'grid' },
    h('thead', {}, h('tr', {},
      h('th', { text: 'Model' }), h('th', { class: 'num', text: 'Calls' }),
      h('th', { class: 'num', text: 'Latency p50' }), h('th', { class: 'num', text: 'p95' }), h('th', { class: 'num', text: 'p99' }),
      h('th', { class: 'num', text: 'TTFT p50' }), h('th', { class: 'num', text: 'p95' }), h('th', { class: 'num', text: 'p99' }))),
    h('tbody', {}, models.map(m => h('tr', {},
      h('td', { text: m.model ?? '(unknown)' }), h('td', { class: 'num', text: fmt.tokens(m.calls) }),
      cell(m.latencyMs.p50), cell(m.latencyMs.p95), cell(m.latencyMs.p99),
      cell(m.timeToFirstTokenMs.p50), cell(m.timeToFirstTokenMs.p95), cell(m.timeToFirstTokenMs.p99))))));
}

/** The most expensive calls, each linking to its span in its trace. */
export function callTable(container, calls) {
  if (!calls.length) return emptyChart(container);
  replace(container, h('table', { class: 'grid' },
    h('thead', {}, h('tr', {},
      h('th', { text: 'Start' }), h('th', { text: 'Call' }), h('th', { text: 'Model' }), h('th', { text: 'Feature' }), h('th', { text: 'User' }),
      h('th', { class: 'num', text: 'Tokens in / out' }), h('th', { class: 'num', text: 'Latency' }), h('th', { class: 'num', text: 'Cost' }))),
    h('tbody', {}, calls.map(c => h('tr', {},
      h('td', { text: fmt.time(c.startTime) }),
      h('td', { class: 'name' }, h('a', { href: traceHref(c.traceId, c.spanId), text: c.name })),
      h('td', { text: c.model ?? '–' }), h('td', { text: c.feature ?? '–' }), h('td', { text: fmt.user(c.user), title: c.user }),
      h('td', { class: 'num', text: `${fmt.tokens(c.inputTokens)} / ${fmt.tokens(c.outputTokens)}` }),
      h('td', { class: 'num', text: fmt.ms(c.durationMs) }),
      h('td', { class: 'num', text: fmt.cost(c.costUsd) }))))));
}

/**
 * Lines over time, one per series: rows [{x, key, value}] (null values leave a gap). The y axis starts at 0 and
 * ends at yMax (or the largest value). Points carry a tooltip with the exact value.
 */
export function lineChart(container, rows, { xLabel, valueLabel, seriesLabel, yMax, tooltip }) {
  const points = rows.filter(r => typeof r.value === 'number');
  if (!points.length) return emptyChart(container);
  const counts = new Map();
  for (const r of points) counts.set(r.key, (counts.get(r.key) ?? 0) + 1);
  const series = [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, maxSeries).map(([k]) => k).sort();
  const xs = [...new Set(points.map(r => r.x))].sort();
  const max = Math.max(yMax ?? 0, ...points.map(r => r.value), 1e-12);

  const width = Math.max(320, Math.round(container.clientWidth || 800)), height = 200, left = 64, right = 16, bottom = 24, top = 8;
  const plotW = width - left - right, plotH = height - top - bottom;
  const xAt = i => left + (xs.length === 1 ? plotW / 2 : (plotW * i) / (xs.length - 1));
  const yAt = v => top + plotH * (1 - v / max);
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-label': 'Quality over time' });
  for (const fraction of [0, 0.5, 1]) {
    const y = top + plotH * (1 - fraction);
    svg.append(s('line', { class: fraction === 0 ? 'axis' : 'grid-line', x1: left, x2: width - right, y1: y, y2: y }));
    svg.append(s('text', { x: left - 6, y: y + 4, 'text-anchor': 'end', text: valueLabel(max * fraction) }));
  }
  const step = Math.ceil(xs.length / 12);
  xs.forEach((x, i) => {
    if (i % step === 0) svg.append(s('text', { x: xAt(i), y: height - 6, 'text-anchor': 'middle', text: xLabel(x) }));
  });
  series.forEach((name, index) => {
    const colour = palette[index % palette.length];
    const byX = new Map(points.filter(r => r.key === name).map(r => [r.x, r]));
    // A gap where a bucket has no score: each run of consecutive buckets is its own path.
    let d = '';
    let drawing = false;
    xs.forEach((x, i) => {
      const r = byX.get(x);
      if (!r) { drawing = false; return; }
      d += `${drawing ? 'L' : 'M'}${xAt(i).toFixed(1)},${yAt(r.value).toFixed(1)} `;
      drawing = true;
    });
    svg.append(s('path', { class: 'series-line', d: d.trim(), stroke: colour }));
    xs.forEach((x, i) => {
      const r = byX.get(x);
      if (!r) return;
      svg.append(s('circle', { cx: xAt(i), cy: yAt(r.value), r: 3.5, fill: colour },
        s('title', { text: tooltip ? tooltip(r) : `${seriesLabel(name)} · ${xLabel(x)}: ${valueLabel(r.value)}` })));
    });
  });
  replace(container, svg, legend(series.map((name, i) => [seriesLabel(name), palette[i % palette.length]])));
}
