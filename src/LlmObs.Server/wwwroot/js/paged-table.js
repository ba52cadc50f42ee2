// A list served one page at a time (the API's offset and limit) into a table: Previous and Next, the page's range,
// an empty and an error message, and a refresh every few seconds while on the first page. Rows are rebuilt only when
// the page changed, so a row is never replaced under the pointer of someone about to click it.
import { poll } from './shell.js';
import { replace } from './dom.js';
import { getJson } from './api.js';

const pageSize = 50;

/**
 * Drives the table whose parts are #{name}-body, #{name}-empty and #{name}-error, with #prev, #next and #page-label.
 * @param {object} options
 * @param {string} options.name What the list holds ('traces'), in element ids and messages.
 * @param {string} options.path The API path answering pages.
 * @param {() => object} options.query The filters shown now, as query parameters.
 * @param {(item: object) => Element} options.row One item's table row.
 * @param {number} options.offset The first page's offset (from the URL).
 * @param {() => void} options.onMove Called when the page or the filters change (e.g. to put them in the URL).
 */
export function pagedTable({ name, path, query, row, offset = 0, onMove }) {
  const body = document.getElementById(`${name}-body`);
  const empty = document.getElementById(`${name}-empty`);
  const errorBox = document.getElementById(`${name}-error`);
  const prev = document.getElementById('prev');
  const next = document.getElementById('next');
  const pageLabel = document.getElementById('page-label');
  let rendered = '';

  async function load() {
    try {
      const page = await getJson(path, { ...query(), offset, limit: pageSize });
      errorBox.hidden = true;
      render(page);
    } catch (error) {
      errorBox.textContent = `The ${name} could not be loaded: ${error.message}`;
      errorBox.hidden = false;
    }
  }

  function render(page) {
    const snapshot = JSON.stringify(page);
    if (snapshot === rendered) return;
    rendered = snapshot;
    replace(body, page.items.map(row));
    empty.hidden = page.items.length > 0;
    prev.disabled = page.offset === 0;
    next.disabled = page.nextOffset === undefined || page.nextOffset === null;
    pageLabel.textContent = page.items.length ? `${page.offset + 1}–${page.offset + page.items.length}` : '';
  }

  function moveTo(newOffset) {
    offset = newOffset;
    onMove();
    return load();
  }

  prev.addEventListener('click', () => moveTo(Math.max(0, offset - pageSize)));
  next.addEventListener('click', () => moveTo(offset + pageSize));
  poll(async () => { if (offset === 0) await load(); }, 5000);
  if (offset !== 0) load();

  return {
    get offset() { return offset; },
    /** Back to the first page, after the filters changed. */
    restart: () => moveTo(0),
  };
}

/** The offset a list's URL asks for (0 when absent or not a number). */
export function offsetOf(params) {
  return Math.max(0, Number.parseInt(params.get('offset') ?? '0', 10) || 0);
}
