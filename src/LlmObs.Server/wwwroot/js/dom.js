// Building DOM without HTML strings. Span content is untrusted: it only ever becomes text nodes
// (textContent), never markup, and never the value of an href, src or event attribute.

/** Creates an element. props: class, text, dataset, on<event> listeners, other attributes (constant names only). */
export function h(tag, props, ...children) {
  return build(document.createElement(tag), props, children);
}

const svgNs = 'http://www.w3.org/2000/svg';

/** Creates an SVG element the same way. */
export function s(tag, props, ...children) {
  return build(document.createElementNS(svgNs, tag), props, children);
}

function build(el, props, children) {
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') el.setAttribute('class', value);
    else if (key === 'text') el.textContent = String(value);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

/** Appends nodes or text (strings become text nodes, never parsed). */
export function append(el, ...children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Replaces every child of el. */
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, ...children);
}

/** The path of a trace's page; the id is checked and encoded, so data can never choose the URL scheme. */
export function traceHref(traceId, spanId) {
  const id = /^[0-9a-f]{32}$/i.test(traceId ?? '') ? traceId.toLowerCase() : '';
  const span = /^[0-9a-f]{16}$/i.test(spanId ?? '') ? `?span=${spanId.toLowerCase()}` : '';
  return `/traces/${encodeURIComponent(id)}${span}`;
}

/** Sets a filter input to a value (from the URL); a select lacking that option gets it, so the value shows. */
export function setValue(input, value) {
  if (input.tagName === 'SELECT' && ![...input.options].some(o => o.value === value)) {
    input.append(h('option', { value, text: value }));
  }
  input.value = value;
}

/** Adds to a select the values it lacks (facets seen in the period), keeping what is selected. */
export function addOptions(select, values) {
  const selected = select.value;
  const known = new Set([...select.options].map(o => o.value));
  for (const value of values) {
    if (!known.has(value)) select.append(h('option', { value, text: value }));
  }
  select.value = selected;
}
