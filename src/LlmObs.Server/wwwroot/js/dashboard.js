// The cost dashboard: every aggregate of one period from /api/dashboard, refreshed every 5 seconds.
import { markNav, poll } from './shell.js';
import { addOptions, h, replace, setValue } from './dom.js';
import { getJson, ranges, rangeStart } from './api.js';
import { stackedColumns, horizontalBars, latencyTable, callTable, setState, emptyChart, palette } from './charts.js';
import * as fmt from './format.js';

markNav('dashboard');

const rangeSelect = document.getElementById('range');
const serviceSelect = document.getElementById('service');
const errorBox = document.getElementById('dashboard-error');
for (const range of ranges.filter(r => r.value !== '15m')) rangeSelect.append(h('option', { value: range.value, text: range.label }));

const params = new URLSearchParams(location.search);
rangeSelect.value = ranges.some(r => r.value === params.get('range')) ? params.get('range') : '7d';
if (params.get('service')) setValue(serviceSelect, params.get('service'));

const card = name => document.querySelector(`[data-chart="${name}"]`);
const chart = name => card(name).querySelector('.chart');

function query() {
  return { from: rangeStart(rangeSelect.value), service: serviceSelect.value || undefined };
}

async function refresh() {
  let data;
  try {
    data = await getJson('/api/dashboard', query());
    errorBox.hidden = true;
  } catch (error) {
    errorBox.textContent = `The dashboard could not be loaded: ${error.message}`;
    errorBox.hidden = false;
    return;
  }
  render(data);
  document.getElementById('updated').textContent = `Updated ${new Date().toLocaleTimeString()}`;
}

