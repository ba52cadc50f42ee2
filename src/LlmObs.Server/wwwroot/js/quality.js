// Quality next to cost: for one score name (eval.quality, eval.groundedness, user.feedback…), cost per quality by
// feature and by model (worst first) and quality over time, from /api/annotations/aggregates, refreshed every 5 s.
// Feature, model and annotation names come from the services and evaluators: text nodes only.
import { markNav, poll } from './shell.js';
import { h, replace } from './dom.js';
import { getJson, ranges, rangeStart } from './api.js';
import { horizontalBars, lineChart, setState, emptyChart, palette } from './charts.js';
import { score } from './annotations.js';
import * as fmt from './format.js';

markNav('quality');

const preferredNames = ['eval.quality', 'eval.groundedness', 'user.feedback'];
const nameSelect = document.getElementById('name');
const rangeSelect = document.getElementById('range');
const errorBox = document.getElementById('quality-error');
const emptyBox = document.getElementById('quality-empty');
for (const range of ranges) rangeSelect.append(h('option', { value: range.value, text: range.label }));

const params = new URLSearchParams(location.search);
rangeSelect.value = ranges.some(r => r.value === params.get('range')) ? params.get('range') : '7d';
let chosenName = params.get('name') || null;

// The API leaves out null fields: a missing number and a null one are the same.
const has = value => typeof value === 'number';
const card = name => document.querySelector(`[data-chart="${name}"]`);
const chart = name => card(name).querySelector('.chart');

/** Fills the score picker with the names that carry scores; keeps the current choice, else prefers eval.quality. */
async function loadNames() {
  const names = (await getJson('/api/annotations/names')).filter(n => n.scored > 0);
  const wanted = chosenName ?? preferredNames.find(p => names.some(n => n.name === p)) ?? names[0]?.name ?? null;
  const options = names.map(n => h('option', {
    value: n.name, text: `${n.name} (${fmt.tokens(n.scored)} scored, ${score(n.minScore)}–${score(n.maxScore)})`,
  }));
  if (wanted && !names.some(n => n.name === wanted)) options.unshift(h('option', { value: wanted, text: `${wanted} (no scores yet)` }));
  replace(nameSelect, options);
  nameSelect.disabled = options.length === 0;
  if (wanted) nameSelect.value = wanted;
  chosenName = wanted;
  return names;
}

async function refresh() {
  let names, byFeature, byModel, overTime;
  try {
    names = await loadNames();
    if (!chosenName) {
      errorBox.hidden = true;
      emptyBox.hidden = names.length > 0;
      renderEmpty();
      return;
    }
    const query = { name: chosenName, from: rangeStart(rangeSelect.value) };
    [byFeature, byModel, overTime] = await Promise.all([
      getJson('/api/annotations/aggregates/cost-per-quality', { ...query, by: 'feature' }),
      getJson('/api/annotations/aggregates/cost-per-quality', { ...query, by: 'model' }),
      getJson('/api/annotations/aggregates/quality-over-time', { ...query, by: 'feature' }),
    ]);
    errorBox.hidden = true;
  } catch (error) {
    errorBox.textContent = `Quality could not be loaded: ${error.message}`;
    errorBox.hidden = false;
    return;
  }
  emptyBox.hidden = names.length > 0;
  render(byFeature, byModel, overTime);
  document.getElementById('updated').textContent = `Updated ${new Date().toLocaleTimeString()}`;
}

function renderEmpty() {
  replace(document.getElementById('kpis'));
  for (const name of ['by-feature', 'by-model', 'quality-over-time']) {
    emptyChart(chart(name), 'No scores yet.');
    setState(card(name), false);
  }
}

