import { ApiError, describeError, get, post } from './api.js';
import { renderBadges } from './badges.js';
import { confirmAndRun } from './dialogs.js';
import { announce, h, replace, uid } from './dom.js';
import { ENDPOINTS } from './endpoints.js';
import { formatDate, formatMoney, humanise, rowBadges, rowStateText } from './format.js';
import { liveOrderOf } from './orders-api.js';
import { commandBody, eventsFrom, isFailureEvent, orderFrom, stateFrom } from './order-api.js';

// One order: its summary, the operator actions, the shop status changes used when testing, its full event timeline,
// and what the order looked like at any revision. Live updates reload it when the engine appends to its stream.

export function mountOrderPage(container, { marketplace, marketplaceOrderId }, { live, setTitle }) {
  let unmounted = false;
  let overview = null;
  let events = [];
  let reloadTimer = null;

  const title = h('h1', {}, `Order ${marketplaceOrderId}`);
  const errorBanner = h('div', { class: 'banner banner-error', role: 'alert', hidden: true });
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

  container.append(
    h(
      'p',
      { class: 'breadcrumb' },
      h('a', { href: '#/orders' }, 'Orders'),
      ' › ',
      `${marketplace} › ${marketplaceOrderId}`,
    ),
    title,
    errorBanner,
    summary,
    actionsPanel,
    shopPanel,
    timelinePanel,
    revisionPanel,
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
        renderBadges(rowBadges(row), { onAction: (badge) => (badge.action === 'reimport' ? reimport() : resend()) }),
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
      item('Revision', String(row.streamRevision ?? '—')),
    );
    summary.setAttribute('aria-busy', 'false');
  }

  // ---- operator actions ---------------------------------------------------------------------------------------------
  const actionResult = h('div', { 'aria-live': 'polite' });
  actionsPanel.append(
    h('h2', { id: 'order-actions-title' }, 'Actions'),
    h(
      'div',
      { class: 'actions-row' },
      h('button', { type: 'button', dataset: { command: 'reimport' }, onclick: () => reimport() }, 'Re-import'),
      h('button', { type: 'button', dataset: { command: 'resend' }, onclick: () => resend() }, 'Re-send action'),
      h(
        'button',
        { type: 'button', dataset: { command: 'resynchronise' }, onclick: () => resynchronise() },
        'Re-synchronise shop order ids',
      ),
    ),
    h(
      'p',
      { class: 'field-hint' },
      'Re-import reads the order from Lengow again; re-send repeats the last failed action; re-synchronise sends the shop order ids to Lengow again.',
    ),
    actionResult,
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
          ? 'The order is already imported: a re-import creates a new shop order and moves the current one to "Technical error". Stock is not taken twice.'
          : 'The engine reads the order from Lengow again and imports it with the current catalogue and settings.',
        messageList(overview?.importMessages ?? []),
      ],
      confirmLabel: 'Re-import',
      path: ENDPOINTS.reimport(marketplace, marketplaceOrderId),
      success: `Re-import of ${orderName()} requested.`,
    });
  }

  function resend() {
    return command({
      title: `Re-send the action of order ${marketplaceOrderId}?`,
      body: [
        'The engine sends the failed action to Lengow again with the order’s current data.',
        messageList(overview?.actionMessages ?? []),
      ],
      confirmLabel: 'Re-send',
      path: ENDPOINTS.resend(marketplace, marketplaceOrderId),
      success: `Re-send for ${orderName()} requested.`,
    });
  }

  function resynchronise() {
    return command({
      title: `Re-synchronise order ${marketplaceOrderId}?`,
      body: ['The engine sends the ids of its shop orders to Lengow again (merchant order id).'],
      confirmLabel: 'Re-synchronise',
      path: ENDPOINTS.resynchronise(marketplace, marketplaceOrderId),
      success: `Re-synchronisation of ${orderName()} requested.`,
    });
  }

  async function command({ title: dialogTitle, body, confirmLabel, path, payload = {}, success }) {
    const outcome = await confirmAndRun({
      title: dialogTitle,
      body: body.filter(Boolean),
      confirmLabel,
      run: () => post(path, commandBody(payload, overview)),
      success: () => success,
    });
    if (outcome.ok) scheduleReload(300);
    return outcome;
  }

  // ---- shop status changes (testing the action flow without a real shop) -------------------------------------------
  function renderShopPanel() {
    const shopOrders = overview?.shopOrderIds ?? [];
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
      h(
        'div',
        { class: 'shop-actions' },
        shipForm(shopOrders),
        simpleForm('cancel', 'Mark canceled', shopOrders),
        simpleForm('refund', 'Mark refunded', shopOrders),
      ),
    );
  }

  function shopOrderField(shopOrders) {
    const id = uid('shop-order');
    return {
      id,
      element: h(
        'div',
        { class: 'field' },
        h('label', { for: id }, 'Shop order'),
        h(
          'select',
          { id, name: 'shopOrderId' },
          shopOrders.map((shopOrderId) => h('option', { value: shopOrderId }, shopOrderId)),
        ),
      ),
    };
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
      { 'aria-label': 'Mark shipped', dataset: { shop: 'ship' }, novalidate: true },
      h('h3', {}, 'Mark shipped'),
      shopOrderField(shopOrders).element,
      textField('carrier', 'Carrier', 'Shop carrier name or id, e.g. Colissimo'),
      textField('trackingNumber', 'Tracking number', 'Leave empty to see "Not shipped"'),
      h('button', { type: 'submit' }, 'Mark shipped'),
      result,
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const data = new FormData(form);
      submitShopChange(form, result, 'ship', {
        shopOrderId: data.get('shopOrderId'),
        carrier: String(data.get('carrier') ?? '').trim() || null,
        trackingNumber: String(data.get('trackingNumber') ?? '').trim() || null,
      });
    });
    return form;
  }

  function simpleForm(kind, label, shopOrders) {
    const result = h('div', { 'aria-live': 'polite' });
    const form = h(
      'form',
      { 'aria-label': label, dataset: { shop: kind }, novalidate: true },
      h('h3', {}, label),
      shopOrderField(shopOrders).element,
      kind === 'cancel' ? textField('reason', 'Reason (optional)') : null,
      h('button', { type: 'submit' }, label),
      result,
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const data = new FormData(form);
      const payload = { shopOrderId: data.get('shopOrderId') };
      if (kind === 'cancel') payload.reason = String(data.get('reason') ?? '').trim() || null;
      submitShopChange(form, result, kind, payload);
    });
    return form;
  }

  async function submitShopChange(form, result, kind, payload) {
    const button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    replace(result, h('p', { class: 'loading' }, 'Working…'));
    try {
      await post(ENDPOINTS.shopStatus(marketplace, marketplaceOrderId, kind), payload);
      const message = `Shop order ${payload.shopOrderId} marked ${kind === 'ship' ? 'shipped' : kind === 'cancel' ? 'canceled' : 'refunded'}.`;
      replace(result, h('p', { class: 'banner banner-ok', dataset: { outcome: 'ok' } }, message));
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
    } finally {
      button.disabled = false;
    }
  }

  // ---- timeline -----------------------------------------------------------------------------------------------------
  timelinePanel.append(h('h2', { id: 'timeline-title' }, 'Timeline'), timelineList);

  function renderTimeline() {
    timelineList.setAttribute('aria-busy', 'false');
    if (events.length === 0) {
      replace(timelineList, h('li', { class: 'muted' }, 'No event recorded for this order.'));
      return;
    }
    // Newest first: operators come here to see what just happened.
    replace(
      timelineList,
      ...[...events].reverse().map((event) =>
        h(
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
            h('span', {}, 'By ', h('strong', { class: 'event-actor' }, event.actor ?? 'unknown')),
            event.correlationId ? h('span', {}, 'Correlation ', h('code', {}, event.correlationId)) : null,
            event.causationId ? h('span', {}, 'Caused by ', h('code', {}, event.causationId)) : null,
          ),
          h(
            'details',
            {},
            h('summary', {}, `Data of ${humanise(event.type)} (revision ${event.revision})`),
            h('pre', { class: 'json' }, JSON.stringify(event.data, null, 2)),
            event.metadata ? h('pre', { class: 'json' }, JSON.stringify(event.metadata, null, 2)) : null,
          ),
        ),
      ),
    );
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
  const revisionOutput = h('div', { 'aria-live': 'polite' });
  const revisionForm = h(
    'form',
    { class: 'revision-picker', novalidate: true },
    h(
      'div',
      { class: 'field' },
      h('label', { for: revisionId }, 'Revision'),
      revisionInput,
      h('p', { class: 'field-hint', id: `${revisionId}-hint` }, 'From 0 (the first event) to the current revision'),
    ),
    h('button', { type: 'submit' }, 'Show state'),
  );
  revisionPanel.append(h('h2', { id: 'revision-title' }, 'State at a revision'), revisionForm, revisionOutput);
  revisionForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const max = overview?.streamRevision ?? events.length - 1;
    const revision = Number(revisionInput.value);
    if (revisionInput.value === '' || !Number.isInteger(revision) || revision < 0 || revision > max) {
      revisionInput.setAttribute('aria-invalid', 'true');
      replace(
        revisionOutput,
        h('p', { class: 'field-error', role: 'alert' }, `Choose a whole number from 0 to ${max}.`),
      );
      revisionInput.focus();
      return;
    }
    revisionInput.setAttribute('aria-invalid', 'false');
    replace(revisionOutput, h('p', { class: 'loading' }, 'Loading…'));
    try {
      const state = stateFrom(await get(ENDPOINTS.stateAt(marketplace, marketplaceOrderId), { revision }));
      const at = events.find((item) => item.revision === revision);
      replace(
        revisionOutput,
        h(
          'h3',
          {},
          `At revision ${revision}${at ? `: after ${humanise(at.type)}, ${formatDate(at.recordedAt, { seconds: true })}` : ''}`,
        ),
        state.overview ? renderBadges(rowBadges(state.overview)) : null,
        h('pre', { class: 'json', dataset: { stateRevision: revision } }, JSON.stringify(state.raw, null, 2)),
      );
    } catch (error) {
      replace(revisionOutput, h('p', { class: 'banner banner-error', role: 'alert' }, describeError(error)));
    }
  });

  // ---- loading and live updates -------------------------------------------------------------------------------------
  async function load() {
    try {
      const [orderBody, timelineBody] = await Promise.all([
        get(ENDPOINTS.order(marketplace, marketplaceOrderId)),
        get(ENDPOINTS.timeline(marketplace, marketplaceOrderId)),
      ]);
      if (unmounted) return;
      const before = overview;
      overview = orderFrom(orderBody);
      events = eventsFrom(timelineBody);
      errorBanner.hidden = true;
      renderSummary();
      if (!before || (before.shopOrderIds ?? []).join() !== (overview.shopOrderIds ?? []).join()) renderShopPanel();
      renderTimeline();
      revisionInput.max = String(overview.streamRevision ?? events.length - 1);
      if (before && rowStateText(before) !== rowStateText(overview))
        announce(`Order ${marketplaceOrderId} is now ${rowStateText(overview)}.`);
      else if (before && before.streamRevision !== overview.streamRevision)
        announce(`Order ${marketplaceOrderId} has new events.`);
    } catch (error) {
      if (unmounted) return;
      replace(
        errorBanner,
        h(
          'p',
          {},
          h(
            'strong',
            {},
            error instanceof ApiError && error.status === 404 ? 'Order not found. ' : 'The order could not be loaded. ',
          ),
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

  const unsubscribe = live.subscribe((event) => {
    const update = liveOrderOf(event);
    if (update && update.marketplace === marketplace && update.marketplaceOrderId === marketplaceOrderId)
      scheduleReload();
  });
  const unsubscribeState = live.onState((state, previous) => {
    if (state === 'open' && previous === 'reconnecting') scheduleReload();
  });

  load();
  return {
    unmount() {
      unmounted = true;
      clearTimeout(reloadTimer);
      unsubscribe();
      unsubscribeState();
    },
  };
}
