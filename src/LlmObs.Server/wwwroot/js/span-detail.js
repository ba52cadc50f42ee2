// The panel for one span: what kind of work it was and what it carried. LLM spans show the conversation,
// parameters, tokens, cost and timing; retrieval spans the query and documents; tool spans arguments and result.
import { h, replace } from './dom.js';
import { conversation, renderConversation, parseJsonAttribute, pretty } from './messages.js';
import { annotationTable } from './annotations.js';
import * as fmt from './format.js';

const spanKinds = ['Unspecified', 'Internal', 'Server', 'Client', 'Producer', 'Consumer'];

export function kindOf(span) {
  return span.llm?.spanKind ?? null;
}

/** annotations: the span's annotations, null while they load, or a message when they could not be loaded. */
export function renderSpanDetail(panel, span, annotations = null) {
  if (!span) {
    replace(panel, h('p', { class: 'empty', text: 'Select a span.' }));
    return;
  }
  const a = span.attributes ?? {};
  const llm = span.llm ?? {};
  const kind = kindOf(span);
  const sections = [
    h('div', { class: 'detail-title' },
      h('h2', { text: span.name }),
      kind ? h('span', { class: 'badge kind', text: kind }) : null,
      h('span', { class: span.statusCode === 2 ? 'badge error' : 'badge ok', text: span.statusCode === 2 ? 'Error' : 'OK' })),
    facts([
      ['Service', span.serviceName],
      ['Span kind', spanKinds[span.kind] ?? String(span.kind)],
      ['Start', fmt.time(span.startTime)],
      ['Duration', fmt.ms(span.durationMs)],
      ['Span id', span.spanId],
      ['Status message', span.statusMessage],
    ]),
  ];

  sections.push(h('h2', { text: 'Annotations' }),
    annotations === null ? h('p', { class: 'empty', dataset: { section: 'span-annotations' }, text: 'Loading…' })
      : typeof annotations === 'string' ? h('p', { class: 'error', dataset: { section: 'span-annotations' }, text: annotations })
        : annotationTable(annotations, 'span-annotations'));

  if (kind === 'llm' || kind === 'embedding') sections.push(...llmSections(span, a, llm, kind));
  if (kind === 'retrieval' || kind === 'rerank') sections.push(...retrievalSections(a, llm));
  if (kind === 'tool') sections.push(...toolSections(a, llm));

  sections.push(h('h2', { text: 'Attributes' }), attributeTable(a));
  if (Array.isArray(span.events) && span.events.length) {
    sections.push(h('h2', { text: 'Events' }), span.events.map(e =>
      h('div', {}, h('div', { class: 'part-title', text: `${e.name} · ${fmt.time(e.time)}` }), attributeTable(e.attributes ?? {}))));
  }
  replace(panel, sections);
  panel.scrollTop = 0;
}

function llmSections(span, a, llm, kind) {
  const out = [];
  if (kind === 'llm') {
    const messages = conversation(a, llm);
    out.push(h('h2', { text: 'Conversation' }));
    out.push(messages.length
      ? renderConversation(messages)
      : h('p', { class: 'empty', text: 'No content was recorded (the service records prompts only when sensitive data is enabled).' }));
  }

  const ttft = llm.timeToFirstTokenMs ?? (typeof a['gen_ai.response.time_to_first_chunk'] === 'number' ? a['gen_ai.response.time_to_first_chunk'] * 1000 : null);
  out.push(h('h2', { text: 'Model' }), facts([
    ['Operation', llm.operation],
    ['Provider', llm.provider],
    ['Model', llm.model],
    ['Requested model', a['gen_ai.request.model']],
    ['Feature', llm.feature ?? a['llmobs.feature']],
    ['Latency', fmt.ms(span.durationMs)],
    ['Time to first token', ttft === null ? null : fmt.ms(ttft)],
  ]));

  const parameters = Object.entries(a)
    .filter(([key]) => (key.startsWith('gen_ai.request.') && key !== 'gen_ai.request.model')
      || ['gen_ai.response.id', 'gen_ai.response.finish_reasons', 'gen_ai.output.type', 'gen_ai.conversation.id'].includes(key))
    .map(([key, value]) => [key.replace(/^gen_ai\./, ''), typeof value === 'object' ? JSON.stringify(value) : String(value)]);
  if (parameters.length) out.push(h('h2', { text: 'Parameters' }), facts(parameters));

  const breakdown = llm.cost ?? {};
  const costOf = (key, attribute) => breakdown[key] ?? a[attribute];
  out.push(h('h2', { text: 'Tokens and cost' }), h('table', { class: 'attrs', dataset: { section: 'usage' } },
    h('tbody', {},
      usageRow('Input tokens', llm.inputTokens, costOf('input', 'llmobs.cost.input')),
      usageRow('  of which cache read', llm.cacheReadTokens, costOf('cachedInput', 'llmobs.cost.cached_input')),
      usageRow('  of which cache write', llm.cacheWriteTokens, costOf('cacheWrite', 'llmobs.cost.cache_write')),
      usageRow('Output tokens', llm.outputTokens, costOf('output', 'llmobs.cost.output')),
      usageRow('  of which reasoning', llm.reasoningTokens, costOf('reasoning', 'llmobs.cost.reasoning')),
      h('tr', {}, h('td', { text: 'Total cost' }), h('td', { dataset: { field: 'cost' }, text: `${fmt.cost(llm.costUsd)}${llm.costSource ? ` (${llm.costSource})` : ''}` })))));
  return out;
}

