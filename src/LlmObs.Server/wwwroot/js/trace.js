// One trace: a waterfall of its span tree on the left, the selected span on the right. Only the rows in
// view are in the DOM (a trace of thousands of spans scrolls like one of ten), and subtrees collapse.
import { markNav } from './shell.js';
import { h, replace, append } from './dom.js';
import { getJson } from './api.js';
import { renderSpanDetail, kindOf } from './span-detail.js';
import { loadTraceAnnotations, annotationTable } from './annotations.js';
import * as fmt from './format.js';

markNav('traces');

const rowHeight = 28;
const overscan = 12;
const scroller = document.getElementById('waterfall-scroll');
const spacer = document.getElementById('waterfall-spacer');
const detail = document.getElementById('span-detail');
const summary = document.getElementById('trace-summary');
const errorBox = document.getElementById('trace-error');
const traceAnnotations = document.getElementById('trace-annotations');

const traceId = decodeURIComponent(location.pathname.split('/').filter(Boolean)[1] ?? '');
let nodes = new Map();
let roots = [];
let visible = [];
let selected = null;
let traceStart = 0;
let traceDuration = 1;
let annotations = { trace: [], bySpan: new Map() };
let annotationsLoaded = false;

async function load() {
  if (!/^[0-9a-f]{32}$/i.test(traceId)) {
    showError('A trace id is 32 hex characters.');
    return;
  }
  // Annotations load beside the spans; a failure there leaves the trace readable.
  const annotationsLoad = loadTraceAnnotations(traceId.toLowerCase())
    .then(result => { annotations = result; annotationsLoaded = true; })
    .catch(error => { annotationsLoaded = error; });
  try {
    const trace = await getJson(`/api/traces/${encodeURIComponent(traceId)}`);
    build(trace.spans);
  } catch (error) {
    showError(error.status === 404 ? `No trace ${traceId} is stored (yet).` : `The trace could not be loaded: ${error.message}`);
    return;
  }
  await annotationsLoad;
  renderTraceAnnotations();
  renderRows();
  if (selected) renderSpanDetail(detail, selected.span, spanAnnotations(selected.span));
}

function spanAnnotations(span) {
  if (annotationsLoaded === false) return null;
  if (annotationsLoaded !== true) return `Annotations could not be loaded: ${annotationsLoaded?.message ?? 'unknown error'}`;
  return annotations.bySpan.get(span.spanId) ?? [];
}

function renderTraceAnnotations() {
  if (annotationsLoaded !== true) {
    replace(traceAnnotations, h('p', { class: 'error', text: `Annotations could not be loaded: ${annotationsLoaded?.message ?? 'unknown error'}` }));
    traceAnnotations.hidden = false;
    return;
  }
  const onSpans = [...annotations.bySpan.values()].reduce((n, list) => n + list.length, 0);
  traceAnnotations.hidden = false;
  replace(traceAnnotations,
    h('h2', {}, 'Trace annotations', h('span', { class: 'count', text: onSpans ? ` · ${onSpans} more on ${annotations.bySpan.size} span${annotations.bySpan.size > 1 ? 's' : ''}` : '' })),
    annotations.trace.length
      ? annotationTable(annotations.trace, 'trace-annotations')
      : h('p', { class: 'empty', dataset: { section: 'trace-annotations' }, text: 'None on the whole trace.' }));
}

function showError(message) {
  errorBox.textContent = message;
  errorBox.hidden = false;
  renderSpanDetail(detail, null);
}

