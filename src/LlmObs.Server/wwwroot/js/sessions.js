// The sessions list: each session (conversation, thread) with its traces' totals, most recently active first; a
// session opens the traces list filtered to it. Filters live in the URL, as on the traces page.
import { markNav } from './shell.js';
import { addOptions, h, setValue } from './dom.js';
import { getJson, ranges, rangeStart } from './api.js';
import { offsetOf, pagedTable } from './paged-table.js';
import * as fmt from './format.js';

markNav('sessions');

const rangeSelect = document.getElementById('range');
const serviceSelect = document.getElementById('service');

for (const range of ranges) rangeSelect.append(h('option', { value: range.value, text: range.label }));
const params = new URLSearchParams(location.search);
rangeSelect.value = ranges.some(r => r.value === params.get('range')) ? params.get('range') : '24h';
if (params.get('service')) setValue(serviceSelect, params.get('service'));

async function loadServices() {
  const facets = await getJson('/api/facets', { from: rangeStart(rangeSelect.value) });
  addOptions(serviceSelect, facets.services);
}

function row(session) {
  const query = new URLSearchParams({ session: session.session, range: rangeSelect.value });
  if (serviceSelect.value) query.set('service', serviceSelect.value);
  return h('tr', { dataset: { session: session.session } },
    h('td', { class: 'name' }, h('a', { href: `/traces?${query}`, text: session.session, title: 'The traces of this session' })),
    h('td', { text: fmt.time(session.lastEnd) }),
    h('td', { text: fmt.time(session.firstStart) }),
    h('td', { class: 'num', text: fmt.tokens(session.traces) }),
    h('td', { class: 'num', text: fmt.tokens(session.llmCalls) }),
    h('td', { class: 'num', text: `${fmt.tokens(session.inputTokens)} / ${fmt.tokens(session.outputTokens)}` }),
    h('td', { class: 'num', text: fmt.cost(session.costUsd) }),
    h('td', { text: fmt.user(session.user), title: session.user ?? '' }),
    h('td', {}, h('span', { class: session.hasError ? 'badge error' : 'badge ok', text: session.hasError ? 'Error' : 'OK' })));
}

function syncUrl() {
  const query = new URLSearchParams({ range: rangeSelect.value });
  if (serviceSelect.value) query.set('service', serviceSelect.value);
  if (table.offset) query.set('offset', String(table.offset));
  history.replaceState(null, '', `?${query}`);
}

const table = pagedTable({
  name: 'sessions', path: '/api/sessions', query: () => ({ from: rangeStart(rangeSelect.value), service: serviceSelect.value }),
  row, offset: offsetOf(params), onMove: syncUrl,
});

document.getElementById('filters').addEventListener('change', () => table.restart());
loadServices().catch(error => console.warn('facets failed', error));
