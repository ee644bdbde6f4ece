/**
 * The console's single page: sign-in, the section navigation and the hash router
 * (#/gateways, #/models, #/rollouts, #/rollouts/ID, #/audit). Each section module exports
 * `render(main, params, ui)` and may return a function that stops its refresh timers.
 */
import { ApiError, call, forgetToken, saveToken, token } from './api.js';
import { field, fill, h } from './dom.js';
import * as gateways from './gateways.js';
import * as models from './models.js';
import * as rollouts from './rollouts.js';
import * as audit from './audit.js';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const alertBox = document.getElementById('alert');
const who = document.getElementById('who');
const signOutButton = document.getElementById('sign-out');
let stopSection = null;

/** What sections use to report to the operator. */
const ui = {
  /** Shows an error (an ApiError's message, with its status) in the banner at the top. */
  error(e) {
    if (e instanceof ApiError && e.status === 401) {
      signOut('Your token is no longer accepted; sign in again.');
      return;
    }
    const status = e instanceof ApiError && e.status ? ` (HTTP ${e.status})` : '';
    fill(alertBox, h('strong', { text: 'Error: ' }), `${e.message}${status}`,
      h('button', { type: 'button', class: 'quiet', 'aria-label': 'Dismiss', onClick: ui.clear }, '×'));
    alertBox.dataset.kind = 'error';
    alertBox.hidden = false;
  },
  /** Shows a short confirmation in the banner. */
  info(message) {
    fill(alertBox, message);
    alertBox.dataset.kind = 'info';
    alertBox.hidden = false;
  },
  /** Hides the banner if it holds a confirmation, which a later change makes stale. */
  clearInfo() {
    if (alertBox.dataset.kind === 'info') ui.clear();
  },
  clear() {
    alertBox.hidden = true;
    alertBox.replaceChildren();
  },
  go(hash) {
    if (location.hash === hash) route();
    else location.hash = hash;
  },
};

function signOut(message) {
  forgetToken();
  showSignIn(message);
}

function showSignIn(message) {
  stop();
  nav.hidden = true;
  signOutButton.hidden = true;
  who.textContent = '';
  ui.clear();
  const input = h('input', {
    type: 'password', name: 'token', autocomplete: 'current-password', required: true,
    spellcheck: 'false',
  });
  input.id = 'token';
  const error = h('p', { class: 'form-error', id: 'sign-in-error', role: 'alert' });
  if (message) error.textContent = message;
  const submit = h('button', { type: 'submit', id: 'sign-in', text: 'Sign in' });
  const form = h('form', { class: 'card narrow', 'aria-labelledby': 'sign-in-title' },
    h('h1', { id: 'sign-in-title', text: 'Sign in' }),
    h('p', { class: 'muted', text: 'Paste an API token. It stays in this tab only and is sent with every API call.' }),
    field('API token', input),
    error,
    h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    submit.disabled = true;
    const candidate = input.value.trim();
    try {
      await call('/models', { tokenOverride: candidate });
      saveToken(candidate);
      if (!location.hash || location.hash === '#/' || location.hash === '#') {
        location.hash = '#/gateways';
      }
      route();
    } catch (e) {
      error.textContent = e.status === 401
        ? `This token is not accepted: ${e.message}`
        : `Sign-in failed: ${e.message}`;
    } finally {
      submit.disabled = false;
    }
  });
  fill(main, form);
  input.focus();
}

function stop() {
  if (stopSection) stopSection();
  stopSection = null;
}

function route() {
  if (!token()) {
    showSignIn();
    return;
  }
  stop();
  ui.clear();
  nav.hidden = false;
  signOutButton.hidden = false;
  who.textContent = 'Signed in';
  const parts = (location.hash.replace(/^#\/?/, '') || 'gateways').split('/');
  const sections = { gateways, models, rollouts, audit };
  const section = sections[parts[0]] ? parts[0] : 'gateways';
  for (const link of nav.querySelectorAll('a')) {
    if (link.dataset.section === section) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  main.replaceChildren();
  const result = sections[section].render(main, parts.slice(1), ui);
  stopSection = typeof result === 'function' ? result : null;
  document.title = `${section[0].toUpperCase()}${section.slice(1)} · Isthmus fleet console`;
}

signOutButton.addEventListener('click', () => signOut());
window.addEventListener('hashchange', route);
route();
