import { applyAccess, needsRole, onAccessChange, roleDenial, roleNote } from './access.js';
import { ApiError, describeError, get, post } from './api.js';
import { renderBadges } from './badges.js';
import { confirmAndRun } from './dialogs.js';
import { announce, describedBy, disableFor, h, replace, uid } from './dom.js';
import { ENDPOINTS } from './endpoints.js';
import { formatCount, formatDate, formatMoney, humanise, IMPORT_LABELS, rowBadges, rowStateText } from './format.js';
import { describeActor, eventsFrom, isFailureEvent, orderFrom } from './order-api.js';
import { orderChangeOf, resendBody } from './orders-api.js';

// One order: its summary, the operator actions, the shop status changes used when testing, its event timeline (newest
// first, older pages on demand), and what the order looked like at any revision. Live updates reload it when the
// engine appends to its stream.

const TIMELINE_PAGE = 50;
/**
 * A deferred action request is written after the shop change's event, once the engine gave up reaching Lengow (its
 * retries take seconds), and writes no event of its own: the order is read once more this long after its last event.
 */
const SETTLE_MS = 6_000;

/** Overview fields worth a line in the timeline; bookkeeping (revision, positions, dates) is left out. */
const CHANGE_LABELS = {
  importState: 'Import',
  importMessages: 'Import messages',
  lengowStatus: 'Lengow status',
  marketplaceStatus: 'Marketplace status',
  shopOrderIds: 'Shop orders',
  shipState: 'Ship',
  cancelState: 'Cancel',
  refundState: 'Refund',
  actionMessages: 'Action messages',
  stockState: 'Stock',
  stockMessages: 'Stock messages',
  progress: 'Progress',
};
/** The stock decrement in the words of the list's badges, not the column's codes ("done", "failed"). */
const STOCK_STATE_LABELS = {
  none: 'Nothing to take',
  pending: 'Not decremented yet',
  done: 'Decremented',
  failed: 'Not decremented',
};

/**
 * What the operator must do before Retry stock, per `stockFailureCode`: restocking is no help for a product the shop
 * catalogue no longer has. An unknown code (an overview still rebuilding after an upgrade) gets the generic words.
 */
const STOCK_FIXES = {
  STOCK_SHORTFALL: {
    banner: 'The shop had too few units and took none. Restock the products named, then retry the stock.',
    retry: 'Restock first: a product still short is refused again.',
  },
  PRODUCT_NOT_IN_SHOP: {
    banner:
      'The shop catalogue no longer has these products as the order names them (deleted, or split into variants ' +
      'since the import), so it took no units. Put them back in the catalogue, then retry the stock.',
    retry: 'Put the products back in the shop catalogue first: a product still missing is refused again.',
  },
};
const STOCK_FIX_UNKNOWN = {
  banner:
    'The shop refused to take the order’s units and took none. Fix what is named in the shop, then retry the stock.',
  retry: 'Fix what the shop refused first: the same refusal comes back otherwise.',
};
const stockFixOf = (row) => STOCK_FIXES[row?.stockFailureCode] ?? STOCK_FIX_UNKNOWN;

function changeValue(field, value) {
  if (value === null || value === undefined) return '—';
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.join('; ');
  if (field === 'importState') return IMPORT_LABELS[value] ?? humanise(value);
  if (field === 'stockState') return STOCK_STATE_LABELS[value] ?? humanise(value);
  return humanise(String(value));
}

