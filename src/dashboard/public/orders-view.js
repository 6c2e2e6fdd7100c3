import { needsRole, onAccessChange, roleDenial, roleNote } from './access.js';
import { ApiError, describeError, get, post } from './api.js';
import { mountAttention } from './attention-view.js';
import { renderBadges } from './badges.js';
import { confirmAndRun } from './dialogs.js';
import { alertNow, announce, h, replace, uid } from './dom.js';
import { ENDPOINTS } from './endpoints.js';
import { formatCount, formatDateParts, formatMoney, humanise, orderPath, rowBadges, rowStateText } from './format.js';
import {
  COUNTER_STATES,
  LENGOW_STATUSES,
  SORTABLE,
  countersFrom,
  filterQuery,
  orderChangeOf,
  pageFrom,
  resendBody,
  rowKey,
} from './orders-api.js';

// The order overview: counters, filters, a sortable table paged by the server with cursors (never everything at
// once), and live updates from the engine's event stream. Filters, sort and page size live in the URL hash, so a
// filtered list can be bookmarked and Back works.

const PAGE_SIZES = [25, 50, 100];
/** A row says when its stock was not decremented: the list is where operators look for what needs them. */
const LIST_BADGES = { stock: true };
const DEFAULTS = { sort: 'order_date', direction: 'desc', limit: 50 };
/** The words of a badge's action, for the sentence that says why the key may not run it. */
const ACTION_NAMES = { reimport: 'Re-import', resend: 'Re-send' };
const deniedAction = (action) => {
  const denial = roleDenial('operator');
  return denial && `${ACTION_NAMES[action] ?? 'This action'} ${denial}.`;
};
/**
 * The events that end a re-send or a re-import in failure. A failure again often leaves the row looking exactly as
 * before (same badge, same reason), so the state text alone cannot tell the operator that their request failed.
 */
const FAILED_AGAIN = {
  resend: (row) => row.actionState === 'failed' && /^Action(Rejected|SendFailed|TimedOut)$/.test(row.lastEventType),
  reimport: (row) => row.importState === 'not_imported' && row.lastEventType === 'OrderImportFailed',
};
/** Done for good: nothing more to follow. A sent action ("waiting") can still be rejected by Lengow later. */
const SUCCEEDED = {
  resend: (row) => row.actionState !== 'failed' && row.actionState !== 'waiting',
  reimport: (row) => row.importState === 'imported' || row.importState === 'ignored',
};

function readFilters(query) {
  const limit = Number(query.get('limit'));
  const sort = query.get('sort');
  return {
    q: query.get('q') ?? '',
    state: query.get('state') ?? '',
    marketplace: query.get('marketplace') ?? '',
    lengowStatus: query.get('lengowStatus') ?? '',
    from: query.get('from') ?? '',
    to: query.get('to') ?? '',
    sort: SORTABLE.some((column) => column.key === sort) ? sort : DEFAULTS.sort,
    direction: query.get('direction') === 'asc' ? 'asc' : 'desc',
    limit: PAGE_SIZES.includes(limit) ? limit : DEFAULTS.limit,
  };
}

function writeFilters(filters) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(filters)) {
    if (value !== '' && value !== DEFAULTS[name]) query.set(name, String(value));
  }
  const text = query.toString();
  // replaceState: a filter change is not a navigation, and must not re-mount the view (focus would be lost).
  history.replaceState(null, '', `#/orders${text ? `?${text}` : ''}`);
}

