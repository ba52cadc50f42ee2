// The sessions list: each session (conversation, thread) with its traces' totals, most recently active first; a
// session opens the traces list filtered to it. Filters live in the URL, as on the traces page.
import { markNav, poll } from './shell.js';
import { h, replace } from './dom.js';
import { getJson, ranges, rangeStart } from './api.js';
import * as fmt from './format.js';

markNav('sessions');

const body = document.getElementById('sessions-body');
const empty = document.getElementById('sessions-empty');
const errorBox = document.getElementById('sessions-error');
const prev = document.getElementById('prev');
const next = document.getElementById('next');
const pageLabel = document.getElementById('page-label');
const rangeSelect = document.getElementById('range');
const serviceSelect = document.getElementById('service');
const pageSize = 50;

for (const range of ranges) rangeSelect.append(h('option', { value: range.value, text: range.label }));
const params = new URLSearchParams(location.search);
rangeSelect.value = ranges.some(r => r.value === params.get('range')) ? params.get('range') : '24h';
if (params.get('service')) {
  serviceSelect.append(h('option', { value: params.get('service'), text: params.get('service') }));
  serviceSelect.value = params.get('service');
}
let offset = Math.max(0, Number.parseInt(params.get('offset') ?? '0', 10) || 0);

async function loadServices() {
  const facets = await getJson('/api/facets', { from: rangeStart(rangeSelect.value) });
  const known = new Set([...serviceSelect.options].map(o => o.value));
  for (const service of facets.services) {
    if (!known.has(service)) serviceSelect.append(h('option', { value: service, text: service }));
  }
}

async function load() {
  try {
    const page = await getJson('/api/sessions', { from: rangeStart(rangeSelect.value), service: serviceSelect.value, offset, limit: pageSize });
    errorBox.hidden = true;
    render(page);
  } catch (error) {
    errorBox.textContent = `The sessions could not be loaded: ${error.message}`;
    errorBox.hidden = false;
  }
}

let rendered = '';
function render(page) {
  const snapshot = JSON.stringify(page);
  if (snapshot === rendered) return; // unchanged: keep the rows under the pointer
  rendered = snapshot;
  replace(body, page.items.map(row));
  empty.hidden = page.items.length > 0;
  prev.disabled = page.offset === 0;
  next.disabled = page.nextOffset === undefined || page.nextOffset === null;
  pageLabel.textContent = page.items.length ? `${page.offset + 1}–${page.offset + page.items.length}` : '';
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
  if (offset) query.set('offset', String(offset));
  history.replaceState(null, '', `?${query}`);
}

document.getElementById('filters').addEventListener('change', () => { offset = 0; syncUrl(); load(); });
prev.addEventListener('click', () => { offset = Math.max(0, offset - pageSize); syncUrl(); load(); });
next.addEventListener('click', () => { offset += pageSize; syncUrl(); load(); });

loadServices().catch(error => console.warn('facets failed', error));
poll(async () => { if (offset === 0) await load(); }, 5000);
if (offset !== 0) load();