export function mountOrderPage(container, { marketplace, marketplaceOrderId }, { live, setTitle }) {
  let unmounted = false;
  let overview = null;
  /** Action requests of this order waiting for another try (`deferredActionRequests`), longest waiting first. */
  let deferredRequests = [];
  let revision = -1;
  let events = [];
  let olderFrom = null;
  /** revision → the overview fields that event changed (from the replay endpoint). */
  const changesByRevision = new Map();
  let reloadTimer = null;
  let settleTimer = null;
  let catchUpTries = 0;

  const title = h('h1', {}, `Order ${marketplaceOrderId}`);
  const errorBanner = h('div', { class: 'banner banner-error', role: 'alert', hidden: true });
  const lagNotice = h('p', { class: 'banner banner-info', hidden: true });
  const why = h('div', { class: 'why' });
  const summary = h(
    'dl',
    { class: 'summary', 'aria-busy': 'true' },
    h('div', {}, h('dt', {}, 'Loading'), h('dd', {}, '…')),
  );
  const actionsPanel = h('section', { class: 'panel', 'aria-labelledby': 'order-actions-title' });
  const shopPanel = h('section', { class: 'panel', 'aria-labelledby': 'shop-actions-title' });
  const revisionPanel = h('section', { class: 'panel', 'aria-labelledby': 'revision-title' });
  const timelinePanel = h('section', { class: 'panel', 'aria-labelledby': 'timeline-title' });
  const timelineList = h('ol', { class: 'timeline', 'aria-busy': 'true' });
  const olderButton = h('button', { type: 'button', hidden: true, onclick: () => loadOlder() }, 'Show older events');

  container.append(
    h(
      'p',
      { class: 'breadcrumb' },
      h('a', { href: '#/orders' }, 'Orders'),
      ` › ${marketplace} › ${marketplaceOrderId}`,
    ),
    title,
    errorBanner,
    lagNotice,
    summary,
    why,
    actionsPanel,
    timelinePanel,
    revisionPanel,
    shopPanel,
  );

  // ---- summary ------------------------------------------------------------------------------------------------------
  function renderSummary() {
    const row = overview;
    setTitle(`Order ${row.marketplaceOrderId}`);
    title.textContent = `Order ${row.marketplaceOrderId} · ${row.marketplaceLabel || row.marketplace}`;
    const item = (label, value) => h('div', {}, h('dt', {}, label), h('dd', {}, value ?? '—'));
    replace(
      summary,
      item(
        'State',
        renderBadges(rowBadges(row), {
          onAction: (badge) => (badge.action === 'reimport' ? reimport() : resend()),
          denied: (action) => {
            const denial = roleDenial('operator');
            return denial && `${action === 'reimport' ? 'Re-import' : 'Re-send'} ${denial}.`;
          },
        }),
      ),
      item('Marketplace', `${row.marketplaceLabel || row.marketplace} (${row.marketplace})`),
      item('Lengow status', humanise(row.lengowStatus)),
      item('Marketplace status', row.marketplaceStatus ?? '—'),
      item('Shop orders', (row.shopOrderIds ?? []).join(', ') || '—'),
      item('Customer', row.customerName),
      item('Delivery country', row.deliveryCountry),
      item('Total', formatMoney(row.totalAmount, row.currency)),
      item('Order date', formatDate(row.orderDate)),
      item('First seen', formatDate(row.firstSeenAt)),
      item('Imported', formatDate(row.importedAt)),
      item('Last event', `${humanise(row.lastEventType)}, ${formatDate(row.lastEventAt)}`),
      item('Revision', String(revision)),
    );
    summary.setAttribute('aria-busy', 'false');
    renderWhy();
  }

  /** What needs the operator, in words, with the action that fixes it; the matching button is made the primary one. */
  function renderWhy() {
    const row = overview;
    const blocks = [];
    const badges = rowBadges(row);
    const importBadge = badges.find((badge) => badge.key === 'import');
    const actionBadge = badges.find((badge) => badge.key === 'action');
    if (row.importState === 'not_imported') {
      blocks.push(
        h(
          'section',
          { class: 'banner banner-error', 'aria-labelledby': 'why-import', dataset: { why: 'import' } },
          h('h2', { id: 'why-import' }, 'Not imported'),
          messageList(row.importMessages ?? []),
          h('p', {}, importBadge?.note ?? ''),
          // The fix for a carrier failure is on another page: say where.
          (row.importMessages ?? []).some((message) => /carrier/i.test(message))
            ? h('p', {}, h('a', { href: '#/settings' }, 'Map the carriers in Order parameters'), ', then re-import.')
            : null,
        ),
      );
    } else if (row.importState === 'imported' && (row.importMessages ?? []).length > 0) {
      blocks.push(
        h(
          'section',
          { class: 'banner banner-warn', 'aria-labelledby': 'why-reimport', dataset: { why: 'reimport' } },
          h('h2', { id: 'why-reimport' }, 'The last re-import failed'),
          messageList(row.importMessages),
        ),
      );
    }
    if (row.stockState === 'failed') {
      blocks.push(
        h(
          'section',
          { class: 'banner banner-error', 'aria-labelledby': 'why-stock', dataset: { why: 'stock' } },
          h('h2', { id: 'why-stock' }, 'Stock not decremented'),
          messageList(row.stockMessages ?? []),
          h('p', {}, stockFixOf(row).banner),
        ),
      );
    }
    if (row.actionState === 'failed') {
      blocks.push(
        h(
          'section',
          { class: 'banner banner-error', 'aria-labelledby': 'why-action', dataset: { why: 'action' } },
          h('h2', { id: 'why-action' }, actionBadge?.label ?? 'Not sent'),
          messageList(row.actionMessages ?? []),
          h('p', {}, actionBadge?.note ?? ''),
          (row.actionMessages ?? []).some((message) => /carrier/i.test(message))
            ? h('p', {}, h('a', { href: '#/settings' }, 'Map the carriers in Order parameters'), ', then re-send.')
            : null,
        ),
      );
    } else if (row.actionState === 'waiting') {
      blocks.push(
        h(
          'p',
          { class: 'banner banner-info', dataset: { why: 'waiting' } },
          `Action sent${row.actionWaitingSince ? ` ${formatDate(row.actionWaitingSince)}` : ''}, waiting for Lengow’s response.`,
        ),
      );
    }
    if (deferredRequests.length > 0) blocks.push(deferredBlock());
    replace(why, blocks);
    for (const button of actionsPanel.querySelectorAll('[data-command]')) {
      const primary =
        (button.dataset.command === 'reimport' && row.importState === 'not_imported') ||
        (button.dataset.command === 'resend' && row.actionState === 'failed') ||
        (button.dataset.command === 'retry-stock' && row.stockState === 'failed');
      button.classList.toggle('primary', primary);
    }
    renderUnavailable(row);
  }

  /**
   * The order's shop changes whose Lengow action the engine could not request yet: nothing on the order's stream
   * says so (no event was recorded), so without this block the order looks as if nothing were to be sent.
   */
  function deferredBlock() {
    const count = deferredRequests.length;
    const hints = [...new Set(deferredRequests.map((request) => request.hint).filter(Boolean))];
    return h(
      'section',
      { class: 'banner banner-warn', 'aria-labelledby': 'why-deferred', dataset: { why: 'deferred' } },
      h(
        'h2',
        { id: 'why-deferred' },
        count === 1 ? 'Action waiting for Lengow' : `${formatCount(count)} actions waiting for Lengow`,
      ),
      h(
        'p',
        {},
        'The shop change is recorded, but its action could not be requested from Lengow yet, so nothing was sent.',
      ),
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { class: 'deferred-requests' },
          h('caption', { class: 'visually-hidden' }, 'Action requests waiting for Lengow'),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['Action', 'Waiting since', 'Attempts', 'Next attempt', 'Last reason'].map((label) =>
                h('th', { scope: 'col', class: label === 'Attempts' ? 'num' : null }, label),
              ),
            ),
          ),
          h(
            'tbody',
            {},
            deferredRequests.map((request) =>
              h(
                'tr',
                { dataset: { deferredChange: request.changeId, actionType: request.actionType } },
                h('th', { scope: 'row' }, humanise(request.actionType)),
                h('td', {}, h('time', { datetime: request.firstDeferredAt }, formatDate(request.firstDeferredAt))),
                h('td', { class: 'num' }, formatCount(request.attempts)),
                h('td', {}, h('time', { datetime: request.nextAttemptAt }, formatDate(request.nextAttemptAt))),
                h('td', { class: 'deferred-reason' }, request.reason),
              ),
            ),
          ),
        ),
      ),
      hints.map((hint) => h('p', { dataset: { hint: '' } }, hint)),
    );
  }

  /**
   * The commands the order's summary already says the engine would refuse: disabled, with the reason beside them,
   * rather than refused after the operator confirmed. An unknown state (an overview still rebuilding) leaves them on.
   */
  const unavailableNote = h('ul', { class: 'field-hint', id: 'order-actions-unavailable' });
  function renderUnavailable(row) {
    const reasons = {
      resend:
        row.actionState && row.actionState !== 'failed'
          ? 'Re-send action: no action of this order failed, so there is nothing to send again.'
          : null,
      'retry-stock':
        row.stockState && row.stockState !== 'failed'
          ? row.stockState === 'done'
            ? 'Retry stock: the stock is already decremented.'
            : 'Retry stock: the shop refused no stock decrement for this order.'
          : null,
    };
    for (const [name, reason] of Object.entries(reasons)) {
      const button = actionsPanel.querySelector(`[data-command="${name}"]`);
      if (!button) continue;
      disableFor(button, 'state', Boolean(reason));
      describedBy(button, unavailableNote.id, Boolean(reason));
    }
    replace(
      unavailableNote,
      Object.values(reasons)
        .filter(Boolean)
        .map((reason) => h('li', { dataset: { unavailable: '' } }, reason)),
    );
  }

  // ---- operator actions ---------------------------------------------------------------------------------------------
  const actionsRoleNote = roleNote('operator', 'These actions', { plural: true });
  const actionButton = (command, label, run) =>
    needsRole(h('button', { type: 'button', dataset: { command }, onclick: run }, label), 'operator', actionsRoleNote);
  actionsPanel.append(
    h('h2', { id: 'order-actions-title' }, 'Actions'),
    actionsRoleNote,
    h(
      'div',
      { class: 'actions-row' },
      actionButton('reimport', 'Re-import', () => reimport()),
      actionButton('resend', 'Re-send action', () => resend()),
      actionButton('resynchronize', 'Re-synchronise shop order ids', () => resynchronize()),
      actionButton('retry-stock', 'Retry stock', () => retryStock()),
    ),
    h(
      'p',
      { class: 'field-hint' },
      'Re-import reads the order from Lengow again; re-send repeats the last failed action with fresh arguments; ' +
        're-synchronise sends the shop order ids to Lengow again; retry stock asks the shop again for units it ' +
        'refused to take.',
    ),
    unavailableNote,
  );

  const orderName = () => `${marketplaceOrderId} (${overview?.marketplaceLabel || marketplace})`;
  const messageList = (messages) =>
    messages.length > 0
      ? h(
          'ul',
          { class: 'messages' },
          messages.map((message) => h('li', {}, message)),
        )
      : null;

  function reimport() {
    return command({
      title: `Re-import order ${marketplaceOrderId}?`,
      body: [
        overview?.importState === 'imported'
          ? 'The order is already imported: a re-import creates a new shop order and moves the current one to ' +
            '"Technical error". Stock is not taken twice.'
          : 'The engine reads the order from Lengow again and imports it with the current catalogue and settings.',
        messageList(overview?.importState === 'not_imported' ? (overview?.importMessages ?? []) : []),
      ],
      confirmLabel: 'Re-import',
      run: () => post(ENDPOINTS.reimport(marketplace, marketplaceOrderId), {}),
      success: `Re-import of ${orderName()} requested.`,
    });
  }

  function resend() {
    return command({
      title: `Re-send the action of order ${marketplaceOrderId}?`,
      body: [
        'The engine builds the action’s arguments again from the order’s current data and sends it to Lengow.',
        messageList(overview?.actionMessages ?? []),
      ],
      confirmLabel: 'Re-send',
      run: () => post(ENDPOINTS.resend(marketplace, marketplaceOrderId), resendBody(overview)),
      success: `Re-send for ${orderName()} requested.`,
    });
  }

  function resynchronize() {
    return command({
      title: `Re-synchronise order ${marketplaceOrderId}?`,
      body: ['The engine sends the ids of its shop orders to Lengow again (merchant order id).'],
      confirmLabel: 'Re-synchronise',
      run: () => post(ENDPOINTS.resynchronize(marketplace, marketplaceOrderId), {}),
      success: `Re-synchronisation of ${orderName()} requested.`,
    });
  }

  function retryStock() {
    return command({
      title: `Retry the stock of order ${marketplaceOrderId}?`,
      body: [
        `The shop is asked again to take the order’s units; it takes them at most once. ${stockFixOf(overview).retry}`,
        messageList(overview?.stockMessages ?? []),
      ],
      confirmLabel: 'Retry stock',
      run: () => post(ENDPOINTS.retryStockDecrement(marketplace, marketplaceOrderId), {}),
      success: `Stock retry for ${orderName()} requested.`,
    });
  }

  async function command({ title: dialogTitle, body, confirmLabel, run, success }) {
    const outcome = await confirmAndRun({
      title: dialogTitle,
      body: body.filter(Boolean),
      confirmLabel,
      run,
      success: () => success,
    });
    if (outcome.ok) scheduleReload(300);
    return outcome;
  }

  // ---- shop status changes (testing the action flow without a real shop) -------------------------------------------
  let shopOrdersShown = null;
  /** Kept across the panel's redraws: the forms' buttons point to it. */
  const shopRoleNote = roleNote('operator', 'Shop status changes', { plural: true });
  function renderShopPanel() {
    const shopOrders = overview?.shopOrderIds ?? [];
    if (shopOrdersShown === shopOrders.join()) return;
    shopOrdersShown = shopOrders.join();
    replace(shopPanel, h('h2', { id: 'shop-actions-title' }, 'Shop status (for testing)'));
    if (shopOrders.length === 0) {
      shopPanel.append(
        h('p', { class: 'muted' }, 'No shop order yet: status changes are possible once the order is imported.'),
      );
      return;
    }
    shopPanel.append(
      h(
        'p',
        { class: 'field-hint' },
        'These change the shop order as a merchant would; the engine then sends the matching action to Lengow.',
      ),
      shopRoleNote,
      h(
        'div',
        { class: 'shop-actions' },
        shipForm(shopOrders),
        simpleForm('cancel', 'Mark canceled', shopOrders),
        simpleForm('refund', 'Mark refunded', shopOrders),
      ),
    );
    // The note was out of the page while there was no shop order: the role may have become known meanwhile.
    applyAccess(shopPanel);
  }

  function shopOrderField(shopOrders) {
    const id = uid('shop-order');
    return h(
      'div',
      { class: 'field' },
      h('label', { for: id }, 'Shop order'),
      h(
        'select',
        { id, name: 'shopOrderId' },
        shopOrders.map((shopOrderId) => h('option', { value: shopOrderId }, shopOrderId)),
      ),
    );
  }

  function textField(name, label, hint) {
    const id = uid(name);
    const hintId = hint ? `${id}-hint` : null;
    return h(
      'div',
      { class: 'field' },
      h('label', { for: id }, label),
      h('input', { id, name, type: 'text', autocomplete: 'off', 'aria-describedby': hintId }),
      hint ? h('p', { class: 'field-hint', id: hintId }, hint) : null,
    );
  }

  function shipForm(shopOrders) {
    const result = h('div', { 'aria-live': 'polite' });
    const form = h(
      'form',
      { 'aria-labelledby': 'ship-form-title', dataset: { shop: 'ship' }, novalidate: true },
      h('h3', { id: 'ship-form-title' }, 'Mark shipped'),
      shopOrderField(shopOrders),
      textField('carrier', 'Carrier', 'Shop carrier name or id, e.g. Colissimo'),
      textField('trackingNumber', 'Tracking number'),
      needsRole(h('button', { type: 'submit' }, 'Mark shipped'), 'operator', shopRoleNote),
      result,
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const data = new FormData(form);
      const payload = { shopOrderId: String(data.get('shopOrderId')) };
      const carrier = String(data.get('carrier') ?? '').trim();
      const trackingNumber = String(data.get('trackingNumber') ?? '').trim();
      if (carrier) payload.carrier = carrier;
      // Sent even when empty: the engine says what it needs, in its own words.
      payload.trackingNumber = trackingNumber;
      submitShopChange(form, result, 'ship', payload);
    });
    return form;
  }

  function simpleForm(kind, label, shopOrders) {
    const result = h('div', { 'aria-live': 'polite' });
    const titleId = uid(`${kind}-title`);
    const form = h(
      'form',
      { 'aria-labelledby': titleId, dataset: { shop: kind }, novalidate: true },
      h('h3', { id: titleId }, label),
      shopOrderField(shopOrders),
      // Sent to Lengow as the marketplace's cancel or refund reason (its code or label); its default when empty.
      textField('reason', 'Reason (optional)'),
      needsRole(h('button', { type: 'submit' }, label), 'operator', shopRoleNote),
      result,
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const data = new FormData(form);
      const payload = { shopOrderId: String(data.get('shopOrderId')) };
      const reason = String(data.get('reason') ?? '').trim();
      if (reason) payload.reason = reason;
      submitShopChange(form, result, kind, payload);
    });
    return form;
  }

  async function submitShopChange(form, result, kind, payload) {
    const button = form.querySelector('button[type="submit"]');
    disableFor(button, 'busy', true);
    for (const input of form.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
    replace(result, h('p', { class: 'loading' }, 'Working…'));
    try {
      await post(ENDPOINTS.shopStatus(marketplace, marketplaceOrderId, kind), payload);
      const done = { ship: 'shipped', cancel: 'canceled', refund: 'refunded' }[kind];
      const message = `Shop order ${payload.shopOrderId} marked ${done}. The engine sends the action to Lengow.`;
      replace(result, h('p', { class: 'banner banner-ok', dataset: { outcome: 'ok' } }, message));
      announce(message);
      scheduleReload(300);
    } catch (error) {
      replace(
        result,
        h(
          'div',
          { class: 'banner banner-error', role: 'alert', dataset: { outcome: 'error' } },
          h('p', {}, h('strong', {}, 'Not done. '), describeError(error)),
        ),
      );
      if (error instanceof ApiError) {
        for (const item of error.fields) {
          const name = String(item.field).split('.').pop();
          form.querySelector(`[name="${CSS.escape(name)}"]`)?.setAttribute('aria-invalid', 'true');
        }
      }
    } finally {
      disableFor(button, 'busy', false);
    }
  }

  // ---- timeline -----------------------------------------------------------------------------------------------------
  timelinePanel.append(
    h('h2', { id: 'timeline-title' }, 'Timeline'),
    h('p', { class: 'field-hint' }, 'Every event of the order, newest first: what happened, when, who caused it.'),
    timelineList,
    olderButton,
  );

  function renderEvent(event) {
    return h(
      'li',
      {
        class: isFailureEvent(event.type) ? 'is-failure' : null,
        dataset: { eventType: event.type, revision: event.revision },
      },
      h(
        'div',
        { class: 'event-head' },
        h('span', { class: 'event-type' }, humanise(event.type)),
        h('time', { datetime: event.recordedAt }, formatDate(event.recordedAt, { seconds: true })),
        h('span', { class: 'muted' }, `revision ${event.revision}`),
      ),
      h(
        'p',
        { class: 'event-meta' },
        h(
          'span',
          {},
          'By ',
          h('strong', { class: 'event-actor', title: event.actor ?? '' }, describeActor(event.actor)),
        ),
        event.correlationId ? h('span', {}, 'Correlation ', h('code', {}, event.correlationId)) : null,
        event.causationId ? h('span', {}, 'Caused by ', h('code', {}, event.causationId)) : null,
      ),
      renderChanges(changesByRevision.get(event.revision)),
      h(
        'details',
        {},
        h('summary', {}, `Data of ${humanise(event.type)} (revision ${event.revision})`),
        h('pre', { class: 'json' }, JSON.stringify(event.data, null, 2)),
        h('p', { class: 'muted' }, 'Metadata'),
        h('pre', { class: 'json' }, JSON.stringify(event.metadata ?? {}, null, 2)),
      ),
    );
  }

  /** "Import state: Not imported → Imported": what the event changed in the order's summary. */
  function renderChanges(changes) {
    const shown = (changes ?? []).filter((change) => CHANGE_LABELS[change.field]);
    if (shown.length === 0) return null;
    return h(
      'ul',
      { class: 'event-changes', 'aria-label': 'What changed' },
      shown.map((change) =>
        h(
          'li',
          {},
          `${CHANGE_LABELS[change.field]}: `,
          h('span', { class: 'muted' }, changeValue(change.field, change.before)),
          ' → ',
          h('strong', {}, changeValue(change.field, change.after)),
        ),
      ),
    );
  }

  /** Reads what each shown event changed; a failure only leaves the lists out. */
  async function loadChanges() {
    const missing = events.filter((event) => !changesByRevision.has(event.revision));
    if (missing.length === 0) return;
    const from = Math.min(...missing.map((event) => event.revision));
    const to = Math.max(...missing.map((event) => event.revision));
    try {
      const replay = await get(ENDPOINTS.replay(marketplace, marketplaceOrderId), {
        fromRevision: from,
        toRevision: to,
      });
      for (const step of replay?.steps ?? []) changesByRevision.set(step.event.revision, step.changes ?? []);
      if (!unmounted) renderTimeline();
    } catch {
      // The timeline stands on its own; the change lists are a convenience.
    }
  }

  function renderTimeline() {
    // A re-render (live update, change lists arriving) keeps the event data the operator opened, and the focus.
    const opened = new Set(
      [...timelineList.querySelectorAll('details[open]')].map((details) => details.closest('li')?.dataset.revision),
    );
    const focusedRevision = timelineList.contains(document.activeElement)
      ? document.activeElement.closest('li')?.dataset.revision
      : undefined;
    timelineList.setAttribute('aria-busy', 'false');
    if (events.length === 0) {
      replace(timelineList, h('li', { class: 'muted' }, 'No event recorded for this order.'));
    } else {
      replace(timelineList, events.map(renderEvent));
      for (const item of timelineList.children) {
        if (opened.has(item.dataset.revision)) item.querySelector('details')?.setAttribute('open', '');
      }
      if (focusedRevision !== undefined) {
        timelineList.querySelector(`li[data-revision="${focusedRevision}"] summary`)?.focus();
      }
    }
    olderButton.hidden = olderFrom === null;
  }

  async function loadOlder() {
    if (olderFrom === null) return;
    olderButton.disabled = true;
    try {
      const page = await get(ENDPOINTS.timeline(marketplace, marketplaceOrderId), {
        fromRevision: olderFrom,
        direction: 'backwards',
        limit: TIMELINE_PAGE,
      });
      const known = new Set(events.map((event) => event.revision));
      const older = eventsFrom(page.entries ?? []).filter((event) => !known.has(event.revision));
      events = [...events, ...older];
      olderFrom = page.nextRevision ?? null;
      const firstNew = events.length - older.length;
      renderTimeline();
      loadChanges();
      // Keyboard users continue from the first event that was added, not from the top.
      const added = timelineList.children[firstNew];
      if (added) {
        added.setAttribute('tabindex', '-1');
        added.focus();
      }
      announce(`${older.length} older event${older.length === 1 ? '' : 's'} shown.`);
    } catch (error) {
      announce(`Older events could not be loaded: ${describeError(error)}`);
    } finally {
      olderButton.disabled = false;
    }
  }

  // ---- state at a revision ------------------------------------------------------------------------------------------
  const revisionId = uid('revision');
  const revisionInput = h('input', {
    id: revisionId,
    type: 'number',
    min: '0',
    step: '1',
    inputmode: 'numeric',
    'aria-describedby': `${revisionId}-hint`,
  });
  const revisionHint = h('p', { class: 'field-hint', id: `${revisionId}-hint` }, 'From 0 (the first event)');
  const revisionOutput = h('div', { 'aria-live': 'polite' });
  const revisionForm = h(
    'form',
    { class: 'revision-picker', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: revisionId }, 'Revision'), revisionInput, revisionHint),
    h('button', { type: 'submit' }, 'Show state'),
  );
  revisionPanel.append(h('h2', { id: 'revision-title' }, 'State at a revision'), revisionForm, revisionOutput);
  revisionForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const wantedRevision = Number(revisionInput.value);
    if (
      revisionInput.value === '' ||
      !Number.isInteger(wantedRevision) ||
      wantedRevision < 0 ||
      wantedRevision > revision
    ) {
      revisionInput.setAttribute('aria-invalid', 'true');
      replace(
        revisionOutput,
        h('p', { class: 'field-error', role: 'alert' }, `Choose a whole number from 0 to ${revision}.`),
      );
      revisionInput.focus();
      return;
    }
    revisionInput.removeAttribute('aria-invalid');
    replace(revisionOutput, h('p', { class: 'loading' }, 'Loading…'));
    try {
      const state = await get(ENDPOINTS.stateAt(marketplace, marketplaceOrderId), { revision: wantedRevision });
      const at = state.overview;
      replace(
        revisionOutput,
        h(
          'h3',
          { dataset: { stateRevision: state.revision } },
          `At revision ${state.revision}: after ${humanise(at?.lastEventType)}, ${formatDate(state.recordedAt, { seconds: true })}`,
        ),
        at
          ? h(
              'dl',
              { class: 'summary' },
              h('div', {}, h('dt', {}, 'State'), h('dd', {}, renderBadges(rowBadges(at)))),
              h('div', {}, h('dt', {}, 'Lengow status'), h('dd', {}, humanise(at.lengowStatus))),
              h('div', {}, h('dt', {}, 'Shop orders'), h('dd', {}, (at.shopOrderIds ?? []).join(', ') || '—')),
              h('div', {}, h('dt', {}, 'Events after it'), h('dd', {}, String(state.laterEvents ?? 0))),
            )
          : null,
        h(
          'details',
          {},
          h('summary', {}, 'Full state (as the engine folds it)'),
          h('pre', { class: 'json' }, JSON.stringify({ summary: state.summary, state: state.state }, null, 2)),
        ),
      );
    } catch (error) {
      replace(revisionOutput, h('p', { class: 'banner banner-error', role: 'alert' }, describeError(error)));
    }
  });

  // ---- loading and live updates -------------------------------------------------------------------------------------
  async function load() {
    try {
      const body = orderFrom(
        await get(ENDPOINTS.order(marketplace, marketplaceOrderId), { direction: 'backwards', limit: TIMELINE_PAGE }),
      );
      if (unmounted) return;
      const before = overview;
      const waitedBefore = deferredRequests.length;
      revision = body.revision;
      deferredRequests = body.deferredRequests;
      // Keep the older pages the operator opened: the fresh first page replaces only what it covers.
      const fresh = eventsFrom(body.entries);
      const oldestFresh = fresh.at(-1)?.revision ?? Infinity;
      events = [...fresh, ...events.filter((event) => event.revision < oldestFresh)];
      if (olderFrom === null || events.length === fresh.length) olderFrom = body.nextRevision;
      errorBanner.hidden = true;
      revisionInput.max = String(revision);
      revisionHint.textContent = `From 0 (the first event) to ${revision} (the latest)`;
      renderTimeline();
      loadChanges();
      if (body.overview) {
        overview = body.overview;
        renderSummary();
        renderShopPanel();
      }
      // The overview row is a read model: right after a change it may still be one event behind the timeline.
      const behind = !body.overview || body.overview.streamRevision < revision;
      lagNotice.hidden = !behind;
      lagNotice.textContent = behind ? 'The summary is catching up with the latest events…' : '';
      if (behind && catchUpTries < 20) {
        catchUpTries += 1;
        scheduleReload(300);
      } else catchUpTries = 0;
      if (before && overview && rowStateText(before) !== rowStateText(overview)) {
        announce(`Order ${marketplaceOrderId} is now ${rowStateText(overview)}.`);
      }
      // This page's rowStateText has no stock (its banner says it; only the list adds a stock badge), so a retry's
      // outcome only added or removed the banner in silence: say it. "pending" is a step between the two, not news.
      const stockNews = { done: 'stock decremented', failed: 'stock not decremented' }[overview?.stockState];
      if (before && stockNews && before.stockState !== overview.stockState) {
        announce(`Order ${marketplaceOrderId}: ${stockNews}.`);
      }
      if (before && waitedBefore !== deferredRequests.length) {
        announce(
          deferredRequests.length > 0
            ? `Order ${marketplaceOrderId}: ${formatCount(deferredRequests.length)} action request${deferredRequests.length === 1 ? '' : 's'} waiting for Lengow.`
            : `Order ${marketplaceOrderId}: no action request waits for Lengow any more.`,
        );
      }
    } catch (error) {
      if (unmounted) return;
      const missing = error instanceof ApiError && error.status === 404;
      replace(
        errorBanner,
        h(
          'p',
          {},
          h('strong', {}, missing ? 'Order not found. ' : 'The order could not be loaded. '),
          describeError(error),
        ),
        h(
          'p',
          {},
          h('button', { type: 'button', onclick: () => load() }, 'Retry'),
          ' ',
          h('a', { href: '#/orders' }, 'Back to the orders'),
        ),
      );
      errorBanner.hidden = false;
      summary.setAttribute('aria-busy', 'false');
    }
  }

  function scheduleReload(delay = 200) {
    clearTimeout(reloadTimer);
    reloadTimer = setTimeout(load, delay);
  }

  live.start(null);
  const stream = `order-${marketplace}-${marketplaceOrderId}`;
  const unsubscribe = live.subscribe((event) => {
    const change = orderChangeOf(event);
    if (
      change &&
      (change.stream === stream ||
        (change.marketplace === marketplace && change.marketplaceOrderId === marketplaceOrderId))
    ) {
      scheduleReload();
      clearTimeout(settleTimer);
      settleTimer = setTimeout(load, SETTLE_MS);
    }
  });
  const unsubscribeState = live.onState((state, previous) => {
    if (state === 'open' && previous === 'reconnecting') scheduleReload();
  });

  // The summary's badges offer re-import and re-send only to a key that may run them (focus kept on a redrawn badge).
  const unsubscribeAccess = onAccessChange(() => {
    if (!overview || unmounted) return;
    const badgeKey = summary.contains(document.activeElement) ? document.activeElement.dataset?.badge : undefined;
    renderSummary();
    if (badgeKey) summary.querySelector(`[data-badge="${CSS.escape(badgeKey)}"]`)?.focus();
  });

  load();
  return {
    unmount() {
      unmounted = true;
      clearTimeout(reloadTimer);
      clearTimeout(settleTimer);
      unsubscribe();
      unsubscribeState();
      unsubscribeAccess();
    },
  };
}
