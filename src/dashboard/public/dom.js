// A tiny element builder. Text always goes in as text nodes (never innerHTML), so order data coming from marketplaces
// cannot inject markup into the page.

/**
 * h('button', { type: 'button', class: 'primary', onclick: fn, 'aria-label': '…' }, 'Text', child, [more])
 * Attributes: `class`, `dataset` (object), `on<event>` (listener), booleans (present when true), anything else as an
 * attribute. `null`/`undefined`/`false` attributes and children are skipped.
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'class') element.className = Array.isArray(value) ? value.filter(Boolean).join(' ') : value;
    else if (name === 'dataset') Object.assign(element.dataset, value);
    else if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (value === true) element.setAttribute(name, '');
    else if (name === 'value' && 'value' in element) element.value = String(value);
    else element.setAttribute(name, String(value));
  }
  append(element, children);
  return element;
}

function append(parent, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function clear(element) {
  element.replaceChildren();
  return element;
}

/** replaceChildren with h()'s rules: arrays are flattened, null/false skipped, strings become text. */
export function replace(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

let idCounter = 0;
/** Unique ids for label/aria-describedby pairs built at run time. */
export function uid(prefix = 'id') {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

const disabledBy = new WeakMap();
/**
 * Turns one reason for a control to be disabled on or off; it is enabled once no reason is left. A request in flight,
 * the order's state and the key's role each disable the same buttons: one must not re-enable what another disabled.
 */
export function disableFor(control, reason, on) {
  let reasons = disabledBy.get(control);
  if (!reasons) disabledBy.set(control, (reasons = new Set()));
  if (on) reasons.add(reason);
  else reasons.delete(reason);
  control.disabled = reasons.size > 0;
}

/** Adds or removes one id of `aria-describedby`, leaving the others (a hint, an error) in place. */
export function describedBy(element, id, on) {
  const ids = (element.getAttribute('aria-describedby') ?? '').split(/\s+/).filter((token) => token && token !== id);
  if (on) ids.push(id);
  if (ids.length > 0) element.setAttribute('aria-describedby', ids.join(' '));
  else element.removeAttribute('aria-describedby');
}

const announcer = () => document.getElementById('announcer');
const alerter = () => document.getElementById('alerter');

/**
 * Polite announcement for screen readers. The text is cleared first so the same message twice is read twice, and
 * bursts (many orders changing at once) are merged instead of queued one by one.
 */
let pending = [];
let flushTimer = null;
export function announce(message) {
  pending.push(message);
  if (flushTimer) return;
  flushTimer = setTimeout(() => {
    const region = announcer();
    const text = pending.length > 3 ? `${pending.length} orders changed. ${pending.slice(-1)[0]}` : pending.join(' ');
    pending = [];
    flushTimer = null;
    if (!region) return;
    region.textContent = '';
    requestAnimationFrame(() => (region.textContent = text));
  }, 250);
}

export function alertNow(message) {
  const region = alerter();
  if (!region) return;
  region.textContent = '';
  requestAnimationFrame(() => (region.textContent = message));
}

/** Moves focus to a view's heading after navigation, so keyboard and screen-reader users start at the new content. */
export function focusHeading(container) {
  const heading = container.querySelector('h1');
  if (!heading) return;
  heading.setAttribute('tabindex', '-1');
  heading.focus({ preventScroll: false });
}
