// The query API, as the pages call it. Filter values go in the query string, URL-encoded.
import { apiKey, askForApiKey } from '/js/auth.js';

export async function getJson(path, params) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params ?? {})) {
    if (value !== null && value !== undefined && value !== '') query.set(key, String(value));
  }
  const url = query.size ? `${path}?${query}` : path;
  let response = await send(url, apiKey());
  while (response.status === 401) {
    // A server that requires a key: ask for it (again, when the one sent was refused) and retry.
    response = await send(url, await askForApiKey(apiKey() !== null));
  }
  if (!response.ok) {
    let detail = response.statusText;
    try { const problem = await response.json(); detail = problem.detail ?? problem.title ?? detail; } catch { /* not JSON */ }
    const error = new Error(detail);
    error.status = response.status;
    throw error;
  }
  return response.json();
}

function send(url, key) {
  const headers = { accept: 'application/json' };
  if (key) headers['x-api-key'] = key;
  return fetch(url, { headers });
}

/** Time ranges offered by the pages, as a start relative to now. */
export const ranges = [
  { value: '15m', label: 'Last 15 minutes', ms: 15 * 60e3 },
  { value: '1h', label: 'Last hour', ms: 3600e3 },
  { value: '24h', label: 'Last 24 hours', ms: 24 * 3600e3 },
  { value: '7d', label: 'Last 7 days', ms: 7 * 24 * 3600e3 },
  { value: '30d', label: 'Last 30 days', ms: 30 * 24 * 3600e3 },
  { value: 'all', label: 'All time', ms: null },
];

/** The ISO start time of a range value, or undefined for all time. */
export function rangeStart(value) {
  const range = ranges.find(r => r.value === value);
  return range?.ms ? new Date(Date.now() - range.ms).toISOString() : undefined;
}
