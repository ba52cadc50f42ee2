// What every page shares: the Fluent web components, the theme that follows the system like the Aspire
// dashboard's, and the current page marked in the navigation.
import { setTheme } from '/lib/fluent/web-components.min.js';
import { webDarkTheme, webLightTheme } from '/lib/fluent/themes.js';

const dark = window.matchMedia('(prefers-color-scheme: dark)');
function applyTheme() {
  setTheme(dark.matches ? webDarkTheme : webLightTheme);
  document.documentElement.dataset.theme = dark.matches ? 'dark' : 'light';
}
applyTheme();
dark.addEventListener('change', applyTheme);

export function markNav(page) {
  for (const link of document.querySelectorAll('[data-nav]')) {
    if (link.dataset.nav === page) link.setAttribute('aria-current', 'page');
  }
}

/** Calls refresh now and every intervalMs while the page is visible; returns a function that stops it. */
export function poll(refresh, intervalMs) {
  let timer = null;
  let stopped = false;
  const tick = async () => {
    if (stopped) return;
    if (!document.hidden) {
      try { await refresh(); } catch (error) { console.warn('refresh failed', error); }
    }
    timer = setTimeout(tick, intervalMs);
  };
  tick();
  return () => { stopped = true; clearTimeout(timer); };
}