function build(spans) {
  nodes = new Map(spans.map(span => [span.spanId, { span, children: [], depth: 0, expanded: true }]));
  roots = [];
  for (const node of nodes.values()) {
    const parent = node.span.parentSpanId ? nodes.get(node.span.parentSpanId) : null;
    (parent ? parent.children : roots).push(node);
  }
  const byStart = (x, y) => Date.parse(x.span.startTime) - Date.parse(y.span.startTime);
  const stack = roots.sort(byStart).map(n => [n, 0]);
  while (stack.length) {
    const [node, depth] = stack.pop();
    node.depth = depth;
    node.children.sort(byStart);
    // Big traces open collapsed below the second level; the path to the selected span is opened on select.
    node.expanded = spans.length <= 500 || depth < 2;
    for (const child of node.children) stack.push([child, depth + 1]);
  }

  traceStart = Math.min(...spans.map(s => Date.parse(s.startTime)));
  const traceEnd = Math.max(...spans.map(s => Date.parse(s.endTime)));
  traceDuration = Math.max(1, traceEnd - traceStart);

  const root = roots[0]?.span;
  document.getElementById('trace-title').textContent = root?.name ?? traceId;
  document.title = `${root?.name ?? 'Trace'} · LlmObs`;
  renderSummary(spans);
  replace(document.getElementById('timeline-head'),
    h('span', { text: '0 ms' }), h('span', { text: fmt.ms(traceDuration / 2) }), h('span', { text: fmt.ms(traceDuration) }));

  const wanted = new URLSearchParams(location.search).get('span');
  const first = (wanted && nodes.get(wanted))
    ?? [...nodes.values()].find(n => kindOf(n.span) === 'llm')
    ?? roots[0];
  refreshVisible();
  if (first) select(first, true);
}

// The server's SpanSql.SessionKeys, in its order: a span's session_id column is the first of them it has, so the link
// finds this trace again.
const sessionKeys = ['session.id', 'langfuse.session.id', 'traceloop.association.properties.session_id', 'ai.telemetry.metadata.sessionId', 'gen_ai.conversation.id'];

function sessionOf(spans) {
  for (const span of spans) {
    const session = sessionKeys.map(key => span.attributes?.[key]).find(value => typeof value === 'string' && value);
    if (session) return session;
  }
  return null;
}

function renderSummary(spans) {
  const sum = key => spans.reduce((total, s) => total + (s.llm?.[key] ?? 0), 0);
  const llmCalls = spans.filter(s => kindOf(s) === 'llm').length;
  const errors = spans.filter(s => s.statusCode === 2).length;
  const stat = (label, value, field) => h('div', { class: 'stat', dataset: { stat: field } },
    h('span', { class: 'label', text: label }), h('span', { class: 'value', text: value }));
  replace(summary,
    stat('Duration', fmt.ms(traceDuration), 'duration'),
    stat('Spans', fmt.tokens(spans.length), 'spans'),
    stat('LLM calls', String(llmCalls), 'llm-calls'),
    stat('Input tokens', fmt.tokens(sum('inputTokens')), 'input-tokens'),
    stat('Output tokens', fmt.tokens(sum('outputTokens')), 'output-tokens'),
    stat('Cost', fmt.cost(sum('costUsd')), 'cost'),
    stat('Status', errors ? `${errors} error${errors > 1 ? 's' : ''}` : 'OK', 'status'),
    stat('Trace id', traceId.toLowerCase(), 'trace-id'));
  const session = sessionOf(spans);
  if (session) {
    // Range 30d: a session's other traces are rarely all from today.
    summary.append(h('div', { class: 'stat', dataset: { stat: 'session' } },
      h('span', { class: 'label', text: 'Session' }),
      h('a', { class: 'value', href: `/traces?session=${encodeURIComponent(session)}&range=30d`, title: 'Every trace of this session', text: session })));
  }
}

function refreshVisible() {
  visible = [];
  const stack = [...roots].reverse();
  while (stack.length) {
    const node = stack.pop();
    visible.push(node);
    if (node.expanded) for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]);
  }
  spacer.style.height = `${visible.length * rowHeight}px`;
  renderRows();
}

function renderRows() {
  const first = Math.max(0, Math.floor(scroller.scrollTop / rowHeight) - overscan);
  const last = Math.min(visible.length, Math.ceil((scroller.scrollTop + scroller.clientHeight) / rowHeight) + overscan);
  const rows = [];
  for (let i = first; i < last; i++) rows.push(renderRow(visible[i], i));
  replace(spacer, rows);
}

