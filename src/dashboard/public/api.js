// The engine's HTTP API as the page uses it: JSON in and out, errors as RFC 9457 problem details, the operator's API
// key (when the engine wants one) in the X-API-Key header. The key lives in sessionStorage only: it goes away with
// the tab and is never part of the page's source.

const KEY_STORAGE = 'lengow-sync.apiKey';

export class ApiError extends Error {
  /** @param {{status:number,title?:string,detail?:string,type?:string,code?:string,fields?:{field:string,message:string}[]}} problem */
  constructor(problem) {
    super(problem.detail || problem.title || `HTTP ${problem.status}`);
    this.name = 'ApiError';
    this.status = problem.status;
    this.title = problem.title || statusTitle(problem.status);
    this.detail = problem.detail || '';
    this.type = problem.type || 'about:blank';
    this.code = problem.code || null;
    this.fields = problem.fields || [];
    this.problem = problem.raw || null;
  }
}

function statusTitle(status) {
  if (status === 0) return 'The engine cannot be reached';
  if (status === 401) return 'API key required';
  if (status === 403) return 'Not allowed with this API key';
  if (status === 404) return 'Not found';
  if (status === 409) return 'Changed in the meantime';
  if (status >= 500) return 'The engine failed to answer';
  return `Request refused (HTTP ${status})`;
}

export function storedApiKey() {
  try {
    return sessionStorage.getItem(KEY_STORAGE);
  } catch {
    return null;
  }
}

export function storeApiKey(key) {
  try {
    if (key) sessionStorage.setItem(KEY_STORAGE, key);
    else sessionStorage.removeItem(KEY_STORAGE);
  } catch {
    // Storage can be disabled; the key then lives for this page load only.
  }
  memoryKey = key || null;
  document.dispatchEvent(new CustomEvent('api-key-changed'));
}

let memoryKey = null;
const currentKey = () => storedApiKey() ?? memoryKey;
/** The key requests are sent with now (null: none). */
export const currentApiKey = currentKey;

/** Set by app.js: asks the operator for a key, resolves with it, or with null when they cancel. */
let keyPrompt = async () => null;
let promptInFlight = null;
export function setApiKeyPrompt(prompt) {
  keyPrompt = prompt;
}

/** One dialog for concurrent 401s: every waiting request retries with the key typed once. */
function askForKey(reason) {
  if (!promptInFlight) promptInFlight = keyPrompt(reason).finally(() => (promptInFlight = null));
  return promptInFlight;
}

export function authHeaders() {
  const key = currentKey();
  return key ? { 'X-API-Key': key } : {};
}

/**
 * Collects field-level messages from the shapes validation problems come in: `errors: [{field|name|property,
 * message|reason|detail}]` (or a map of field → messages), RFC 7807's `invalid-params`, or a single `field`.
 */
export function fieldMessages(body) {
  const out = [];
  const push = (field, message) => {
    if (message) out.push({ field: field ? String(field) : '', message: String(message) });
  };
  const lists = [body?.errors, body?.['invalid-params'], body?.invalidParams, body?.failures, body?.violations];
  for (const list of lists) {
    if (Array.isArray(list)) {
      for (const item of list) {
        if (typeof item === 'string') push(body?.field, item);
        else if (item && typeof item === 'object') {
          const messages = item.messages ?? item.constraints;
          const field = item.field ?? item.name ?? item.property ?? item.pointer ?? item.path;
          if (Array.isArray(messages)) messages.forEach((message) => push(field, message));
          else if (messages && typeof messages === 'object') Object.values(messages).forEach((m) => push(field, m));
          else push(field, item.message ?? item.reason ?? item.detail);
        }
      }
    } else if (list && typeof list === 'object') {
      for (const [field, messages] of Object.entries(list)) {
        (Array.isArray(messages) ? messages : [messages]).forEach((message) => push(field, message));
      }
    }
  }
  if (out.length === 0 && body?.field) push(body.field, body.detail ?? body.title);
  return out;
}

