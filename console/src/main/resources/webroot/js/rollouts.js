/**
 * Rollouts: the list, the form that starts one, and a rollout's page with live progress per wave
 * (polled every second) and the pause, resume and abort commands.
 */
import { call } from './api.js';
import { badge, field, fill, h, labels, parseLabels, table, time } from './dom.js';
import { auditTable } from './audit.js';

const LIVE_MS = 1000;

export function render(main, params, ui) {
  return params[0] ? detail(main, params[0], ui) : overview(main, ui);
}

// --- the list and the form

function overview(main, ui) {
  const list = h('div', { class: 'table-wrap', id: 'rollout-list' });
  const form = createForm(ui);
  let timer = null;
  async function load() {
    clearTimeout(timer);
    try {
      const data = await call('/rollouts');
      fill(list, table('Rollouts, newest first',
        ['#', 'Name', 'Model', 'State', 'Wave', 'Succeeded', 'Failed', 'Updated'],
        data.items.slice().sort((a, b) => b.id - a.id).map((r) => h('tr', { 'data-rollout': r.id },
          h('td', { text: `#${r.id}` }),
          h('th', { scope: 'row' }, h('a', { href: `#/rollouts/${r.id}`, text: r.name })),
          h('td', { text: `${r.spec.modelName} ${r.spec.modelVersion}` }),
          h('td', {}, badge(r.state)),
          h('td', { text: `${Math.min(r.currentWave, r.waves.length)} of ${r.waves.length}` }),
          h('td', { text: `${r.totals.succeeded} of ${r.targeted}` }),
          h('td', { text: r.totals.failed + r.totals.rolledBack }),
          h('td', {}, time(r.updatedAt)))), 'No rollout yet.'));
    } catch (e) {
      ui.error(e);
    }
    timer = setTimeout(load, 5000);
  }
  fill(main, h('div', { class: 'heading' }, h('h1', { text: 'Rollouts' })), list, form);
  load();
  return () => clearTimeout(timer);
}