function renderRow(node, index) {
  const span = node.span;
  const kind = kindOf(span) ?? 'other';
  const error = span.statusCode === 2 ? ' error' : '';
  const start = Date.parse(span.startTime) - traceStart;
  const left = (start / traceDuration) * 100;
  const width = Math.max(0.2, (span.durationMs / traceDuration) * 100);

  const toggle = h('button', {
    class: node.children.length ? 'toggle' : 'toggle leaf', type: 'button',
    'aria-label': node.expanded ? 'Collapse' : 'Expand', text: node.expanded ? '▼' : '▶',
    onclick: event => { event.stopPropagation(); node.expanded = !node.expanded; refreshVisible(); },
  });
  const indent = h('span', { class: 'indent' });
  indent.style.width = `${node.depth * 14}px`;
  const bar = h('div', { class: `bar ${kind}${error}`, title: `${span.name}: ${fmt.ms(span.durationMs)}` });
  bar.style.left = `${left}%`;
  bar.style.width = `${width}%`;
  const label = h('span', { class: 'bar-label', text: fmt.ms(span.durationMs) });
  if (left + width > 80) { label.style.right = `${100 - left + 1}%`; } else { label.style.left = `calc(${left + width}% + 4px)`; }

  const row = h('div', {
    class: 'span-row', role: 'treeitem', 'aria-selected': node === selected ? 'true' : 'false', 'aria-level': node.depth + 1,
    dataset: { spanId: span.spanId, kind },
    onclick: () => select(node, false),
  },
  h('div', { class: 'span-name' }, indent, toggle, h('span', { class: `dot ${kind}${error}` }),
    h('span', { class: 'label', text: span.name, title: `${span.name} (${span.serviceName})` }),
    annotations.bySpan.has(span.spanId)
      ? h('span', { class: 'annotated', title: `${annotations.bySpan.get(span.spanId).length} annotation(s)`, text: '★' })
      : null),
  h('div', { class: 'bar-track' }, bar, label));
  row.style.top = `${index * rowHeight}px`;
  return row;
}

function select(node, scrollIntoView) {
  // Open the path down to the span so it has a row.
  let changed = false;
  for (let parent = nodes.get(node.span.parentSpanId); parent; parent = nodes.get(parent.span.parentSpanId)) {
    if (!parent.expanded) { parent.expanded = true; changed = true; }
  }
  selected = node;
  if (changed) refreshVisible(); else renderRows();
  const index = visible.indexOf(node);
  if (scrollIntoView && index >= 0) {
    const top = index * rowHeight;
    if (top < scroller.scrollTop || top > scroller.scrollTop + scroller.clientHeight - rowHeight) {
      scroller.scrollTop = Math.max(0, top - scroller.clientHeight / 3);
      renderRows();
    }
  }
  renderSpanDetail(detail, node.span, spanAnnotations(node.span));
  const url = new URL(location.href);
  url.searchParams.set('span', node.span.spanId);
  history.replaceState(null, '', url);
}

scroller.addEventListener('scroll', () => requestAnimationFrame(renderRows), { passive: true });
window.addEventListener('resize', () => renderRows());
scroller.addEventListener('keydown', event => {
  const index = visible.indexOf(selected);
  if (event.key === 'ArrowDown' && index < visible.length - 1) { select(visible[index + 1], true); event.preventDefault(); }
  if (event.key === 'ArrowUp' && index > 0) { select(visible[index - 1], true); event.preventDefault(); }
  if (event.key === 'ArrowRight' && selected && !selected.expanded) { selected.expanded = true; refreshVisible(); }
  if (event.key === 'ArrowLeft' && selected?.expanded) { selected.expanded = false; refreshVisible(); }
});
document.getElementById('expand-all').addEventListener('click', () => { for (const n of nodes.values()) n.expanded = true; refreshVisible(); });
document.getElementById('collapse-all').addEventListener('click', () => { for (const n of nodes.values()) n.expanded = false; refreshVisible(); });

append(detail, h('p', { class: 'empty', text: 'Loading…' }));
load();
