// Annotations (quality scores, labels, explanations) of a trace and its spans, from /api/annotations.
// Names, labels and explanations come from users and evaluators: text nodes only.
import { h } from './dom.js';
import { getJson } from './api.js';
import * as fmt from './format.js';

const pageSize = 1000;
const maxPages = 10;

/** Every annotation of a trace: { trace: [...], bySpan: Map(spanId → [...]) }, most recently written first. */
export async function loadTraceAnnotations(traceId) {
  const items = [];
  for (let offset = 0, page = 0; offset !== null && offset !== undefined && page < maxPages; page++) {
    const result = await getJson('/api/annotations', { traceId, offset, limit: pageSize });
    items.push(...result.items);
    offset = result.nextOffset;
  }
  const bySpan = new Map();
  const trace = [];
  for (const a of items) {
    if (!a.spanId) { trace.push(a); continue; }
    if (!bySpan.has(a.spanId)) bySpan.set(a.spanId, []);
    bySpan.get(a.spanId).push(a);
  }
  return { trace, bySpan };
}

/** A score from 0–1 (or any number) as text; the usual 0–1 range gets two decimals. */
export function score(value) {
  if (value === null || value === undefined) return '–';
  return Math.abs(value) >= 100 ? fmt.tokens(value) : value.toFixed(2);
}

/** Colour class of a 0–1 score: good, fair, poor (only for scores in that range). */
function tone(value) {
  if (typeof value !== 'number' || value < 0 || value > 1) return '';
  return value >= 0.75 ? 'good' : value >= 0.5 ? 'fair' : 'poor';
}

/** A table of annotations: name, score, label, explanation, source and when. */
export function annotationTable(annotations, section) {
  if (!annotations.length) return h('p', { class: 'empty', dataset: { section }, text: 'No annotations yet.' });
  const sorted = [...annotations].sort((a, b) => a.name.localeCompare(b.name) || Date.parse(b.updatedAt) - Date.parse(a.updatedAt));
  return h('table', { class: 'grid annotations', dataset: { section } },
    h('thead', {}, h('tr', {},
      h('th', { text: 'Name' }), h('th', { class: 'num', text: 'Score' }), h('th', { text: 'Label' }),
      h('th', { text: 'Explanation' }), h('th', { text: 'Source' }), h('th', { text: 'When' }))),
    h('tbody', {}, sorted.map(a => h('tr', { dataset: { annotation: a.name } },
      h('td', { class: 'name', text: a.name, title: a.identifier ? `identifier: ${a.identifier}` : null }),
      h('td', { class: `num score ${tone(a.score)}`, text: score(a.score) }),
      h('td', { text: a.label ?? '–' }),
      h('td', { class: 'explanation', text: a.explanation ?? '–' }),
      h('td', {}, h('span', { class: 'badge', text: a.source })),
      h('td', { text: fmt.time(a.updatedAt), title: `written ${a.createdAt}, updated ${a.updatedAt}` })))));
}