export function mountOrdersList(container, { query }, { live }) {
  const filters = readFilters(query);
  /** Cursors of the pages before the current one (page 1's is null), for Previous. */
  let cursors = [null];
  let page = { items: [], nextCursor: null, position: null };
  let counters = null;
  let loadController = null;
  let counterTimer = null;
  let unmounted = false;
  /** Rows drawn from an answer: before it, drawing them would say that no order matches. */
  let loaded = false;

  // ---- static structure -------------------------------------------------------------------------------------------
  const errorBanner = h('div', { class: 'banner banner-error', role: 'alert', hidden: true });
  const counterList = h('ul', { class: 'counters', 'aria-label': 'Orders by state' });
  const marketplaceLine = h('p', { class: 'marketplace-counters' });

  const searchId = uid('search');
  const search = h('input', {
    id: searchId,
    type: 'search',
    name: 'q',
    value: filters.q,
    placeholder: 'Order id, shop order, customer',
    autocomplete: 'off',
  });
  const stateSelect = select(
    'state',
    [['', 'All states'], ...COUNTER_STATES.map((s) => [s.key, s.label])],
    filters.state,
  );
  const marketplaceSelect = select('marketplace', [['', 'All marketplaces']], filters.marketplace);
  const statusSelect = select(
    'lengowStatus',
    [['', 'All statuses'], ...LENGOW_STATUSES.map((status) => [status, humanise(status)])],
    filters.lengowStatus,
  );
  const fromInput = h('input', { type: 'date', name: 'from', value: filters.from, id: uid('from') });
  const toInput = h('input', { type: 'date', name: 'to', value: filters.to, id: uid('to') });
  const dateError = h('p', { class: 'field-error', id: uid('date-error'), hidden: true });
  const limitSelect = select(
    'limit',
    PAGE_SIZES.map((size) => [String(size), String(size)]),
    String(filters.limit),
  );

  const form = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': 'Filter orders', onsubmit: (event) => event.preventDefault() },
    field('Search', search, 'Prefix of an id or a name'),
    field('State', stateSelect.element),
    field('Marketplace', marketplaceSelect.element),
    field('Lengow status', statusSelect.element),
    field('Order date from', fromInput),
    field('Order date to', toInput),
    h('button', { type: 'button', onclick: resetFilters }, 'Reset filters'),
    dateError,
  );

  const changesButton = h('button', { type: 'button', class: 'primary', hidden: true, onclick: () => load('first') });
  const followUpNote = h('div', { class: 'banner banner-error', hidden: true, dataset: { outcome: 'failed-again' } });
  const caption = h('caption', {});
  const headRow = h('tr', {});
  const tbody = h('tbody', {});
  const table = h('table', { 'aria-busy': 'false' }, caption, h('thead', {}, headRow), tbody);
  const pagePosition = h('p', { class: 'muted', 'aria-live': 'polite' });
  const previous = h('button', { type: 'button', onclick: () => load('previous') }, '← Previous page');
  const next = h('button', { type: 'button', onclick: () => load('next') }, 'Next page →');
  const commandsNote = roleNote('operator', 'Import now, re-import and re-send', { plural: true });
  const importButton = needsRole(
    h('button', { type: 'button', dataset: { command: 'import-now' }, onclick: () => importNow() }, 'Import now'),
    'operator',
    commandsNote,
  );

  // What the engine's reactions could not finish on their own: shown only while something waits.
  const attention = mountAttention({
    live,
    marketplaces: () => (counters?.byMarketplace ?? []).map((entry) => entry.marketplace),
  });

  container.append(
    h('div', { class: 'page-head' }, h('h1', {}, 'Orders'), importButton),
    commandsNote,
    errorBanner,
    attention.element,
    h('h2', { class: 'visually-hidden' }, 'Counters'),
    counterList,
    marketplaceLine,
    h('h2', { class: 'visually-hidden' }, 'Filters'),
    form,
    changesButton,
    followUpNote,
    h(
      'div',
      { class: 'table-wrap' },
      table,
      h(
        'nav',
        { class: 'pager', 'aria-label': 'Pages of orders' },
        pagePosition,
        h('div', { class: 'pager-size' }, field('Orders per page', limitSelect.element)),
        h('div', {}, previous, ' ', next),
      ),
    ),
  );

  // ---- filters ------------------------------------------------------------------------------------------------------
  let searchTimer = null;
  search.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => applyFilter('q', search.value.trim()), 300);
  });
  search.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      clearTimeout(searchTimer);
      applyFilter('q', search.value.trim());
    }
  });
  stateSelect.element.addEventListener('change', () => applyFilter('state', stateSelect.element.value));
  marketplaceSelect.element.addEventListener('change', () =>
    applyFilter('marketplace', marketplaceSelect.element.value),
  );
  statusSelect.element.addEventListener('change', () => applyFilter('lengowStatus', statusSelect.element.value));
  limitSelect.element.addEventListener('change', () => applyFilter('limit', Number(limitSelect.element.value)));
  fromInput.addEventListener('change', () => applyDates());
  toInput.addEventListener('change', () => applyDates());

  function applyDates() {
    const invalid = fromInput.value && toInput.value && fromInput.value > toInput.value;
    dateError.hidden = !invalid;
    dateError.textContent = invalid ? '"Order date from" must be on or before "Order date to".' : '';
    for (const input of [fromInput, toInput]) {
      input.setAttribute('aria-invalid', String(Boolean(invalid)));
      if (invalid) input.setAttribute('aria-describedby', dateError.id);
      else input.removeAttribute('aria-describedby');
    }
    if (invalid) return;
    filters.from = fromInput.value;
    filters.to = toInput.value;
    writeFilters(filters);
    load('first');
    loadCounters();
  }

  function applyFilter(name, value) {
    applyFilters({ [name]: value });
  }

  /** Several filters in one change: one list load, one counters load, one URL. */
  function applyFilters(changes) {
    const changed = Object.keys(changes).filter((name) => filters[name] !== changes[name]);
    if (changed.length === 0) return;
    Object.assign(filters, changes);
    writeFilters(filters);
    renderCounters();
    load('first');
    // The counters are taken without the state (and the page size does not change them).
    if (changed.some((name) => name !== 'state' && name !== 'limit')) loadCounters();
  }

  function resetFilters() {
    Object.assign(filters, { q: '', state: '', marketplace: '', lengowStatus: '', from: '', to: '' });
    search.value = '';
    stateSelect.element.value = '';
    marketplaceSelect.element.value = '';
    statusSelect.element.value = '';
    fromInput.value = '';
    toInput.value = '';
    dateError.hidden = true;
    writeFilters(filters);
    renderCounters();
    load('first');
    loadCounters();
    search.focus();
  }

  // ---- table --------------------------------------------------------------------------------------------------------
  const COLUMNS = [
    { label: 'State' },
    { label: 'Marketplace' },
    { label: 'Marketplace order', sort: 'marketplace_order_id' },
    { label: 'Lengow status' },
    { label: 'Shop orders' },
    { label: 'Customer' },
    { label: 'Country' },
    { label: 'Total', num: true },
    { label: 'Order date', sort: 'order_date' },
    { label: 'Imported' },
    { label: 'Last event', sort: 'last_event_at' },
  ];

  function renderHead() {
    replace(
      headRow,
      ...COLUMNS.map((column) => {
        const th = h('th', { scope: 'col', class: column.num ? 'num' : null });
        if (!column.sort) {
          th.append(column.label);
          return th;
        }
        const active = filters.sort === column.sort;
        if (active) th.setAttribute('aria-sort', filters.direction === 'asc' ? 'ascending' : 'descending');
        // Ids read naturally A→Z; dates newest first. A second click on the same column flips it.
        const firstDirection = column.sort === 'marketplace_order_id' ? 'asc' : 'desc';
        const nextDirection = active ? (filters.direction === 'desc' ? 'asc' : 'desc') : firstDirection;
        th.append(
          h(
            'button',
            {
              type: 'button',
              class: 'sort-button',
              dataset: { sort: column.sort },
              onclick: () => {
                filters.sort = column.sort;
                filters.direction = nextDirection;
                writeFilters(filters);
                renderHead();
                headRow.querySelector(`[data-sort="${column.sort}"]`)?.focus();
                load('first');
              },
            },
            column.label,
            h(
              'span',
              { class: 'sort-indicator', 'aria-hidden': 'true' },
              active ? (filters.direction === 'asc' ? '▲' : '▼') : '↕',
            ),
            h(
              'span',
              { class: 'visually-hidden' },
              active ? `, sorted ${filters.direction === 'asc' ? 'ascending' : 'descending'}` : ', sortable',
            ),
          ),
        );
        return th;
      }),
    );
  }

  function renderRow(row) {
    const context = `order ${row.marketplaceOrderId} on ${row.marketplaceLabel || row.marketplace}`;
    return h(
      'tr',
      { dataset: { key: rowKey(row), marketplace: row.marketplace, orderId: row.marketplaceOrderId } },
      h(
        'td',
        {},
        renderBadges(rowBadges(row, LIST_BADGES), {
          onAction: (badge) => runAction(row, badge),
          context,
          denied: deniedAction,
        }),
      ),
      h('td', {}, row.marketplaceLabel || row.marketplace),
      h(
        'th',
        { scope: 'row', class: 'order-id' },
        h('a', { href: orderPath(row.marketplace, row.marketplaceOrderId) }, row.marketplaceOrderId),
      ),
      h('td', {}, humanise(row.lengowStatus)),
      h(
        'td',
        {},
        (row.shopOrderIds ?? []).length > 0 ? row.shopOrderIds.join(', ') : h('span', { class: 'muted' }, '—'),
      ),
      h('td', {}, row.customerName ?? '—'),
      h('td', {}, row.deliveryCountry ?? '—'),
      h('td', { class: 'num nowrap' }, formatMoney(row.totalAmount, row.currency)),
      // Without the marketplace's date the list sorts by when the engine first saw the order: say so.
      row.orderDate
        ? h('td', {}, cellDate(row.orderDate))
        : h('td', {}, cellDate(row.firstSeenAt), h('br'), h('span', { class: 'muted' }, 'first seen')),
      h('td', {}, cellDate(row.importedAt)),
      h('td', {}, cellDate(row.lastEventAt), h('br'), h('span', { class: 'muted' }, humanise(row.lastEventType))),
    );
  }

  function renderRows() {
    replace(tbody, ...page.items.map(renderRow));
    if (page.items.length === 0) {
      tbody.append(
        h('tr', {}, h('td', { colspan: COLUMNS.length, class: 'muted' }, 'No order matches these filters.')),
      );
    }
    renderPosition();
  }

  /** Caption and pager text; separate from the rows so counters arriving later never rebuild the rows. */
  function renderPosition() {
    const pageNumber = cursors.length;
    const start = (pageNumber - 1) * filters.limit + (page.items.length > 0 ? 1 : 0);
    const end = (pageNumber - 1) * filters.limit + page.items.length;
    const total = matchingTotal();
    caption.textContent = `Orders${total !== null ? ` (${formatCount(total)} matching)` : ''}, sorted by ${
      SORTABLE.find((column) => column.key === filters.sort)?.label ?? filters.sort
    }, ${filters.direction === 'asc' ? 'oldest or lowest first' : 'newest or highest first'}`;
    pagePosition.textContent =
      page.items.length === 0
        ? 'No orders'
        : `Page ${pageNumber}: orders ${formatCount(start)}–${formatCount(end)}${total !== null ? ` of ${formatCount(total)}` : ''}`;
    previous.disabled = cursors.length <= 1;
    next.disabled = !page.nextCursor;
  }

  /** `first` resets paging; `next`/`previous` move along the cursor stack; `current` reloads the page in place. */
  async function load(direction) {
    if (direction === 'first') cursors = [null];
    if (direction === 'next') {
      if (!page.nextCursor) return;
      cursors.push(page.nextCursor);
    }
    if (direction === 'previous') {
      if (cursors.length <= 1) return;
      cursors.pop();
    }
    changedElsewhere.clear();
    changesButton.hidden = true;
    if (direction === 'first') followUpNote.hidden = true;
    loadController?.abort();
    loadController = new AbortController();
    table.setAttribute('aria-busy', 'true');
    try {
      const body = await get(
        ENDPOINTS.orders,
        {
          ...filterQuery(filters),
          sort: filters.sort,
          direction: filters.direction,
          limit: filters.limit,
          cursor: cursors[cursors.length - 1],
        },
        { signal: loadController.signal },
      );
      if (unmounted) return;
      page = pageFrom(body);
      loaded = true;
      errorBanner.hidden = true;
      renderRows();
      if (direction === 'next' || direction === 'previous') (direction === 'next' ? next : previous).focus();
      live.start(page.position);
      if (direction !== 'current') announcePage = true;
      announceMatches();
    } catch (error) {
      if (error?.name === 'AbortError' || unmounted) return;
      if (direction === 'next') cursors.pop();
      showError(error);
    } finally {
      if (!unmounted) table.setAttribute('aria-busy', 'false');
    }
  }

  function showError(error) {
    replace(
      errorBanner,
      h('p', {}, h('strong', {}, 'The orders could not be loaded. '), describeError(error)),
      h('p', {}, h('button', { type: 'button', onclick: retryAfterError }, 'Retry')),
    );
    errorBanner.hidden = false;
  }

  /** The counters failed with the list (the same 401, a stopped engine): the caption and marketplace filter need them. */
  function retryAfterError() {
    load('current');
    loadCounters();
  }

  // ---- counters -----------------------------------------------------------------------------------------------------
  /** Orders matching every filter: the counters are taken under the filters except the state, so one answer gives both. */
  function matchingTotal() {
    // Counters taken under other filters would give a wrong total: show none until the right ones arrive.
    if (!counters || countersKey !== JSON.stringify(filterQuery(filters, { withState: false }))) return null;
    if (!filters.state) return counters.total;
    // null: the engine could not count this state (stock, while its overview is rebuilt after an upgrade).
    const count = counters.byState[filters.state];
    return count === undefined ? 0 : count;
  }

  /** Says how many orders match once both the page and its counters are in, after a filter or page change. */
  let announcePage = false;
  function announceMatches() {
    const total = matchingTotal();
    if (!announcePage || total === null || countersLoading) return;
    announcePage = false;
    announce(`${formatCount(total)} order${total === 1 ? '' : 's'} match.`);
  }

  let countersLoading = false;
  let countersKey = null;
  let countersController = null;
  async function loadCounters() {
    countersController?.abort();
    countersController = new AbortController();
    countersLoading = true;
    try {
      const query = filterQuery(filters, { withState: false });
      counters = countersFrom(await get(ENDPOINTS.counters, query, { signal: countersController.signal }));
      countersKey = JSON.stringify(query);
      if (unmounted) return;
      countersLoading = false;
      renderCounters();
      renderPosition();
      announceMatches();
    } catch (error) {
      if (!(error instanceof ApiError) || unmounted) return;
      countersLoading = false;
      replace(counterList, h('li', { class: 'muted' }, `Counters unavailable: ${describeError(error)}`));
    }
  }

  function renderCounters() {
    if (!counters) return;
    const focused = document.activeElement?.dataset?.counter;
    const focusedStockFailed = document.activeElement?.dataset?.stockFailedOf;
    replace(
      counterList,
      h('li', {}, counterButton('', 'All orders', counters.total)),
      ...COUNTER_STATES.map((state) => h('li', {}, counterButton(state.key, state.label, counters.byState[state.key]))),
    );
    if (focused !== undefined) counterList.querySelector(`[data-counter="${focused}"]`)?.focus();
    replace(
      marketplaceLine,
      ...counters.byMarketplace.flatMap((entry, index) => [
        index > 0 ? ' · ' : '',
        h(
          'span',
          { class: 'marketplace-count', dataset: { marketplace: entry.marketplace } },
          `${entry.label}: `,
          h('strong', {}, formatCount(entry.count)),
          // Unknown (null, during a rebuild) shows nothing, as 0 does: the state chip already says it is not counted.
          entry.stockFailed > 0 ? [' (', stockFailedButton(entry), ')'] : null,
        ),
      ]),
    );
    if (focusedStockFailed !== undefined) {
      marketplaceLine.querySelector(`[data-stock-failed-of="${CSS.escape(focusedStockFailed)}"]`)?.focus();
    }
    const chosen = marketplaceSelect.element.value;
    marketplaceSelect.setOptions([
      ['', 'All marketplaces'],
      ...counters.byMarketplace.map((entry) => [entry.marketplace, entry.label]),
    ]);
    marketplaceSelect.element.value = chosen || filters.marketplace;
  }

  function counterButton(key, label, count) {
    return h(
      'button',
      {
        type: 'button',
        class: 'counter',
        'aria-pressed': String(filters.state === key),
        dataset: { counter: key },
        onclick: () => {
          stateSelect.element.value = key;
          applyFilter('state', key);
        },
      },
      h('span', { class: 'counter-value' }, count === null ? '—' : formatCount(count)),
      h('span', { class: 'counter-label' }, label),
      count === null
        ? h('span', { class: 'visually-hidden' }, ' (not counted while the engine rebuilds its overview)')
        : null,
    );
  }

  /** Where stock failed: the marketplace's orders in the "Stock not decremented" state, one click away. */
  function stockFailedButton(entry) {
    return h(
      'button',
      {
        type: 'button',
        class: 'link-button stock-failed-of',
        'aria-pressed': String(filters.state === 'stock_failed' && filters.marketplace === entry.marketplace),
        dataset: { stockFailedOf: entry.marketplace },
        onclick: () => {
          stateSelect.element.value = 'stock_failed';
          marketplaceSelect.element.value = entry.marketplace;
          applyFilters({ marketplace: entry.marketplace, state: 'stock_failed' });
        },
      },
      formatCount(entry.stockFailed),
      ' with stock not decremented',
      h('span', { class: 'visually-hidden' }, ` on ${entry.label}`),
    );
  }

  /**
   * At most one counters request a second while events stream in: a throttle, not a debounce, so a long import
   * burst still moves the numbers instead of postponing them until it ends.
   */
  function refreshCountersSoon() {
    if (counterTimer) return;
    counterTimer = setTimeout(() => {
      counterTimer = null;
      loadCounters();
    }, 1000);
  }

  // ---- operator actions from the list -------------------------------------------------------------------------------
  async function importNow() {
    const outcome = await confirmAndRun({
      title: 'Import orders now?',
      body: [
        'The engine reads the orders Lengow changed since the last import (the import window) and imports them now, ' +
          'without waiting for the next scheduled run.',
      ],
      confirmLabel: 'Import now',
      run: () => post(ENDPOINTS.importNow, {}),
      success: (report) => {
        const counts = report?.counts ?? {};
        const failed = Number(counts.failedOrders ?? 0);
        return (
          `Import ${report?.outcome ?? 'done'}: ${formatCount(counts.received ?? 0)} orders read, ` +
          `${formatCount(counts.planned ?? 0)} to create or update, ${formatCount(failed)} not imported.`
        );
      },
    });
    if (outcome.ok) {
      load('current');
      loadCounters();
    }
  }

  async function runAction(row, badge) {
    const name = `${row.marketplaceOrderId} (${row.marketplaceLabel || row.marketplace})`;
    const reasons = badge.messages.length
      ? h(
          'ul',
          { class: 'messages' },
          badge.messages.map((message) => h('li', {}, message)),
        )
      : null;
    const isImport = badge.action === 'reimport';
    const outcome = await confirmAndRun({
      title: isImport
        ? `Re-import order ${row.marketplaceOrderId}?`
        : `Re-send the action of order ${row.marketplaceOrderId}?`,
      body: [
        `${badge.label}: ${name}.`,
        ...(reasons ? [h('p', {}, badge.messages.length > 1 ? 'Reasons:' : 'Reason:'), reasons] : []),
        isImport
          ? 'The engine reads the order from Lengow again and imports it with the current catalogue and settings.'
          : 'The engine sends the action to Lengow again with the order’s current data.',
      ],
      confirmLabel: isImport ? 'Re-import' : 'Re-send',
      run: () =>
        isImport
          ? post(ENDPOINTS.reimport(row.marketplace, row.marketplaceOrderId), {})
          : post(ENDPOINTS.resend(row.marketplace, row.marketplaceOrderId), resendBody(row)),
      success: () =>
        isImport
          ? `Re-import of ${name} requested. The row updates when the engine is done.`
          : `Re-send of ${name} requested. The row updates when Lengow answers.`,
    });
    // The dialog returns focus to the badge; if a live update replaced the row meanwhile, focus its new badge.
    const key = rowKey(row);
    const rowElement = tbody.querySelector(`tr[data-key="${CSS.escape(key)}"]`);
    if (rowElement && !rowElement.contains(document.activeElement)) {
      (
        rowElement.querySelector('[data-badge="import"], [data-badge="action"]') ?? rowElement.querySelector('a')
      )?.focus();
    }
    if (outcome.ok) {
      const current = page.items.find((item) => item.stream === row.stream) ?? row;
      followed.set(row.stream, { kind: isImport ? 'reimport' : 'resend', revision: current.streamRevision, name });
    }
    // Without the live stream the row would never change: read it again once the engine had a moment.
    if (outcome.ok && live.state !== 'open') {
      setTimeout(() => queueRowRefresh({ stream: row.stream, revision: row.streamRevision + 1 }), 1000);
    }
  }

  // ---- live updates -------------------------------------------------------------------------------------------------
  // An `order-changed` event only names the order and its new revision. A visible row is read again (its overview
  // row), waiting for the read model to reach that revision; orders elsewhere are counted and offered as a refresh,
  // so rows never move under the operator's pointer.
  const wanted = new Map();
  const changedElsewhere = new Set();
  /** Re-sends and re-imports asked from this list, by stream, until their outcome shows in the row. */
  const followed = new Map();
  let refreshTimer = null;

  function queueRowRefresh(change, delay = 250) {
    wanted.set(change.stream, Math.max(wanted.get(change.stream) ?? -1, change.revision));
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(flushRowRefreshes, delay);
  }

  async function flushRowRefreshes() {
    const batch = [...wanted.entries()];
    wanted.clear();
    let behind = false;
    await Promise.all(
      batch.map(async ([stream, revision]) => {
        const row = page.items.find((item) => item.stream === stream);
        if (!row) return;
        try {
          const body = await get(ENDPOINTS.order(row.marketplace, row.marketplaceOrderId), {
            limit: 1,
            direction: 'backwards',
          });
          if (unmounted) return;
          const fresh = body?.overview;
          if (!fresh || fresh.streamRevision < revision) {
            // The read model has not caught up with the event yet: ask again shortly.
            wanted.set(stream, Math.max(wanted.get(stream) ?? -1, revision));
            behind = true;
            if (fresh) applyRow(fresh);
            return;
          }
          applyRow(fresh);
        } catch {
          // A failed background refresh shows at the next page load; not worth an error banner.
        }
      }),
    );
    if (behind && !unmounted) refreshTimer = setTimeout(flushRowRefreshes, 400);
  }

  function applyRow(fresh) {
    const key = rowKey(fresh);
    const index = page.items.findIndex((item) => rowKey(item) === key);
    if (index === -1) return;
    const before = page.items[index];
    if (before.streamRevision === fresh.streamRevision && before.lastPosition === fresh.lastPosition) return;
    page.items[index] = fresh;
    const old = tbody.querySelector(`tr[data-key="${CSS.escape(key)}"]`);
    if (old) {
      const hadFocus = old.contains(document.activeElement) ? document.activeElement : null;
      const focusKey = hadFocus?.dataset?.badge ?? (hadFocus?.tagName === 'A' ? 'link' : null);
      const row = renderRow(fresh);
      row.classList.add('row-updated');
      old.replaceWith(row);
      if (focusKey === 'link') row.querySelector('a')?.focus();
      else if (focusKey) (row.querySelector(`[data-badge="${focusKey}"]`) ?? row.querySelector('a'))?.focus();
    }
    const beforeText = rowStateText(before, LIST_BADGES);
    const afterText = rowStateText(fresh, LIST_BADGES);
    const follow = followed.get(fresh.stream);
    if (follow && fresh.streamRevision > follow.revision && FAILED_AGAIN[follow.kind](fresh)) {
      followed.delete(fresh.stream);
      const messages = follow.kind === 'resend' ? fresh.actionMessages : fresh.importMessages;
      const reason = (messages ?? []).join(' · ') || 'no reason given';
      const message = `${follow.kind === 'resend' ? 'Re-send' : 'Re-import'} of ${follow.name} failed again: ${reason}`;
      replace(followUpNote, h('p', {}, message));
      followUpNote.hidden = false;
      alertNow(message);
      return;
    }
    if (follow && SUCCEEDED[follow.kind](fresh)) followed.delete(fresh.stream);
    if (beforeText !== afterText) {
      announce(
        `Order ${fresh.marketplaceOrderId} (${fresh.marketplaceLabel || fresh.marketplace}) is now ${afterText}.`,
      );
    }
  }

  const unsubscribe = live.subscribe((event) => {
    const change = orderChangeOf(event);
    if (!change) return;
    refreshCountersSoon();
    if (page.items.some((item) => item.stream === change.stream)) {
      queueRowRefresh(change);
      return;
    }
    changedElsewhere.add(change.stream);
    changesButton.hidden = false;
    const count = changedElsewhere.size;
    changesButton.textContent = `${formatCount(count)} other order${count > 1 ? 's' : ''} changed — refresh the list`;
  });
  // After a drop the stream resumes from Last-Event-ID; reloading as well covers anything the read model reordered.
  const unsubscribeState = live.onState((state, previousState) => {
    if (state === 'open' && previousState === 'reconnecting') {
      load('current');
      loadCounters();
    }
  });

  // The badges offer re-import and re-send only to a key that may run them: drawn again when the role is known.
  const unsubscribeAccess = onAccessChange(() => {
    if (!loaded || unmounted) return;
    const active = tbody.contains(document.activeElement) ? document.activeElement : null;
    const key = active?.closest('tr')?.dataset.key;
    const badgeKey = active?.dataset?.badge;
    renderRows();
    if (key === undefined) return;
    const row = tbody.querySelector(`tr[data-key="${CSS.escape(key)}"]`);
    ((badgeKey && row?.querySelector(`[data-badge="${CSS.escape(badgeKey)}"]`)) || row?.querySelector('a'))?.focus();
  });

  renderHead();
  load('first');
  loadCounters();

  return {
    unmount() {
      unmounted = true;
      attention.unmount();
      loadController?.abort();
      countersController?.abort();
      clearTimeout(counterTimer);
      clearTimeout(searchTimer);
      clearTimeout(refreshTimer);
      unsubscribe();
      unsubscribeState();
      unsubscribeAccess();
    },
  };
}

/** A date on one line and the time on the next: the table stays narrow enough for a laptop screen. */
function cellDate(iso) {
  if (!iso) return '—';
  const [date, time] = formatDateParts(iso);
  return h('time', { datetime: iso, class: 'nowrap' }, date, h('br'), time);
}

function field(label, control, hint) {
  const id = control.id || uid('field');
  control.id = id;
  const hintElement = hint ? h('p', { class: 'field-hint', id: `${id}-hint` }, hint) : null;
  if (hintElement) control.setAttribute('aria-describedby', hintElement.id);
  return h('div', { class: 'field' }, h('label', { for: id }, label), control, hintElement);
}

function select(name, options, value) {
  const element = h('select', { name, id: uid(name) });
  const setOptions = (list) => {
    replace(element, ...list.map(([optionValue, label]) => h('option', { value: optionValue }, label)));
  };
  setOptions(options);
  if (value) {
    if (![...element.options].some((option) => option.value === value)) element.append(h('option', { value }, value));
    element.value = value;
  }
  return { element, setOptions };
}
