// The traces list: filters in the URL (so a filtered list can be shared), one page at a time, refreshed
// every few seconds while on the first page.
import { markNav } from './shell.js';
import { addOptions, h, setValue, traceHref } from './dom.js';
import { getJson, ranges, rangeStart } from './api.js';
import { offsetOf, pagedTable } from './paged-table.js';
import * as fmt from './format.js';

markNav('traces');

const form = document.getElementById('filters');
const fields = ['q', 'range', 'service', 'model', 'feature', 'status', 'minCost', 'minLatencyMs', 'user', 'session'];

const rangeSelect = document.getElementById('range');
for (const range of ranges) rangeSelect.append(h('option', { value: range.value, text: range.label }));

const params = new URLSearchParams(location.search);
for (const name of fields) {
  const input = document.getElementById(name);
  if (params.has(name)) setValue(input, params.get(name));
}
if (!params.has('range')) rangeSelect.value = '24h';

function currentFilters() {
  const values = {};
  for (const name of fields) {
    const value = document.getElementById(name).value?.trim();
    if (value) values[name] = value;
  }
  return values;
}

function queryFor(values) {
  const { range, ...rest } = values;
  return { ...rest, from: rangeStart(range ?? '24h') };
}

async function loadFacets() {
  const values = currentFilters();
  const facets = await getJson('/api/facets', { from: rangeStart(values.range ?? '24h') });
  addOptions(document.getElementById('service'), facets.services);
  addOptions(document.getElementById('model'), facets.models);
  addOptions(document.getElementById('feature'), facets.features);
}

function row(trace) {
  const href = traceHref(trace.traceId);
  return h('tr', { dataset: { traceId: trace.traceId } },
    h('td', { text: fmt.time(trace.startTime) }),
    h('td', { class: 'name' }, h('a', { href, text: trace.rootName, title: trace.rootName })),
    h('td', { text: trace.serviceName }),
    h('td', { class: 'num', text: fmt.ms(trace.durationMs) }),
    h('td', { class: 'num', text: fmt.tokens(trace.spanCount) }),
    h('td', { class: 'num', text: fmt.tokens(trace.llmCalls) }),
    h('td', { class: 'num', text: `${fmt.tokens(trace.inputTokens)} / ${fmt.tokens(trace.outputTokens)}` }),
    h('td', { class: 'num', text: fmt.cost(trace.costUsd) }),
    h('td', {}, h('span', { class: trace.hasError ? 'badge error' : 'badge ok', text: trace.hasError ? 'Error' : 'OK' })));
}

function syncUrl() {
  const query = new URLSearchParams(currentFilters());
  if (table.offset) query.set('offset', String(table.offset));
  history.replaceState(null, '', query.size ? `?${query}` : location.pathname);
}

const table = pagedTable({
  name: 'traces', path: '/api/traces', query: () => queryFor(currentFilters()), row, offset: offsetOf(params), onMove: syncUrl,
});

form.addEventListener('submit', event => { event.preventDefault(); table.restart(); });
form.addEventListener('change', event => {
  if (event.target.tagName === 'SELECT') table.restart();
});
document.getElementById('apply').addEventListener('click', () => form.requestSubmit());
document.getElementById('q').addEventListener('keydown', event => { if (event.key === 'Enter') { event.preventDefault(); form.requestSubmit(); } });

loadFacets().catch(error => console.warn('facets failed', error));