function render(d) {
  const totalCost = d.costByModel.reduce((sum, m) => sum + m.costUsd, 0);
  const totalCalls = d.costByModel.reduce((sum, m) => sum + m.calls, 0);
  const kpi = (label, value, name) => h('div', { class: 'kpi', dataset: { kpi: name } },
    h('div', { class: 'label', text: label }), h('div', { class: 'value', text: value }));
  replace(document.getElementById('kpis'),
    kpi('Total cost', fmt.cost(totalCost), 'cost'),
    kpi('Model calls', fmt.tokens(totalCalls), 'calls'),
    kpi('Cost per call p50', fmt.cost(d.costPerCall.p50), 'p50'),
    kpi('Cost per call p99', fmt.cost(d.costPerCall.p99), 'p99'),
    kpi('Cache hit rate', fmt.percent(d.cacheHitRate.overall.rate), 'cache'),
    kpi('Error rate', fmt.percent(d.errorRate.overall.rate), 'errors'));

  const daily = rows => rows.map(r => ({ x: r.day, key: r.key ?? '(none)', value: r.costUsd }));
  stackedColumns(chart('cost-per-day-feature'), daily(d.costPerDayByFeature), { xLabel: fmt.day, valueLabel: fmt.cost, seriesLabel: k => k });
  setState(card('cost-per-day-feature'), d.costPerDayByFeature.length > 0);
  stackedColumns(chart('cost-per-day-user'), daily(d.costPerDayByUser), { xLabel: fmt.day, valueLabel: fmt.cost, seriesLabel: fmt.user });
  setState(card('cost-per-day-user'), d.costPerDayByUser.length > 0);

  const p = d.costPerCall;
  if (p.count > 0) {
    horizontalBars(chart('cost-per-call'), [
      { key: 'p50', value: p.p50, text: fmt.cost(p.p50) },
      { key: 'p95', value: p.p95, text: fmt.cost(p.p95) },
      { key: 'p99', value: p.p99, text: fmt.cost(p.p99) },
      { key: 'max', value: p.max, text: fmt.cost(p.max) },
      { key: 'mean', value: p.mean, text: fmt.cost(p.mean) },
    ], { colour: palette[1] });
  } else emptyChart(chart('cost-per-call'));
  setState(card('cost-per-call'), p.count > 0);

  const cache = d.cacheHitRate;
  horizontalBars(chart('cache-hit-rate'), [cache.overall, ...cache.byModel].filter(c => c.inputTokens > 0).map((c, i) => ({
    key: i === 0 ? 'All models' : c.model ?? '(unknown)', value: c.rate ?? 0,
    text: `${fmt.percent(c.rate)} (${fmt.tokens(c.cacheReadTokens)} / ${fmt.tokens(c.inputTokens)})`,
  })), { scaleMax: 1, colour: palette[2] });
  setState(card('cache-hit-rate'), cache.overall.inputTokens > 0);

  horizontalBars(chart('cost-by-model'), d.costByModel.map(m => ({
    key: m.key ?? '(unknown)', value: m.costUsd, text: `${fmt.cost(m.costUsd)} · ${fmt.tokens(m.calls)} calls`,
  })), { colour: palette[0] });
  setState(card('cost-by-model'), d.costByModel.length > 0);

  const errors = d.errorRate;
  horizontalBars(chart('error-rate'), [errors.overall, ...errors.byModel].filter(e => e.calls > 0).map((e, i) => ({
    key: i === 0 ? 'All models' : e.key ?? '(unknown)', value: e.rate ?? 0, text: `${fmt.percent(e.rate)} (${e.errors} / ${e.calls})`,
  })), { scaleMax: Math.max(0.05, ...errors.byModel.map(e => e.rate ?? 0), errors.overall.rate ?? 0), colour: '#bc2f32' });
  setState(card('error-rate'), errors.overall.calls > 0);

  latencyTable(chart('latency'), d.latency);
  setState(card('latency'), d.latency.length > 0);

  const hourly = d.tokensOverTime.length > 1 && (Date.parse(d.tokensOverTime[1].start) - Date.parse(d.tokensOverTime[0].start)) < 864e5;
  const tokenRows = d.tokensOverTime.flatMap(b => [
    { x: b.start, key: 'Input (fresh)', value: b.inputTokens - b.cacheReadTokens },
    { x: b.start, key: 'Input (cache read)', value: b.cacheReadTokens },
    { x: b.start, key: 'Output', value: b.outputTokens },
  ]);
  stackedColumns(chart('tokens-over-time'), tokenRows.filter(r => r.value > 0), {
    xLabel: hourly ? fmt.hour : fmt.day, valueLabel: fmt.tokens, seriesLabel: k => k,
  });
  setState(card('tokens-over-time'), d.tokensOverTime.length > 0);

  callTable(chart('top-calls'), d.topCalls);
  setState(card('top-calls'), d.topCalls.length > 0);
}

// Shown only when the server samples: what it kept, what it dropped, and which policy decided. A panel, not one
// of the cost charts: it is not filtered by time or service, and it is absent when sampling is off.
const samplingPanel = document.querySelector('[data-panel="sampling"]');
async function refreshSampling() {
  const sampling = await getJson('/api/sampling');
  samplingPanel.hidden = !sampling.enabled;
  if (!sampling.enabled) return;
  horizontalBars(samplingPanel.querySelector('.chart'), sampling.counts.map(c => ({
    key: `${c.decision} · ${c.reason}`, value: c.traces, text: `${fmt.tokens(c.traces)} traces`,
  })), { colour: palette[3] });
  setState(samplingPanel, sampling.counts.length > 0);
}

async function loadServices() {
  const facets = await getJson('/api/facets', { from: rangeStart(rangeSelect.value) });
  addOptions(serviceSelect, facets.services);
}

function onFilter() {
  const query = new URLSearchParams({ range: rangeSelect.value });
  if (serviceSelect.value) query.set('service', serviceSelect.value);
  history.replaceState(null, '', `?${query}`);
  refresh();
  loadServices().catch(() => {});
}
rangeSelect.addEventListener('change', onFilter);
serviceSelect.addEventListener('change', onFilter);

loadServices().catch(error => console.warn('facets failed', error));
poll(refresh, 5000);
poll(refreshSampling, 5000);
