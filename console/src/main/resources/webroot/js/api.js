/**
 * The console's REST API (/api/v1) with the signed-in token. The token lives in sessionStorage, so it
 * is gone when the tab closes. Every failure becomes an ApiError carrying the API's own message.
 */

const TOKEN_KEY = 'isthmus.console.token';

/** A failed call: the HTTP status (0 when the console could not be reached) and the API's message. */
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function saveToken(value) {
  sessionStorage.setItem(TOKEN_KEY, value);
}

export function forgetToken() {
  sessionStorage.removeItem(TOKEN_KEY);
}

/**
 * Calls `path` under /api/v1. `json` is sent as a JSON body, `form` (a FormData) as multipart.
 * Returns the parsed JSON, or null for an empty answer.
 */
export async function call(path, { method = 'GET', json, form, tokenOverride } = {}) {
  const headers = { Authorization: `Bearer ${tokenOverride ?? token() ?? ''}` };
  let body;
  if (json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(json);
  } else if (form !== undefined) {
    body = form;
  }
  let response;
  try {
    response = await fetch(`/api/v1${path}`, { method, headers, body });
  } catch (e) {
    throw new ApiError(0, `the console cannot be reached (${e.message})`);
  }
  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!response.ok) {
    const message = data && data.error ? data.error : `${response.status} ${response.statusText}`;
    throw new ApiError(response.status, message);
  }
  return data;
}

/** Builds a query string from an object, repeating keys whose value is an array; skips empties. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      if (v !== undefined && v !== null && v !== '') q.append(key, v);
    }
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}