function render(byFeature, byModel, overTime) {
  // Totals from the feature rows: every call has exactly one feature row (null feature included).
  const calls = byFeature.reduce((n, r) => n + r.calls, 0);
  const cost = byFeature.reduce((n, r) => n + r.costUsd, 0);
  const scored = byFeature.reduce((n, r) => n + r.scoredCalls, 0);
  const meanScore = scored ? byFeature.reduce((n, r) => n + (has(r.meanScore) ? r.meanScore * r.scoredCalls : 0), 0) / scored : null;
  const perCall = calls ? cost / calls : null;
  const kpi = (label, value, name) => h('div', { class: 'kpi', dataset: { kpi: name } },
    h('div', { class: 'label', text: label }), h('div', { class: 'value', text: value }));
  replace(document.getElementById('kpis'),
    kpi('Model calls', fmt.tokens(calls), 'calls'),
    kpi('Scored calls', `${fmt.tokens(scored)}${calls ? ` (${fmt.percent(scored / calls)})` : ''}`, 'scored'),
    kpi(`Mean ${chosenName}`, score(meanScore), 'mean-score'),
    kpi('Cost per call', fmt.cost(perCall), 'cost-per-call'),
    kpi('Cost per quality point', meanScore > 0 && perCall !== null ? fmt.cost(perCall / meanScore) : '–', 'cost-per-quality'));

  rankingCard('by-feature', 'Feature', byFeature);
  rankingCard('by-model', 'Model', byModel);

  // The server buckets by hour up to three days, by day beyond.
  const xLabel = ['15m', '1h', '24h'].includes(rangeSelect.value) || overTime.some(b => new Date(b.start).getUTCHours() !== 0) ? fmt.hour : fmt.day;
  lineChart(chart('quality-over-time'), overTime.map(b => ({ x: b.start, key: b.key ?? '(none)', value: b.meanScore, bucket: b })), {
    xLabel,
    valueLabel: v => score(v),
    seriesLabel: k => k,
    yMax: overTime.every(b => !has(b.meanScore) || (b.meanScore >= 0 && b.meanScore <= 1)) ? 1 : undefined,
    tooltip: r => `${r.key} · ${xLabel(r.x)}: mean ${score(r.value)} over ${fmt.tokens(r.bucket.scoredCalls)} scored of ${fmt.tokens(r.bucket.calls)} calls, ${fmt.cost(r.bucket.costUsd)}`,
  });
  setState(card('quality-over-time'), overTime.some(b => has(b.meanScore)));
}

/** The ranking of one dimension: a table (worst first, as the API orders it) beside bars of cost per quality point. */
function rankingCard(name, label, rows) {
  const container = chart(name);
  const ranked = rows.filter(r => has(r.costPerQualityUsd));
  setState(card(name), ranked.length > 0);
  if (!rows.length) return emptyChart(container, 'No model calls in this period.');

  const table = h('table', { class: 'grid quality-table' },
    h('thead', {}, h('tr', {},
      h('th', { text: '#' }), h('th', { text: label }),
      h('th', { class: 'num', text: 'Calls' }), h('th', { class: 'num', text: 'Scored' }),
      h('th', { class: 'num', text: 'Mean score' }), h('th', { class: 'num', text: 'Range' }),
      h('th', { class: 'num', text: 'Cost per call' }), h('th', { class: 'num', text: 'Cost per quality point' }),
      h('th', { class: 'num', text: 'Total cost' }))),
    h('tbody', {}, rows.map((r, i) => h('tr', {
      class: i === 0 && ranked.length > 1 && has(r.costPerQualityUsd) ? 'worst' : null,
      dataset: { key: r.key ?? '', rank: String(i + 1) },
    },
    h('td', { class: 'rank', text: String(i + 1) }),
    h('td', { class: 'name', text: r.key ?? '(none)', title: r.key ?? 'calls without this attribute' }),
    h('td', { class: 'num', text: fmt.tokens(r.calls) }),
    h('td', { class: 'num', text: fmt.tokens(r.scoredCalls) }),
    h('td', { class: 'num', dataset: { field: 'mean-score' }, text: score(r.meanScore) }),
    h('td', { class: 'num', text: r.scoredCalls ? `${score(r.minScore)}–${score(r.maxScore)}` : '–' }),
    h('td', { class: 'num', dataset: { field: 'cost-per-call' }, text: fmt.cost(r.costPerCall) }),
    h('td', { class: 'num', dataset: { field: 'cost-per-quality' }, text: costPerQualityText(r) }),
    h('td', { class: 'num', text: fmt.cost(r.costUsd) })))));

  const bars = h('div', {});
  horizontalBars(bars, ranked.map(r => ({ key: r.key ?? '(none)', value: r.costPerQualityUsd, text: `${fmt.cost(r.costPerQualityUsd)} / point` })),
    { colour: palette[name === 'by-feature' ? 0 : 1] });
  replace(container, h('div', { class: 'quality-split' }, h('div', { class: 'table-wrap' }, table), bars));
}

function costPerQualityText(r) {
  if (has(r.costPerQualityUsd)) return fmt.cost(r.costPerQualityUsd);
  if (!r.scoredCalls) return 'not scored';
  return r.meanScore === 0 ? 'no quality (mean 0)' : '–';
}

function onFilter() {
  chosenName = nameSelect.value || null;
  const query = new URLSearchParams({ range: rangeSelect.value });
  if (chosenName) query.set('name', chosenName);
  history.replaceState(null, '', `?${query}`);
  refresh();
}
nameSelect.addEventListener('change', onFilter);
rangeSelect.addEventListener('change', onFilter);

poll(refresh, 5000);
