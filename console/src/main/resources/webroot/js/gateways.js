/** Gateways: the fleet table, filtered by labels, state and the version a pipeline runs. */
import { call, query } from './api.js';
import { badge, field, fill, h, labels, parseLabels, table, time } from './dom.js';

const REFRESH_MS = 5000;

export function render(main, _params, ui) {
  const labelInput = h('input', { type: 'text', id: 'filter-label', placeholder: 'site=plant-1, tier=canary' });
  const stateSelect = h('select', { id: 'filter-state' },
    h('option', { value: '', text: 'any' }),
    h('option', { value: 'online', text: 'online' }),
    h('option', { value: 'offline', text: 'offline' }));
  const versionInput = h('input', { type: 'text', id: 'filter-version', placeholder: 'e.g. 3' });
  const summary = h('p', { class: 'summary', id: 'gateway-count', 'aria-live': 'polite' });
  const results = h('div', { class: 'table-wrap' });
  const form = h('form', { class: 'filters', 'aria-label': 'Filter gateways' },
    field('Labels', labelInput, 'KEY=VALUE, all must match'),
    field('State', stateSelect),
    field('Version', versionInput, 'a pipeline runs it'),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', id: 'apply-filters', text: 'Apply filters' }),
      h('button', { type: 'reset', class: 'quiet', id: 'clear-filters', text: 'Clear' })));

  let timer = null;
  async function load() {
    clearTimeout(timer);
    let filter;
    try {
      filter = Object.entries(parseLabels(labelInput.value)).map(([k, v]) => `${k}=${v}`);
    } catch (e) {
      ui.error(e);
      return;
    }
    try {
      const data = await call(`/gateways${query({
        label: filter, state: stateSelect.value, version: versionInput.value.trim(),
      })}`);
      summary.textContent = `${data.count} gateway${data.count === 1 ? '' : 's'} match.`;
      fill(results, table('Gateways',
        ['Gateway', 'State', 'Labels', 'Pipelines (active → desired)', 'Health', 'Platform', 'Agent', 'Last seen'],
        data.items.map(row), 'No gateway matches these filters.'));
    } catch (e) {
      ui.error(e);
    }
    timer = setTimeout(load, REFRESH_MS);
  }
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    ui.clear();
    load();
  });
  form.addEventListener('reset', () => setTimeout(load, 0));

  fill(main,
    h('div', { class: 'heading' }, h('h1', { text: 'Gateways' }),
      h('p', { class: 'muted', text: 'Every gateway that has reported to this console. Refreshes every 5 s.' })),
    form, summary, results);
  load();
  return () => clearTimeout(timer);
}

function row(g) {
  const pipelines = Object.entries(g.pipelines || {});
  return h('tr', { 'data-gateway': g.id },
    h('th', { scope: 'row' }, h('code', { text: g.id })),
    h('td', {}, badge(g.state)),
    h('td', {}, labels(g.labels)),
    h('td', {}, pipelines.length === 0 ? h('span', { class: 'muted', text: 'none' })
      : h('ul', { class: 'plain' }, pipelines.map(([name, p]) => h('li', {},
        h('strong', { text: name }), ': ',
        `${p.model ?? p.desiredModel ?? ''} ${p.activeVersion ?? '—'}`,
        p.desiredVersion && p.desiredVersion !== p.activeVersion
          ? h('span', { class: 'pending', text: ` → ${p.desiredVersion}` }) : null,
        p.lastError ? h('span', { class: 'error-text', text: ` (${p.lastError})` }) : null)))),
    h('td', {}, g.health ? badge(g.health) : h('span', { class: 'muted', text: '—' })),
    h('td', { text: g.platform || '—' }),
    h('td', { text: g.agentVersion || '—' }),
    h('td', { class: 'nowrap' }, time(g.lastSeen)));
}