async function toApiError(response) {
  let body = null;
  const type = response.headers.get('content-type') || '';
  try {
    body = type.includes('json') ? await response.json() : { detail: (await response.text()).slice(0, 300) };
  } catch {
    body = null;
  }
  const message = Array.isArray(body?.message) ? body.message.join('; ') : body?.message;
  return new ApiError({
    status: response.status,
    title: body?.title ?? (typeof body?.error === 'string' ? body.error : undefined),
    detail: body?.detail ?? message,
    type: body?.type,
    code: body?.code ?? body?.errorCode ?? null,
    fields: fieldMessages(body),
    raw: body,
  });
}

export function buildUrl(path, query) {
  const url = new URL(path, location.origin);
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) value.forEach((item) => url.searchParams.append(name, item));
    else url.searchParams.set(name, String(value));
  }
  return url.pathname + url.search;
}

/**
 * fetch + JSON + problem details + API key. A 401 opens the key dialog, then the request is sent again with the key;
 * cancelling it rejects with the 401's problem. `askForKey: false` rejects with the 401 at once, for background
 * requests that must neither open the dialog nor drop the key.
 */
export async function api(method, path, { query, body, headers = {}, signal, askForKey: ask = true } = {}) {
  const url = buildUrl(path, query);
  // One key per operator action, kept across the retry after a 401: a command the engine already ran (the answer was
  // lost, the operator clicked twice) is answered again instead of being run twice.
  const idempotency = method === 'GET' ? {} : { 'Idempotency-Key': newIdempotencyKey() };
  for (;;) {
    let response;
    const sentKey = currentKey();
    try {
      response = await fetch(url, {
        method,
        signal,
        headers: {
          Accept: 'application/json, application/problem+json',
          ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
          ...idempotency,
          ...authHeaders(),
          ...headers,
        },
        body: body !== undefined ? JSON.stringify(body) : undefined,
      });
    } catch (error) {
      if (error?.name === 'AbortError') throw error;
      throw new ApiError({ status: 0, detail: 'No answer from the engine. Check that it is running, then retry.' });
    }
    if (response.status === 401) {
      const problem = await toApiError(response);
      if (!ask) throw problem;
      // Another request (or tab) stored a new key while this one was out: try with it before asking anyone.
      if (currentKey() && currentKey() !== sentKey) continue;
      // A key the engine refused is dropped at once, so it is neither re-sent nor offered as "Forget API key".
      if (sentKey) storeApiKey(null);
      const key = await askForKey(problem);
      if (key) continue;
      throw problem;
    }
    if (!response.ok) {
      const error = await toApiError(response);
      // The page turns off what the key may not do, so this refusal means the role changed on the engine since the
      // page asked (or was not known yet): it asks again.
      if (error.code === 'ROLE_TOO_LOW') document.dispatchEvent(new CustomEvent('api-role-refused'));
      throw error;
    }
    if (response.status === 204) return { body: null, response };
    const type = response.headers.get('content-type') || '';
    const data = type.includes('json') ? await response.json() : await response.text();
    return { body: data, response };
  }
}

function newIdempotencyKey() {
  // randomUUID needs a secure context; an engine reached over plain http on another host is not one.
  if (typeof crypto.randomUUID === 'function' && isSecureContext) return `dashboard-${crypto.randomUUID()}`;
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `dashboard-${[...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}

export const get = async (path, query, options = {}) => (await api('GET', path, { ...options, query })).body;
export const post = async (path, body = {}, options = {}) => (await api('POST', path, { ...options, body })).body;
export const put = async (path, body = {}, options = {}) => (await api('PUT', path, { ...options, body })).body;
export const patch = async (path, body = {}, options = {}) => (await api('PATCH', path, { ...options, body })).body;
export const del = async (path, body, options = {}) => (await api('DELETE', path, { ...options, body })).body;

/** A one-line, human explanation of a failure for banners and dialogs. */
export function describeError(error) {
  if (error instanceof ApiError) {
    const fields = error.fields.map((item) => (item.field ? `${item.field}: ${item.message}` : item.message));
    const detail = fields.length > 0 ? fields.join(' · ') : error.detail;
    return detail && detail !== error.title ? `${error.title}: ${detail}` : error.title;
  }
  return error?.message || String(error);
}
