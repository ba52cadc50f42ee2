// The traces list: filters in the URL (so a filtered list can be shared), one page at a time, refreshed
// every few seconds while on the first page.
import { markNav, poll } from './shell.js';
import { h, replace, traceHref } from './dom.js';
import { getJson, ranges, rangeStart } from './api.js';
import * as fmt from './format.js';

markNav('traces');

const form = document.getElementById('filters');
const body = document.getElementById('traces-body');
const empty = document.getElementById('traces-empty');
const errorBox = document.getElementById('traces-error');
const prev = document.getElementById('prev');
const next = document.getElementById('next');
const pageLabel = document.getElementById('page-label');
const fields = ['q', 'range', 'service', 'model', 'feature', 'status', 'minCost', 'minLatencyMs', 'user', 'session'];
const pageSize = 50;

const rangeSelect = document.getElementById('range');
for (const range of ranges) rangeSelect.append(h('option', { value: range.value, text: range.label }));

const params = new URLSearchParams(location.search);
let offset = Math.max(0, Number.parseInt(params.get('offset') ?? '0', 10) || 0);
for (const name of fields) {
  const input = document.getElementById(name);
  if (params.has(name)) setValue(input, params.get(name));
}
if (!params.has('range')) rangeSelect.value = '24h';

function setValue(input, value) {
  if (input.tagName === 'SELECT' && ![...input.options].some(o => o.value === value)) {
    input.append(h('option', { value, text: value }));
  }
  input.value = value;
}

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
  fill('service', facets.services);
  fill('model', facets.models);
  fill('feature', facets.features);
}

function fill(id, options) {
  const select = document.getElementById(id);
  const selected = select.value;
  const known = new Set([...select.options].map(o => o.value));
  for (const option of options) {
    if (!known.has(option)) select.append(h('option', { value: option, text: option }));
  }
  select.value = selected;
}

async function load() {
  const values = currentFilters();
  try {
    const page = await getJson('/api/traces', { ...queryFor(values), offset, limit: pageSize });
    errorBox.hidden = true;
    render(page);
  } catch (error) {
    errorBox.textContent = `The traces could not be loaded: ${error.message}`;
    errorBox.hidden = false;
  }
}

let rendered = '';
function render(page) {
  // The list polls every 5 s: rows are rebuilt only when something changed, so a row is never replaced under the
  // pointer of someone about to click it.
  const snapshot = JSON.stringify(page);
  if (snapshot === rendered) return;
  rendered = snapshot;
  replace(body, page.items.map(row));
  empty.hidden = page.items.length > 0;
  prev.disabled = page.offset === 0;
  next.disabled = page.nextOffset === undefined || page.nextOffset === null;
  pageLabel.textContent = page.items.length ? `${page.offset + 1}–${page.offset + page.items.length}` : '';
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
  if (offset) query.set('offset', String(offset));
  history.replaceState(null, '', query.size ? `?${query}` : location.pathname);
}

form.addEventListener('submit', event => { event.preventDefault(); offset = 0; syncUrl(); load(); });
form.addEventListener('change', event => {
  if (event.target.tagName === 'SELECT') { offset = 0; syncUrl(); load(); }
});
document.getElementById('apply').addEventListener('click', () => form.requestSubmit());
document.getElementById('q').addEventListener('keydown', event => { if (event.key === 'Enter') { event.preventDefault(); form.requestSubmit(); } });
prev.addEventListener('click', () => { offset = Math.max(0, offset - pageSize); syncUrl(); load(); });
next.addEventListener('click', () => { offset += pageSize; syncUrl(); load(); });

loadFacets().catch(error => console.warn('facets failed', error));
poll(async () => { if (offset === 0) await load(); }, 5000);
if (offset !== 0) load();
