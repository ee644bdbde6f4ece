/**
 * Small DOM helpers: build elements without HTML strings (so nothing from the API is ever parsed as
 * markup), and format the values the API returns.
 */

/**
 * Creates an element. `attrs` may hold `class`, `text`, `on<Event>` handlers, boolean properties
 * and plain attributes; `children` are nodes, strings, or null (skipped).
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = value;
    else if (key.startsWith('on')) el.addEventListener(key.slice(2).toLowerCase(), value);
    else if (key === 'value') el.value = value;
    else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Replaces the children of `el`. */
export function fill(el, ...children) {
  el.replaceChildren();
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** A labelled form field; `input` is the control. */
export function field(label, input, hint) {
  const id = input.id || `f-${Math.random().toString(36).slice(2, 9)}`;
  input.id = id;
  const hintEl = hint ? h('span', { class: 'hint', id: `${id}-hint`, text: hint }) : null;
  if (hintEl) input.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: 'field' }, h('label', { for: id, text: label }), input, hintEl);
}

/** A coloured badge that also says its state in words. */
export function badge(state) {
  return h('span', { class: `badge badge-${state}`, 'data-state': state, text: state });
}

/** "2026-11-24 02:31:05" in the viewer's time zone; the full ISO time in the tooltip. */
export function time(iso) {
  if (!iso) return h('span', { text: '—' });
  const d = new Date(iso);
  const pad = (n) => String(n).padStart(2, '0');
  const text = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} `
    + `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return h('time', { datetime: iso, title: iso, text });
}

/** "12.3 MiB". */
export function bytes(n) {
  if (n === null || n === undefined) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** Label chips for a `{key: value}` object. */
export function labels(obj) {
  const entries = Object.entries(obj || {});
  if (entries.length === 0) return h('span', { class: 'muted', text: 'none' });
  return h('span', { class: 'chips' },
    entries.map(([k, v]) => h('span', { class: 'chip', text: `${k}=${v}` })));
}

/** Parses "a=1, b=2" into `{a: '1', b: '2'}`; throws with a clear message on a bad pair. */
export function parseLabels(text) {
  const out = {};
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new Error(`"${part}" is not a label: expected KEY=VALUE`);
    out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return out;
}

/** A table with a caption, header cells and rows; `empty` is shown when there are no rows. */
export function table(caption, headers, rows, empty = 'Nothing here yet.') {
  return h('table', {},
    h('caption', { text: caption }),
    h('thead', {}, h('tr', {}, headers.map((t) => h('th', { scope: 'col', text: t })))),
    h('tbody', {}, rows.length
      ? rows
      : h('tr', { class: 'empty' }, h('td', { colspan: headers.length, text: empty }))));
}
