import { applyAccess, onAccessChange, startAccess } from './access.js';
import { setApiKeyPrompt, storedApiKey, storeApiKey } from './api.js';
import { promptForApiKey } from './dialogs.js';
import { focusHeading } from './dom.js';
import { ENDPOINTS } from './endpoints.js';
import { openEventStream } from './event-stream.js';
import { mountOrderPage } from './order-view.js';
import { mountOrdersList } from './orders-view.js';
import { mountSettings } from './settings-view.js';

// Shell of the single page: hash routing, the shared live-update stream, the API key button and the connection
// indicator. Each view is a function mount(container, params, context) returning { unmount() }.

const main = document.getElementById('main');

/**
 * One SSE connection for the whole page, opened by the first view that needs it. The orders list passes the event
 * position its page reflects, so the changes between that page and the stream's start are not lost; later views
 * share the same connection (it resumes with Last-Event-ID after a drop).
 */
const live = (() => {
  const listeners = new Set();
  const stateListeners = new Set();
  let state = 'idle';
  let stream = null;
  const indicator = document.getElementById('connection');
  const text = document.getElementById('connection-text');
  const LABELS = {
    idle: 'Live updates off',
    connecting: 'Connecting to live updates…',
    open: 'Live updates on',
    reconnecting: 'Live updates interrupted, reconnecting…',
    unauthorized: 'Live updates need an API key',
    closed: 'Live updates off',
  };
  return {
    start(from = null) {
      if (stream) return;
      const path = from ? `${ENDPOINTS.events}?from=${encodeURIComponent(from)}` : ENDPOINTS.events;
      stream = openEventStream(path, {
        onEvent: (event) => listeners.forEach((listener) => listener(event)),
        onState: (next) => {
          const previous = state;
          state = next;
          indicator.dataset.state = next;
          text.textContent = LABELS[next] ?? next;
          stateListeners.forEach((listener) => listener(next, previous));
        },
      });
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    /** Called with (state, previous); a view refetches when the stream comes back after a drop. */
    onState(listener) {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
    get state() {
      return state;
    },
  };
})();

setApiKeyPrompt(promptForApiKey);

const forgetKey = document.getElementById('forget-key');
const syncKeyButton = () => (forgetKey.hidden = !storedApiKey());
forgetKey.addEventListener('click', () => {
  storeApiKey(null);
  main.focus();
});
document.addEventListener('api-key-changed', syncKeyButton);
syncKeyButton();

/** The key's role beside the key button, so what is turned off on the pages has a visible cause in one place. */
const accessText = document.getElementById('access');
onAccessChange((access) => {
  accessText.hidden = !access.role;
  accessText.dataset.role = access.role ?? '';
  accessText.textContent = !access.role
    ? ''
    : access.open
      ? 'No API keys configured: full access'
      : `${access.role.charAt(0).toUpperCase()}${access.role.slice(1)} key`;
  applyAccess(main);
});
startAccess();

/** `#/orders?state=not_imported` → { path: ['orders'], query: URLSearchParams }. */
function parseHash() {
  const raw = location.hash.startsWith('#/') ? location.hash.slice(1) : '/orders';
  const [pathPart, queryPart = ''] = raw.split('?');
  const path = pathPart
    .split('/')
    .filter(Boolean)
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        return segment;
      }
    });
  return { path, query: new URLSearchParams(queryPart) };
}

function resolveRoute({ path, query }) {
  if (path.length === 0 || (path[0] === 'orders' && path.length === 1)) {
    return { name: 'orders', mount: mountOrdersList, params: { query }, title: 'Orders' };
  }
  if (path[0] === 'orders' && path.length === 3) {
    return {
      name: 'orders',
      mount: mountOrderPage,
      params: { marketplace: path[1], marketplaceOrderId: path[2], query },
      title: `Order ${path[2]}`,
    };
  }
  if (path[0] === 'settings' && path.length === 1) {
    return { name: 'settings', mount: mountSettings, params: { query }, title: 'Order parameters' };
  }
  return null;
}

let current = null;
let firstRoute = true;

function route() {
  current?.unmount?.();
  current = null;
  main.replaceChildren();
  const parsed = parseHash();
  const target = resolveRoute(parsed);
  for (const link of document.querySelectorAll('[data-nav]')) {
    if (target && link.dataset.nav === target.name) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (!target) {
    document.title = 'Not found · Lengow sync';
    const heading = document.createElement('h1');
    heading.textContent = 'Page not found';
    const back = document.createElement('p');
    back.innerHTML = '<a href="#/orders">Back to the orders</a>';
    main.append(heading, back);
    focusHeading(main);
    return;
  }
  document.title = `${target.title} · Lengow sync`;
  current = target.mount(main, target.params, {
    live,
    setTitle: (title) => (document.title = `${title} · Lengow sync`),
  });
  // On the first load the browser starts at the top of the page; after a navigation, focus goes to the new heading.
  if (!firstRoute) queueMicrotask(() => focusHeading(main));
  firstRoute = false;
}

// The hash holds the route, so the skip link cannot be a plain in-page anchor: it would navigate to "#main".
document.querySelector('.skip-link').addEventListener('click', (event) => {
  event.preventDefault();
  main.focus();
  main.scrollIntoView({ block: 'start' });
});

window.addEventListener('hashchange', () => {
  // Only "#/…" is a route; any other fragment (an old bookmark, a stray anchor) leaves the current view alone.
  if (location.hash === '' || location.hash.startsWith('#/')) route();
});
route();
