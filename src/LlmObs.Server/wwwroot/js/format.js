// Number and time formatting shared by every page.

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function cost(usd) {
  if (usd === null || usd === undefined) return '–';
  if (usd === 0) return '$0';
  const abs = Math.abs(usd);
  if (abs >= 1) return '$' + usd.toFixed(2);
  if (abs >= 0.01) return '$' + usd.toFixed(4);
  return '$' + usd.toPrecision(3);
}

export function tokens(count) {
  return count === null || count === undefined ? '–' : integer.format(count);
}

export function ms(value) {
  if (value === null || value === undefined) return '–';
  if (value < 10) return value.toFixed(2) + ' ms';
  if (value < 1000) return value.toFixed(0) + ' ms';
  if (value < 60000) return (value / 1000).toFixed(2) + ' s';
  return (value / 60000).toFixed(1) + ' min';
}

export function percent(rate) {
  return rate === null || rate === undefined ? '–' : (rate * 100).toFixed(1) + '%';
}

export function time(iso) {
  if (!iso) return '–';
  const date = new Date(iso);
  return date.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

export function day(iso) {
  return new Date(iso).toLocaleDateString(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });
}

export function hour(iso) {
  return new Date(iso).toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit' });
}

/** A user as shown: a keyed hash (64 hex digits, what LlmObs's services export) shortened like a commit id. */
export function user(value) {
  if (value === null || value === undefined) return '–';
  return /^[0-9a-f]{64}$/.test(value) ? value.slice(0, 12) + '…' : value;
}