function createForm(ui) {
  const input = (id, attrs = {}) => h('input', { type: 'text', id, ...attrs });
  const name = input('ro-name', { placeholder: 'defaults to model and version' });
  const pipeline = input('ro-pipeline', { required: true, placeholder: 'e.g. vib' });
  const model = h('select', { id: 'ro-model', required: true });
  const version = h('select', { id: 'ro-version', required: true });
  const selector = input('ro-selector', { placeholder: 'site=plant-1' });
  const waves = input('ro-waves', { value: '1, 10, 50, 100', required: true });
  const success = h('input', { type: 'number', id: 'ro-success', min: '1', max: '100', step: 'any', value: '100' });
  const maxFailures = h('input', { type: 'number', id: 'ro-max-failures', min: '-1', step: '1', value: '-1' });
  const maxFailurePercent = h('input', { type: 'number', id: 'ro-max-failure-percent', min: '-1', max: '100', step: 'any', value: '10' });
  const rollback = h('input', { type: 'checkbox', id: 'ro-rollback', checked: true });
  const timeout = h('input', { type: 'number', id: 'ro-timeout', min: '1', step: '1', value: '300' });
  const minRuns = h('input', { type: 'number', id: 'ro-min-runs', min: '0', step: '1', value: '20' });
  const errorRise = h('input', { type: 'number', id: 'ro-error-rise', min: '0', step: 'any', value: '2' });
  const p95Ratio = h('input', { type: 'number', id: 'ro-p95-ratio', min: '0', step: 'any', value: '1.5' });
  const priority = h('input', { type: 'number', id: 'ro-priority', step: '1', value: '0' });
  const submit = h('button', { type: 'submit', id: 'start-rollout', text: 'Start rollout' });

  async function loadVersions() {
    fill(version);
    if (!model.value) return;
    try {
      const data = await call(`/models/${encodeURIComponent(model.value)}/versions`);
      fill(version, data.items.map((v) => h('option', { value: v.version, text: v.version })));
    } catch (e) {
      ui.error(e);
    }
  }
  model.addEventListener('change', loadVersions);
  call('/models').then((data) => {
    fill(model, data.items.map((m) => h('option', { value: m.name, text: m.name })));
    return loadVersions();
  }).catch((e) => ui.error(e));

  const form = h('form', { class: 'card', 'aria-labelledby': 'new-rollout' },
    h('h2', { id: 'new-rollout', text: 'Start a rollout' }),
    h('fieldset', {}, h('legend', { text: 'What and where' }), h('div', { class: 'grid' },
      field('Name', name),
      field('Pipeline', pipeline, 'whose model is replaced'),
      field('Model', model),
      field('Version', version),
      field('Selector', selector, 'KEY=VALUE labels; empty targets every gateway'),
      field('Priority', priority, 'the higher wins where rollouts overlap'))),
    h('fieldset', {}, h('legend', { text: 'Waves and thresholds' }), h('div', { class: 'grid' },
      field('Waves (cumulative %)', waves, 'ascending, ending at 100'),
      field('Success per wave (%)', success, 'needed before the next wave'),
      field('Halt after failures', maxFailures, 'count; -1 for no limit'),
      field('Halt above failure %', maxFailurePercent, 'of gateways reached; -1 for no limit'),
      field('Gateway timeout (s)', timeout, 'a stuck gateway counts as failed'),
      h('div', { class: 'field checkbox' }, rollback, h('label', { for: rollback.id, text: 'Roll back when halted' })))),
    h('fieldset', {}, h('legend', { text: 'Health gate (new version vs previous, same gateway)' }), h('div', { class: 'grid' },
      field('Runs before judging', minRuns),
      field('Error rate rise (points)', errorRise),
      field('p95 latency ratio', p95Ratio, '0 switches it off'))),
    h('div', { class: 'actions' }, submit));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    ui.clear();
    let spec;
    try {
      spec = {
        pipeline: pipeline.value.trim(),
        modelName: model.value,
        modelVersion: version.value,
        selector: parseLabels(selector.value),
        waves: waves.value.split(',').map((s) => s.trim()).filter(Boolean).map((s) => {
          const n = Number(s);
          if (!Number.isInteger(n)) throw new Error(`wave "${s}" is not a whole percentage`);
          return n;
        }),
        successThreshold: Number(success.value) / 100,
        errorThreshold: {
          maxFailures: Number(maxFailures.value),
          maxFailurePercent: Number(maxFailurePercent.value),
        },
        rollbackOnHalt: rollback.checked,
        gatewayTimeoutSeconds: Number(timeout.value),
        healthGate: {
          minRuns: Number(minRuns.value),
          maxErrorRateIncrease: Number(errorRise.value) / 100,
          maxP95Ratio: Number(p95Ratio.value),
        },
        priority: Number(priority.value),
      };
      if (name.value.trim()) spec.name = name.value.trim();
    } catch (e) {
      ui.error(e);
      return;
    }
    submit.disabled = true;
    try {
      const created = await call('/rollouts', { method: 'POST', json: spec });
      ui.go(`#/rollouts/${created.id}`);
    } catch (e) {
      ui.error(e);
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

// --- one rollout, live

function detail(main, id, ui) {
  const header = h('div', { class: 'heading' });
  const controls = h('div', { class: 'controls', role: 'group', 'aria-label': 'Rollout commands' });
  const live = h('p', { class: 'live muted', id: 'live', 'aria-live': 'off' });
  const totals = h('dl', { class: 'totals', id: 'totals' });
  const waves = h('ol', { class: 'waves', id: 'waves', 'aria-label': 'Waves' });
  const settings = h('section', { class: 'card settings', id: 'settings' });
  const failures = h('section', { id: 'failures' });
  const history = h('section', { id: 'rollout-audit' });
  const announcer = h('p', { class: 'sr-only', 'aria-live': 'polite', id: 'announcer' });
  let timer = null;
  let stopped = false;
  let lastState = null;
  let confirmingAbort = false;

  async function command(action, json) {
    ui.clear();
    for (const b of controls.querySelectorAll('button')) b.disabled = true;
    try {
      const r = await call(`/rollouts/${id}/${action}`, { method: 'POST', json });
      confirmingAbort = false;
      show(r);
      ui.info(`Rollout #${id} is ${r.state}.`);
    } catch (e) {
      ui.error(e);
    }
    refresh();
  }

  function showControls(r) {
    const active = r.state === 'running' || r.state === 'paused';
    if (confirmingAbort && active) {
      const rollbackBox = h('input', { type: 'checkbox', id: 'abort-rollback' });
      fill(controls,
        h('span', { class: 'confirm', text: 'Abort this rollout?' }),
        h('span', { class: 'field checkbox' }, rollbackBox,
          h('label', { for: 'abort-rollback', text: 'send reached gateways back' })),
        h('button', { type: 'button', class: 'danger', id: 'confirm-abort', onClick: () => command('abort', { rollback: rollbackBox.checked }) }, 'Abort now'),
        h('button', { type: 'button', class: 'quiet', id: 'cancel-abort', onClick: () => { confirmingAbort = false; showControls(r); } }, 'Keep going'));
      return;
    }
    fill(controls,
      h('button', { type: 'button', id: 'pause', disabled: r.state !== 'running', onClick: () => command('pause') }, 'Pause'),
      h('button', { type: 'button', id: 'resume', disabled: r.state !== 'paused', onClick: () => command('resume') }, 'Resume'),
      h('button', { type: 'button', class: 'danger', id: 'abort', disabled: !active, onClick: () => { confirmingAbort = true; showControls(r); } }, 'Abort…'));
  }

  function show(r) {
    fill(header,
      h('p', { class: 'crumbs' }, h('a', { href: '#/rollouts', text: 'Rollouts' }), ` / #${r.id}`),
      h('h1', {}, `${r.name} `, badge(r.state)),
      h('p', { class: 'subtitle' },
        `${r.spec.modelName} ${r.spec.modelVersion} to pipeline `, h('code', { text: r.spec.pipeline }),
        ' on ', labels(r.spec.selector), ` · ${r.targeted} gateway${r.targeted === 1 ? '' : 's'} targeted`),
      r.reason ? h('p', { class: `reason reason-${r.state}`, id: 'reason', text: r.reason }) : null);
    if (r.state !== lastState) {
      if (lastState) {
        announcer.textContent = `Rollout is now ${r.state}.`;
        ui.clearInfo();
      }
      lastState = r.state;
      if (!confirmingAbort || !(r.state === 'running' || r.state === 'paused')) confirmingAbort = false;
      showControls(r);
    }
    const t = r.totals;
    fill(totals, [
      ['Targeted', r.targeted, 'targeted'], ['Updating', t.updating, 'updating'],
      ['Succeeded', t.succeeded, 'succeeded'], ['Failed', t.failed, 'failed'],
      ['Rolled back', t.rolledBack, 'rolledBack'], ['Superseded', t.superseded, 'superseded'],
    ].map(([label, value, key]) => h('div', { class: `total total-${key}`, 'data-total': key },
      h('dt', { text: label }), h('dd', { text: value }))));
    waves.dataset.current = r.currentWave;
    fill(waves, r.waves.map((w) => wave(w, r)));
    fill(settings, h('h2', { text: 'Settings' }), h('dl', { class: 'facts' },
      fact('Waves', r.spec.waves.map((p) => `${p}%`).join(' → ')),
      fact('Success per wave', `${Math.round(r.spec.successThreshold * 1000) / 10}%`),
      fact('Halts after', threshold(r.spec.errorThreshold)),
      fact('When halted', r.spec.rollbackOnHalt ? 'roll back' : 'keep the new version'),
      fact('Gateway timeout', `${r.spec.gatewayTimeoutSeconds} s`),
      fact('Health gate', `${r.spec.healthGate.minRuns} runs; error rate +${r.spec.healthGate.maxErrorRateIncrease * 100} points; p95 ×${r.spec.healthGate.maxP95Ratio || 'off'}`),
      fact('Priority', r.spec.priority),
      fact('Created', time(r.createdAt))));
    fill(failures, r.failures.length === 0 ? null : [h('h2', { text: 'Failed gateways' }),
      h('div', { class: 'table-wrap' }, table('Gateways that failed or were rolled back',
        ['Gateway', 'Status', 'Reason'], r.failures.map((f) => h('tr', {},
          h('th', { scope: 'row' }, h('code', { text: f.gateway })),
          h('td', {}, badge(f.status.replace('_', '-'))),
          h('td', { text: f.reason || '' })))))]);
    const now = new Date();
    live.textContent = r.state === 'running' || r.state === 'paused'
      ? `Live · updated ${now.toLocaleTimeString()}`
      : `Finished · ${r.state}`;
  }

  async function refresh() {
    clearTimeout(timer);
    try {
      const [r, events] = await Promise.all([
        call(`/rollouts/${id}`),
        call(`/audit?rollout=${encodeURIComponent(id)}&limit=50`),
      ]);
      if (stopped) return;
      show(r);
      fill(history, h('h2', { text: 'History' }), h('div', { class: 'table-wrap' },
        auditTable(`Audit entries of rollout #${id}, newest first`, events.items)));
    } catch (e) {
      if (stopped) return;
      ui.error(e);
      if (e.status === 404) return; // no such rollout: nothing to poll
    }
    if (!stopped) timer = setTimeout(refresh, LIVE_MS);
  }

  fill(main, header, h('div', { class: 'toolbar' }, controls, live), announcer,
    totals, h('h2', { text: 'Waves' }), waves, failures, history, settings);
  refresh();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

function wave(w, r) {
  const planned = Math.max(w.planned, w.reached, 1);
  const part = (n, kind) => (n > 0
    ? h('span', { class: `seg seg-${kind}`, style: `width:${(100 * n) / planned}%` }) : null);
  const failed = w.failed + w.rolledBack;
  // the last wave of a completed rollout is done, not current
  const state = w.state === 'current' && r.state === 'completed' ? 'done' : w.state;
  const stateText = { done: 'done', current: r.state === 'running' ? 'in progress' : r.state, pending: 'waiting' }[state];
  return h('li', { class: `wave wave-${state}`, 'data-wave': w.wave, 'data-state': state,
    'data-succeeded': w.succeeded, 'data-updating': w.updating, 'data-failed': failed },
  h('div', { class: 'wave-head' },
    h('strong', { text: `Wave ${w.wave}` }),
    h('span', { class: 'muted', text: ` up to ${w.percent}%` }),
    h('span', { class: 'wave-state', text: stateText })),
  h('div', { class: 'bar-track', role: 'progressbar', 'aria-label': `Wave ${w.wave} succeeded`,
    'aria-valuemin': 0, 'aria-valuemax': w.planned, 'aria-valuenow': w.succeeded },
  part(w.succeeded, 'ok'), part(w.updating, 'updating'), part(failed, 'failed')),
  h('p', { class: 'wave-counts' },
    `${w.succeeded} of ${w.planned} succeeded`,
    w.updating ? ` · ${w.updating} updating` : '',
    failed ? h('span', { class: 'error-text', text: ` · ${failed} failed` }) : ''));
}

function fact(label, value) {
  return [h('dt', { text: label }), h('dd', {}, value)];
}

function threshold(t) {
  const parts = [];
  if (t.maxFailures >= 0) parts.push(`more than ${t.maxFailures} failed`);
  if (t.maxFailurePercent >= 0) parts.push(`more than ${t.maxFailurePercent}% failed`);
  return parts.length ? parts.join(' or ') : 'never';
}
