import { needsRole, roleNote } from './access.js';
import { describeError, get, post } from './api.js';
import { describedBy, disableFor, h, replace, uid } from './dom.js';
import { ENDPOINTS } from './endpoints.js';
import { formatCount, formatDate, humanise, orderPath } from './format.js';
import { orderChangeOf } from './orders-api.js';

// "Needs attention" on the orders page: what the engine's reactions could not finish on their own (/api/reactions).
// Parked events and parked shop changes wait for an operator to replay them once the cause is fixed; deferred action
// requests are asked again by the engine itself. Shown only while something waits. Read when the page loads, when
// live updates arrive (throttled, plus one look once a burst is over: an event is parked a few retries after the
// change that caused it), after the stream comes back and after a replay; never on a timer of its own.

/** Rows listed per kind; the counts say how many there are in all. */
const LIST_LIMIT = 50;
/** At most one read per this while live updates stream in. */
const THROTTLE_MS = 2000;
/** One more read this long after the last live update: the engine's retries (about 3 s by default) come first. */
const SETTLE_MS = 6000;

const plural = (count, one, many) => `${formatCount(count)} ${count === 1 ? one : many}`;

/** "2 reactions parked, 1 shop change parked, 3 action requests waiting for Lengow"; empty when nothing waits. */
export function attentionSummary(counts) {
  const parts = [];
  if (counts.parkedEvents > 0) parts.push(plural(counts.parkedEvents, 'reaction parked', 'reactions parked'));
  if (counts.parkedShopChanges > 0) {
    parts.push(plural(counts.parkedShopChanges, 'shop change parked', 'shop changes parked'));
  }
  if (counts.deferredActionRequests > 0) {
    parts.push(
      plural(counts.deferredActionRequests, 'action request waiting for Lengow', 'action requests waiting for Lengow'),
    );
  }
  return parts.join(', ');
}

/** The API's answer as the view reads it (`counts` keyed by the metric's kinds: parked_event…). */
export function waitingFrom(body) {
  const counts = body?.counts ?? {};
  const list = (value) => (Array.isArray(value) ? value : []);
  return {
    counts: {
      parkedEvents: Number(counts.parked_event ?? 0),
      parkedShopChanges: Number(counts.parked_shop_change ?? 0),
      deferredActionRequests: Number(counts.deferred_action_request ?? 0),
    },
    parkedEvents: list(body?.parkedEvents),
    parkedShopChanges: list(body?.parkedShopChanges),
    deferredActionRequests: list(body?.deferredActionRequests),
    replayableConsumers: list(body?.replayableConsumers),
  };
}

/**
 * `{ marketplace, marketplaceOrderId }` of an order stream (`order-<marketplace>-<id>`), or null for another stream.
 * Marketplace codes are Lengow's (`amazon_fr`): the known ones are tried first, in case one ever holds a dash.
 */
export function orderOfStream(stream, knownMarketplaces = []) {
  if (typeof stream !== 'string' || !stream.startsWith('order-')) return null;
  const rest = stream.slice('order-'.length);
  const known = [...knownMarketplaces].sort((a, b) => b.length - a.length).find((m) => rest.startsWith(`${m}-`));
  const cut = known ? known.length : rest.indexOf('-');
  if (cut <= 0 || cut >= rest.length - 1) return null;
  return { marketplace: rest.slice(0, cut), marketplaceOrderId: rest.slice(cut + 1) };
}

/**
 * Mounts the element (hidden until something waits) and keeps it current. `marketplaces()` names the marketplaces
 * the page knows, to read order streams. Returns `{ element, unmount() }`.
 */
