/** Models: upload a version (a signed package is built by the console) and list the versions. */
import { call } from './api.js';
import { bytes, field, fill, h, table, time } from './dom.js';

export function render(main, params, ui) {
  const selected = params[0] ? decodeURIComponent(params[0]) : null;
  const nameInput = h('input', { type: 'text', id: 'model-name', required: true, pattern: '[A-Za-z0-9._-]+', value: selected || '' });
  const versionInput = h('input', { type: 'text', id: 'model-version', required: true });
  const fileInput = h('input', { type: 'file', id: 'model-file', required: true, accept: '.onnx,.tflite' });
  const platformsInput = h('input', { type: 'text', id: 'model-platforms', placeholder: 'linux-x86_64, linux-aarch64' });
  const submit = h('button', { type: 'submit', id: 'upload', text: 'Upload version' });
  const status = h('p', { class: 'summary', id: 'upload-status', 'aria-live': 'polite' });
  const form = h('form', { class: 'card', 'aria-labelledby': 'upload-title' },
    h('h2', { id: 'upload-title', text: 'Upload a model version' }),
    h('div', { class: 'grid' },
      field('Model name', nameInput),
      field('Version', versionInput),
      field('Model file', fileInput, '.onnx or .tflite'),
      field('Platforms', platformsInput, 'optional, comma separated')),
    h('div', { class: 'actions' }, submit), status);
  const list = h('div', { class: 'table-wrap', id: 'model-list' });
  const versions = h('section', { id: 'versions', 'aria-live': 'polite' });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    ui.clear();
    const file = fileInput.files[0];
    const name = nameInput.value.trim();
    const data = new FormData();
    data.append('version', versionInput.value.trim());
    for (const p of platformsInput.value.split(',').map((s) => s.trim()).filter(Boolean)) {
      data.append('platform', p);
    }
    data.append('model', file, file.name);
    submit.disabled = true;
    status.textContent = `Uploading ${file.name}…`;
    try {
      const v = await call(`/models/${encodeURIComponent(name)}/versions`, { method: 'POST', form: data });
      status.textContent = `Uploaded ${v.model} ${v.version} (${v.format}, ${bytes(v.totalBytes)}), signed with key ${v.keyId}.`;
      versionInput.value = '';
      fileInput.value = '';
      await loadModels();
      await loadVersions(v.model);
    } catch (e) {
      status.textContent = '';
      ui.error(e);
    } finally {
      submit.disabled = false;
    }
  });

  async function loadModels() {
    try {
      const data = await call('/models');
      fill(list, table('Models', ['Model', 'Versions', 'Last upload'], data.items.map((m) =>
        h('tr', { 'data-model': m.name },
          h('th', { scope: 'row' }, h('a', { href: `#/models/${encodeURIComponent(m.name)}`, text: m.name })),
          h('td', { text: m.versions }),
          h('td', {}, time(m.updatedAt)))), 'No model uploaded yet.'));
    } catch (e) {
      ui.error(e);
    }
  }

  async function loadVersions(name) {
    if (!name) {
      fill(versions);
      return;
    }
    try {
      const data = await call(`/models/${encodeURIComponent(name)}/versions`);
      fill(versions, h('h2', { text: `Versions of ${name}` }), h('div', { class: 'table-wrap' },
        table(`Versions of ${name}, newest first`,
          ['Version', 'Format', 'Size', 'Platforms', 'Manifest sha256', 'Uploaded', 'By'],
          data.items.map((v) => h('tr', { 'data-version': v.version },
            h('th', { scope: 'row', text: v.version }),
            h('td', { text: v.format }),
            h('td', { text: bytes(v.totalBytes) }),
            h('td', { text: v.platforms.length ? v.platforms.join(', ') : 'any' }),
            h('td', {}, h('code', { title: v.manifestSha256, text: `${v.manifestSha256.slice(0, 12)}…` })),
            h('td', {}, time(v.createdAt)),
            h('td', { text: v.createdBy }))), 'No versions.')));
    } catch (e) {
      ui.error(e);
    }
  }

  fill(main,
    h('div', { class: 'heading' }, h('h1', { text: 'Models' })),
    form, list, versions);
  loadModels();
  loadVersions(selected);
}
