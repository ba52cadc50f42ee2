// The API key of a server that requires one (LlmObs:ApiKey; always when it listens beyond loopback). The key is
// asked for once, the first time the server refuses a call, and kept for this browser tab only (sessionStorage):
// it is never put in a URL, where it would end up in history and proxy logs.
import { h } from '/js/dom.js';

const storageKey = 'llmobs.apiKey';
let pending = null;
let declined = false;

/** The key to send, or null when none was given. */
export function apiKey() {
  return sessionStorage.getItem(storageKey);
}

/**
 * Asks for the key (one dialog for every call refused at once) and resolves with it; rejects when the person
 * cancels. refused tells them the key they gave was wrong.
 */
export function askForApiKey(refused) {
  // Once declined, a page that refreshes itself does not ask again until it is reloaded.
  if (declined) return Promise.reject(new Error('An API key is required to read this server.'));
  pending ??= showDialog(refused).finally(() => { pending = null; });
  return pending;
}

function showDialog(refused) {
  return new Promise((resolve, reject) => {
    const input = h('input', { type: 'password', name: 'apiKey', autocomplete: 'current-password', required: true, 'aria-label': 'API key' });
    const form = h('form', { method: 'dialog', class: 'api-key-form' },
      h('h2', { text: 'API key required' }),
      h('p', { text: 'This LlmObs server requires an API key (LlmObs:ApiKey). It is kept for this tab only.' }),
      refused ? h('p', { class: 'error', role: 'alert', text: 'The server refused that key.' }) : null,
      input,
      h('div', { class: 'dialog-actions' },
        h('button', { type: 'submit', value: 'ok', class: 'primary', text: 'Sign in' }),
        h('button', { type: 'submit', value: 'cancel', formnovalidate: true, text: 'Cancel' })));
    const dialog = h('dialog', { class: 'api-key-dialog', dataset: { dialog: 'api-key' } }, form);
    dialog.addEventListener('close', () => {
      dialog.remove();
      const key = input.value.trim();
      if (dialog.returnValue === 'ok' && key) {
        sessionStorage.setItem(storageKey, key);
        resolve(key);
      } else {
        declined = true;
        reject(new Error('An API key is required to read this server.'));
      }
    });
    document.body.append(dialog);
    dialog.showModal();
    input.focus();
  });
}