function usageRow(label, count, usd) {
  if ((count === null || count === undefined) && (usd === null || usd === undefined)) return null;
  const text = `${fmt.tokens(count)}${typeof usd === 'number' ? ` · ${fmt.cost(usd)}` : ''}`;
  return h('tr', {}, h('td', { text: label }), h('td', { text }));
}

function retrievalSections(a, llm) {
  const documents = llm.documents ?? parseJsonAttribute(a['gen_ai.retrieval.documents']);
  const out = [h('h2', { text: 'Retrieval' }), facts([
    ['Data source', a['gen_ai.data_source.id']],
    ['Query', a['gen_ai.retrieval.query.text'] ?? a['input.value']],
    ['Top k', a['gen_ai.request.top_k']],
    ['Returned', a['llmobs.retrieval.returned_count'] ?? (Array.isArray(documents) ? documents.length : null)],
  ])];
  if (Array.isArray(documents) && documents.length) {
    out.push(h('h2', { text: 'Documents' }), h('table', { class: 'grid', dataset: { section: 'documents' } },
      h('thead', {}, h('tr', {}, h('th', { text: '#' }), h('th', { text: 'Document' }), h('th', { class: 'num', text: 'Score' }))),
      h('tbody', {}, documents.map((d, i) => h('tr', {},
        h('td', { text: String(i + 1) }),
        h('td', { class: 'name', text: d?.id ?? d?.content ?? JSON.stringify(d), title: typeof d?.content === 'string' ? d.content : null }),
        h('td', { class: 'num', text: typeof d?.score === 'number' ? d.score.toFixed(4) : '–' }))))));
  } else if (typeof documents === 'string') {
    out.push(h('pre', { class: 'code', text: documents }));
  }
  return out;
}

function toolSections(a, llm) {
  const tool = llm.tool ?? {};
  return [
    h('h2', { text: 'Tool' }),
    facts([
      ['Name', tool.name ?? a['gen_ai.tool.name']],
      ['Call id', tool.callId ?? a['gen_ai.tool.call.id']],
      ['Description', a['gen_ai.tool.description']],
    ]),
    h('div', { class: 'part-title', text: 'Arguments' }),
    h('pre', { class: 'code', dataset: { section: 'tool-arguments' }, text: pretty(tool.arguments ?? a['gen_ai.tool.call.arguments']) || '–' }),
    h('div', { class: 'part-title', text: 'Result' }),
    h('pre', { class: 'code', dataset: { section: 'tool-result' }, text: pretty(tool.result ?? a['gen_ai.tool.call.result']) || '–' }),
  ];
}

function facts(pairs) {
  return h('dl', { class: 'facts' }, pairs
    .filter(([, value]) => value !== null && value !== undefined && value !== '')
    .map(([label, value]) => [h('dt', { text: label }), h('dd', { text: String(value) })]));
}

function attributeTable(attributes) {
  return h('table', { class: 'attrs' }, h('tbody', {}, Object.entries(attributes).sort(([x], [y]) => x.localeCompare(y)).map(([key, value]) =>
    h('tr', {}, h('td', { text: key }), h('td', { text: typeof value === 'string' ? value : JSON.stringify(value) })))));
}