export function mountAttention({ live, marketplaces = () => [] }) {
  let waiting = null;
  let drawn = null;
  let controller = null;
  let throttleTimer = null;
  let settleTimer = null;
  let busy = false;
  let unmounted = false;

  const headingId = uid('attention');
  const summary = h('p', { class: 'attention-summary', dataset: { attentionSummary: '' } });
  const truncated = h('p', { class: 'muted', hidden: true });
  const replayNote = roleNote('operator', 'Replay');
  const content = h('div', { class: 'attention-content' });
  const details = h(
    'details',
    { class: 'attention-details' },
    h('summary', {}, 'Show what waits'),
    replayNote,
    content,
  );
  const section = h(
    'section',
    { class: 'banner banner-warn attention', 'aria-labelledby': headingId, hidden: true },
    h('h2', { id: headingId }, 'Needs attention'),
    summary,
    truncated,
    details,
  );
  // Outside the section: the outcome of the replay that emptied the list stays readable once the section hides. A
  // live region present from the start, so that assistive technology reads what is written in it.
  const outcome = h('div', { class: 'attention-outcome', 'aria-live': 'polite', tabindex: '-1' });
  const element = h('div', { class: 'attention-wrap' }, section, outcome);

  async function load() {
    controller?.abort();
    controller = new AbortController();
    try {
      // A background read: it never opens the key dialog (the list's own requests do), and reads again once a key
      // is typed (api-key-changed).
      const body = await get(
        ENDPOINTS.reactions,
        { limit: LIST_LIMIT },
        { signal: controller.signal, askForKey: false },
      );
      if (unmounted) return;
      waiting = waitingFrom(body);
      render();
    } catch {
      // Not readable now (no key yet, an engine without the endpoint, a drop): what was shown stays until the next
      // read; the list's own banner says when the engine cannot be reached.
    }
  }

  function refreshSoon() {
    clearTimeout(settleTimer);
    settleTimer = setTimeout(load, SETTLE_MS);
    if (throttleTimer) return;
    throttleTimer = setTimeout(() => {
      throttleTimer = null;
      load();
    }, THROTTLE_MS);
  }

  // ---- drawing ------------------------------------------------------------------------------------------------------
  function render() {
    const text = attentionSummary(waiting.counts);
    section.hidden = text === '';
    const key = JSON.stringify(waiting);
    if (key === drawn) return;
    drawn = key;
    summary.textContent = text ? `${text}.` : '';
    const { counts } = waiting;
    const listed = waiting.parkedEvents.length + waiting.parkedShopChanges.length;
    const all = counts.parkedEvents + counts.parkedShopChanges;
    truncated.hidden = listed >= all && waiting.deferredActionRequests.length >= counts.deferredActionRequests;
    truncated.textContent = truncated.hidden ? '' : `The first ${formatCount(LIST_LIMIT)} of each kind are listed.`;

    const focusKey = content.contains(document.activeElement) ? document.activeElement.dataset?.replay : undefined;
    replace(content, parkedEventsPart(), parkedShopChangesPart(), deferredPart());
    if (focusKey) content.querySelector(`[data-replay="${CSS.escape(focusKey)}"]`)?.focus();
    if (busy) content.querySelectorAll('[data-replay]').forEach((button) => disableFor(button, 'busy', true));
  }

  function orderCell(stream, known) {
    const order = orderOfStream(stream, known);
    if (!order) return h('code', {}, stream || '—');
    return [
      h('a', { href: orderPath(order.marketplace, order.marketplaceOrderId) }, order.marketplaceOrderId),
      ' ',
      h('span', { class: 'muted' }, `(${order.marketplace})`),
    ];
  }

  function streamWords(stream, known) {
    const order = orderOfStream(stream, known);
    return order ? `order ${order.marketplaceOrderId}` : `stream ${stream}`;
  }

  function knownMarketplaces() {
    return [...new Set([...marketplaces(), ...waiting.parkedShopChanges.map((change) => change.marketplace)])];
  }

  function replayButton(key, visible, hidden, onclick) {
    const button = h(
      'button',
      { type: 'button', dataset: { replay: key }, onclick },
      visible,
      h('span', { class: 'visually-hidden' }, hidden),
    );
    return needsRole(button, 'operator', replayNote);
  }

  /** One kind of waiting reaction: its heading, what it means and what to do, then its list. */
  function attentionPart(part, heading, explanation, ...content) {
    return h(
      'div',
      { class: 'attention-part', dataset: { part } },
      heading,
      h('p', { class: 'muted' }, explanation),
      ...content,
    );
  }

  function parkedEventsPart() {
    if (waiting.parkedEvents.length === 0) return null;
    const known = knownMarketplaces();
    const byConsumer = new Map();
    for (const event of waiting.parkedEvents) {
      if (!byConsumer.has(event.consumer)) byConsumer.set(event.consumer, []);
      byConsumer.get(event.consumer).push(event);
    }
    return attentionPart(
      'parked-events',
      h('h3', {}, 'Reactions parked'),
      'A reaction gave up on these events after its retries. Fix the cause (the shop, Lengow, the settings), then ' +
        'replay them: each is handled again as if it had just happened.',
      [...byConsumer.entries()].map(([consumer, events]) => consumerGroup(consumer, events, known)),
    );
  }

  function consumerGroup(consumer, events, known) {
    const runs = waiting.replayableConsumers.includes(consumer);
    const notRunHere = runs
      ? null
      : h(
          'p',
          { class: 'role-note', id: uid('not-run') },
          `This engine does not run ${consumer}: replay its events from an engine that does.`,
        );
    const offHere = (button) => {
      if (!runs) {
        disableFor(button, 'consumer', true);
        describedBy(button, notRunHere.id, true);
      }
      return button;
    };
    const all =
      events.length > 1
        ? offHere(
            replayButton(`consumer:${consumer}`, 'Replay all', ` ${events.length} events parked by ${consumer}`, () =>
              replayEvents(consumer, null),
            ),
          )
        : null;
    return h(
      'div',
      { class: 'attention-group', dataset: { consumer } },
      h('h4', { class: 'attention-group-head' }, h('span', {}, 'Parked by ', h('code', {}, consumer)), all),
      notRunHere,
      h(
        'table',
        {},
        h('caption', { class: 'visually-hidden' }, `Events parked by ${consumer}`),
        tableHead(['Event', 'Order or stream', 'Reason', 'Attempts', 'Parked at'], true),
        h(
          'tbody',
          {},
          events.map((event) =>
            h(
              'tr',
              { dataset: { eventId: event.eventId } },
              h('th', { scope: 'row' }, h('code', {}, event.type)),
              h('td', {}, orderCell(event.stream, known)),
              h('td', { class: 'attention-reason' }, event.reason),
              h('td', { class: 'num' }, formatCount(event.attempts)),
              h('td', {}, h('time', { datetime: event.parkedAt }, formatDate(event.parkedAt))),
              h(
                'td',
                {},
                offHere(
                  replayButton(
                    `event:${consumer}:${event.eventId}`,
                    'Replay',
                    ` ${event.type} of ${streamWords(event.stream, known)}`,
                    () => replayEvents(consumer, event),
                  ),
                ),
              ),
            ),
          ),
        ),
      ),
    );
  }

  function parkedShopChangesPart() {
    const changes = waiting.parkedShopChanges;
    if (changes.length === 0) return null;
    const all =
      changes.length > 1
        ? replayButton('shop-changes', 'Replay all', ` ${changes.length} parked shop changes`, () =>
            replayShopChanges(null),
          )
        : null;
    return attentionPart(
      'parked-shop-changes',
      h('h3', { class: 'attention-group-head' }, h('span', {}, 'Shop changes parked'), all),
      'Status changes made in the shop that could not be recorded on their order. Fix the order, then replay.',
      h(
        'table',
        {},
        h('caption', { class: 'visually-hidden' }, 'Shop changes parked'),
        tableHead(['Change', 'Order', 'Reason', 'Attempts', 'Parked at'], true),
        h(
          'tbody',
          {},
          changes.map((change) =>
            h(
              'tr',
              { dataset: { changeId: String(change.changeId) } },
              h('th', { scope: 'row' }, `#${change.changeId} ${humanise(change.kind)}`),
              h(
                'td',
                {},
                h('a', { href: orderPath(change.marketplace, change.marketplaceOrderId) }, change.marketplaceOrderId),
                ' ',
                h('span', { class: 'muted' }, `(${change.marketplace}, shop order ${change.shopOrderId})`),
              ),
              h(
                'td',
                { class: 'attention-reason' },
                change.reason,
                change.code ? [' ', h('code', {}, change.code)] : null,
                change.retryable
                  ? h('span', { class: 'muted' }, ' — tried again by itself for an hour after the change')
                  : null,
              ),
              h('td', { class: 'num' }, formatCount(change.attempts)),
              h('td', {}, h('time', { datetime: change.parkedAt }, formatDate(change.parkedAt))),
              h(
                'td',
                {},
                replayButton(
                  `shop-change:${change.changeId}`,
                  'Replay',
                  ` shop change ${change.changeId} (${change.kind}) of order ${change.marketplaceOrderId}`,
                  () => replayShopChanges(change),
                ),
              ),
            ),
          ),
        ),
      ),
    );
  }

  function deferredPart() {
    const requests = waiting.deferredActionRequests;
    if (requests.length === 0) return null;
    const known = knownMarketplaces();
    return attentionPart(
      'deferred-action-requests',
      h('h3', {}, 'Action requests waiting for Lengow'),
      'Actions the engine could not send to Lengow yet. It asks again by itself, with a growing delay: nothing to ' +
        'replay, but the reason may need a fix.',
      h(
        'table',
        {},
        h('caption', { class: 'visually-hidden' }, 'Action requests waiting for Lengow'),
        tableHead(['Order or stream', 'Action', 'Reason', 'Attempts', 'Waiting since', 'Next attempt'], false),
        h(
          'tbody',
          {},
          requests.map((request) =>
            h(
              'tr',
              {},
              h('th', { scope: 'row' }, orderCell(request.stream, known)),
              h('td', {}, humanise(request.actionType)),
              h('td', { class: 'attention-reason' }, request.reason),
              h('td', { class: 'num' }, formatCount(request.attempts)),
              h('td', {}, h('time', { datetime: request.firstDeferredAt }, formatDate(request.firstDeferredAt))),
              h('td', {}, h('time', { datetime: request.nextAttemptAt }, formatDate(request.nextAttemptAt))),
            ),
          ),
        ),
      ),
    );
  }

  /** Column heads; the last, unlabelled on screen, holds the Replay buttons when the table has them. */
  function tableHead(labels, withReplay) {
    return h(
      'thead',
      {},
      h(
        'tr',
        {},
        labels.map((label) => h('th', { scope: 'col', class: label === 'Attempts' ? 'num' : null }, label)),
        withReplay ? h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Replay')) : null,
      ),
    );
  }

  // ---- replays ------------------------------------------------------------------------------------------------------
  function setBusy(on) {
    busy = on;
    content.querySelectorAll('[data-replay]').forEach((button) => disableFor(button, 'busy', on));
  }

  /** Shows the outcome where the operator looks, and says it: politely when handled, at once when it failed. */
  function showOutcome(kind, message) {
    outcome.dataset.outcome = kind;
    outcome.className = `attention-outcome banner ${kind === 'handled' ? 'banner-ok' : 'banner-error'}`;
    outcome.setAttribute('aria-live', kind === 'handled' ? 'polite' : 'assertive');
    outcome.textContent = '';
    requestAnimationFrame(() => (outcome.textContent = message));
  }

  /** The replayed item is gone from the list (or the whole section is): focus stays on the page, on the outcome. */
  function keepFocus(key) {
    if (unmounted) return;
    if (!section.hidden && key) {
      const same = content.querySelector(`[data-replay="${CSS.escape(key)}"]`);
      if (same) {
        same.focus();
        return;
      }
    }
    if (!document.activeElement || document.activeElement === document.body || !document.activeElement.isConnected) {
      outcome.focus();
    }
  }

  /** Runs one replay with the panel busy; an answer that never came is said so, and focus stays where it was. */
  async function runReplay(key, what, replay) {
    setBusy(true);
    try {
      await replay();
    } catch (error) {
      await load();
      showOutcome('failed', `Replay of ${what} could not run: ${describeError(error)}`);
    } finally {
      setBusy(false);
      keepFocus(key);
    }
  }

  async function replayEvents(consumer, event) {
    const key = event ? `event:${consumer}:${event.eventId}` : `consumer:${consumer}`;
    const known = knownMarketplaces();
    const what = event ? `${event.type} of ${streamWords(event.stream, known)}` : `the events parked by ${consumer}`;
    await runReplay(key, what, async () => {
      const answer = await post(ENDPOINTS.replayParkedEvents(consumer), event ? { eventId: event.eventId } : {});
      const outcomes = Array.isArray(answer?.outcomes) ? answer.outcomes : [];
      const failed = outcomes.filter((item) => item.outcome === 'failed');
      const handled = outcomes.filter((item) => item.outcome === 'handled').length;
      await load();
      if (failed.length > 0) {
        const reasons = [...new Set(failed.map((item) => item.reason).filter(Boolean))].join(' · ');
        const count = event ? '' : ` (${formatCount(failed.length)} of ${formatCount(outcomes.length)})`;
        showOutcome('failed', `Replay of ${what} failed again${count}: ${reasons || 'no reason given'}.`);
      } else if (handled === 0) {
        showOutcome('handled', `Nothing to replay for ${what}: it is no longer parked.`);
      } else {
        const count = event ? '' : ` (${formatCount(handled)} event${handled === 1 ? '' : 's'})`;
        showOutcome('handled', `Replay of ${what} handled${count}.`);
      }
    });
  }

  async function replayShopChanges(change) {
    const key = change ? `shop-change:${change.changeId}` : 'shop-changes';
    const what = change
      ? `shop change ${change.changeId} (${change.kind}) of order ${change.marketplaceOrderId}`
      : 'the parked shop changes';
    await runReplay(key, what, async () => {
      const answer = await post(ENDPOINTS.replayParkedShopChanges, change ? { changeId: change.changeId } : {});
      const outcomes = Array.isArray(answer?.outcomes) ? answer.outcomes : [];
      await load();
      const refused = outcomes.filter((item) => item.outcome === 'parked');
      const recorded = outcomes.filter((item) => item.outcome === 'recorded').length;
      if (refused.length > 0) {
        // The answer says refused; the list read again says why.
        const reasons = refused
          .map((item) => waiting?.parkedShopChanges.find((row) => row.changeId === item.changeId)?.reason)
          .filter(Boolean);
        const count = change ? '' : ` (${formatCount(refused.length)} of ${formatCount(outcomes.length)})`;
        showOutcome(
          'failed',
          `Replay of ${what} failed again${count}: ${[...new Set(reasons)].join(' · ') || 'no reason given'}.`,
        );
      } else if (recorded === 0) {
        showOutcome('handled', `Nothing to replay for ${what}: it is no longer parked.`);
      } else {
        const count = change ? '' : ` (${formatCount(recorded)} change${recorded === 1 ? '' : 's'})`;
        showOutcome('handled', `Replay of ${what} handled${count}: recorded on its order.`);
      }
    });
  }

  // ---- when to read -------------------------------------------------------------------------------------------------
  const unsubscribe = live.subscribe((event) => {
    if (orderChangeOf(event)) refreshSoon();
  });
  const unsubscribeState = live.onState((state, previous) => {
    if (state === 'open' && previous === 'reconnecting') load();
  });
  const onKeyChanged = () => load();
  document.addEventListener('api-key-changed', onKeyChanged);
  load();

  return {
    element,
    unmount() {
      unmounted = true;
      controller?.abort();
      clearTimeout(throttleTimer);
      clearTimeout(settleTimer);
      unsubscribe();
      unsubscribeState();
      document.removeEventListener('api-key-changed', onKeyChanged);
    },
  };
}
