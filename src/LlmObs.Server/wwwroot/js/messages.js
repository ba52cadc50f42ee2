// Reads the conversation of an LLM span out of its attributes: the OpenTelemetry GenAI attributes
// gen_ai.system_instructions, gen_ai.input.messages and gen_ai.output.messages (JSON strings of
// {role, parts:[{type, content | name, arguments | response}]}), and the older {role, content} shape.
// Everything read here is untrusted and is only ever rendered as text.
import { h } from './dom.js';

/** A JSON string attribute parsed, an already-structured one as is, anything unparsable as text. */
export function parseJsonAttribute(value) {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  if (!trimmed.startsWith('[') && !trimmed.startsWith('{')) return value;
  try { return JSON.parse(trimmed); } catch { return value; }
}

/** The conversation as [{role, parts:[{kind, text?, name?, id?, body?}], finishReason?}]. */
export function conversation(attributes, llm) {
  const messages = [];
  const system = parseJsonAttribute(attributes['gen_ai.system_instructions']);
  if (system !== undefined && system !== null) {
    messages.push({ role: 'system', parts: partsOf(Array.isArray(system) ? system : [system]) });
  }
  const input = parseJsonAttribute(attributes['gen_ai.input.messages'] ?? llm?.input);
  const output = parseJsonAttribute(attributes['gen_ai.output.messages'] ?? llm?.output);
  messages.push(...messagesOf(input, 'user'));
  messages.push(...messagesOf(output, 'assistant'));
  return messages.filter(m => m.parts.length > 0);
}

function messagesOf(value, defaultRole) {
  if (value === undefined || value === null || value === '') return [];
  if (typeof value === 'string') return [{ role: defaultRole, parts: [{ kind: 'text', text: value }] }];
  const list = Array.isArray(value) ? value : [value];
  return list.map(message => {
    if (typeof message !== 'object' || message === null) return { role: defaultRole, parts: [{ kind: 'text', text: String(message) }] };
    const parts = Array.isArray(message.parts) ? partsOf(message.parts)
      : message.content !== undefined ? partsOf(Array.isArray(message.content) ? message.content : [message.content])
      : [];
    if (Array.isArray(message.tool_calls)) {
      for (const call of message.tool_calls) {
        parts.push({ kind: 'tool_call', name: call.function?.name ?? call.name, id: call.id, body: call.function?.arguments ?? call.arguments });
      }
    }
    return { role: String(message.role ?? defaultRole), parts, finishReason: message.finish_reason };
  });
}

function partsOf(parts) {
  return parts.map(part => {
    if (typeof part !== 'object' || part === null) return { kind: 'text', text: String(part) };
    switch (part.type) {
      case 'tool_call':
        return { kind: 'tool_call', name: part.name, id: part.id, body: part.arguments };
      case 'tool_call_response':
        return { kind: 'tool_call_response', id: part.id, body: part.response ?? part.result };
      case 'reasoning':
        return { kind: 'reasoning', text: stringOf(part.content) };
      case 'text':
      case undefined:
        return { kind: 'text', text: stringOf(part.content ?? part.text ?? '') };
      default:
        return { kind: 'other', name: String(part.type), body: part };
    }
  }).filter(p => p.kind !== 'text' || p.text !== '');
}

function stringOf(value) {
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}

export function pretty(value) {
  if (value === undefined || value === null) return '';
  const parsed = parseJsonAttribute(value);
  return typeof parsed === 'string' ? parsed : JSON.stringify(parsed, null, 2);
}

/** The chat bubbles of a conversation. */
export function renderConversation(messages) {
  return h('div', { class: 'messages' }, messages.map(message => {
    const role = message.role.toLowerCase();
    const bubble = h('div', { class: `message ${['system', 'user', 'assistant', 'tool'].includes(role) ? role : ''}`, dataset: { role } },
      h('div', { class: 'role' }, h('span', { text: message.role }), message.finishReason ? h('span', { text: `finish: ${message.finishReason}` }) : null),
      message.parts.map(renderPart));
    // Long system prompts open folded so the question and the answer stay in view; user messages never fold,
    // since the question usually comes last, after the retrieved pages.
    const length = message.parts.reduce((sum, p) => sum + (p.text?.length ?? 0), 0);
    if (length > 600 && role === 'system') {
      bubble.classList.add('folded');
      const toggle = h('button', { class: 'fold', type: 'button', text: `Show all (${length.toLocaleString('en-US')} characters)` });
      toggle.addEventListener('click', () => {
        const folded = bubble.classList.toggle('folded');
        toggle.textContent = folded ? `Show all (${length.toLocaleString('en-US')} characters)` : 'Show less';
      });
      bubble.append(toggle);
    }
    return bubble;
  }));
}

function renderPart(part) {
  switch (part.kind) {
    case 'text':
      return h('p', { class: 'text', text: part.text });
    case 'reasoning':
      return [h('div', { class: 'part-title', text: 'Reasoning' }), h('p', { class: 'text', text: part.text })];
    case 'tool_call':
      return [h('div', { class: 'part-title', text: `Tool call: ${part.name ?? '?'}${part.id ? ` (${part.id})` : ''}` }),
        h('pre', { class: 'code', text: pretty(part.body) })];
    case 'tool_call_response':
      return [h('div', { class: 'part-title', text: `Tool result${part.id ? ` (${part.id})` : ''}` }),
        h('pre', { class: 'code', text: pretty(part.body) })];
    default:
      return [h('div', { class: 'part-title', text: part.name }), h('pre', { class: 'code', text: pretty(part.body) })];
  }
}
