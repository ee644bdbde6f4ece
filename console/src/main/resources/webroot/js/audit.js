/** Audit history: every decision of people and of the rollout engine, newest first. */
import { call, query } from './api.js';
import { field, fill, h, table, time } from './dom.js';

export function render(main, _params, ui) {
  const rolloutInput = h('input', { type: 'number', id: 'audit-rollout', min: '1', placeholder: 'any' });
  const limitInput = h('input', { type: 'number', id: 'audit-limit', min: '1', max: '10000', value: '200' });
  const results = h('div', { class: 'table-wrap', id: 'audit-table' });
  const form = h('form', { class: 'filters', 'aria-label': 'Filter the audit history' },
    field('Rollout', rolloutInput),
    field('Entries', limitInput),
    h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'audit-apply', text: 'Show' })));

  async function load() {
    try {
      const data = await call(`/audit${query({ rollout: rolloutInput.value, limit: limitInput.value })}`);
      fill(results, auditTable('Audit history, newest first', data.items));
    } catch (e) {
      ui.error(e);
    }
  }
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    ui.clear();
    load();
  });
  fill(main, h('div', { class: 'heading' }, h('h1', { text: 'Audit history' })), form, results);
  load();
}

/** The audit table, shared with the rollout page. */
export function auditTable(caption, items) {
  return table(caption, ['When', 'Actor', 'Action', 'Rollout', 'Detail'], items.map((e) =>
    h('tr', { 'data-action': e.action },
      h('td', { class: 'nowrap' }, time(e.at)),
      h('td', { text: e.actor }),
      h('td', {}, h('span', { class: `action action-${e.action}`, text: e.action })),
      h('td', {}, e.rolloutId ? h('a', { href: `#/rollouts/${e.rolloutId}`, text: `#${e.rolloutId}` }) : '—'),
      h('td', { class: 'detail', text: e.detail || '' }))), 'No entries.');
}
