import { ApiError, describeError, get, post } from './api.js';
import { renderBadges } from './badges.js';
import { confirmAndRun } from './dialogs.js';
import { announce, h, replace, uid } from './dom.js';
import { ENDPOINTS } from './endpoints.js';
import { formatCount, formatDate, formatMoney, humanise, orderPath, rowBadges, rowStateText } from './format.js';
import {
  COUNTER_STATES,
  LENGOW_STATUSES,
  SORTABLE,
  countersFrom,
  liveOrderOf,
  pageFrom,
  rowKey,
  stateFilterQuery,
} from './orders-api.js';

// The order overview: counters, filters, a sortable table paged by the server with cursors (never everything at
// once), and live updates from the engine's event stream. Filters, sort and page size live in the URL hash, so a
// filtered list can be bookmarked and Back works.

const PAGE_SIZES = [25, 50, 100];
const DEFAULTS = { sort: 'order_date', direction: 'desc', limit: 50 };

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
  let page = { items: [], nextCursor: null, total: null };
  let counters = null;
  let loadController = null;
  let pendingChanges = 0;
  let counterTimer = null;
  let unmounted = false;

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
    PAGE_SIZES.map((size) => [String(size), `${size} per page`]),
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
    field('Page size', limitSelect.element),
    h('button', { type: 'button', onclick: resetFilters }, 'Reset filters'),
    dateError,
  );

  const changesButton = h('button', { type: 'button', class: 'primary', hidden: true, onclick: () => load('first') });
  const caption = h('caption', {});
  const headRow = h('tr', {});
  const tbody = h('tbody', {});
  const table = h('table', { 'aria-busy': 'false' }, caption, h('thead', {}, headRow), tbody);
  const pagePosition = h('p', { class: 'muted', 'aria-live': 'polite' });
  const previous = h('button', { type: 'button', onclick: () => load('previous') }, '← Previous page');
  const next = h('button', { type: 'button', onclick: () => load('next') }, 'Next page →');

  container.append(
    h('h1', {}, 'Orders'),
    errorBanner,
    h('h2', { class: 'visually-hidden' }, 'Counters'),
    counterList,
    marketplaceLine,
    h('h2', { class: 'visually-hidden' }, 'Filters'),
    form,
    changesButton,
    h(
      'div',
      { class: 'table-wrap' },
      table,
      h('div', { class: 'pager' }, pagePosition, h('div', {}, previous, ' ', next)),
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
  }

  function applyFilter(name, value) {
    if (filters[name] === value) return;
    filters[name] = value;
    writeFilters(filters);
    renderCounters();
    load('first');
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
        const nextDirection = active && filters.direction === 'desc' ? 'asc' : 'desc';
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
      h('td', {}, renderBadges(rowBadges(row), { onAction: (badge) => runAction(row, badge), context })),
      h('td', {}, row.marketplaceLabel || row.marketplace),
      h(
        'th',
        { scope: 'row', class: 'nowrap' },
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
      h('td', { class: 'nowrap' }, formatDate(row.orderDate ?? row.firstSeenAt)),
      h('td', { class: 'nowrap' }, formatDate(row.importedAt)),
      h(
        'td',
        { class: 'nowrap' },
        formatDate(row.lastEventAt),
        h('br'),
        h('span', { class: 'muted' }, humanise(row.lastEventType)),
      ),
    );
  }

  function renderRows() {
    replace(tbody, ...page.items.map(renderRow));
    if (page.items.length === 0) {
      tbody.append(
        h('tr', {}, h('td', { colspan: COLUMNS.length, class: 'muted' }, 'No order matches these filters.')),
      );
    }
    const pageNumber = cursors.length;
    const start = (pageNumber - 1) * filters.limit + (page.items.length > 0 ? 1 : 0);
    const end = (pageNumber - 1) * filters.limit + page.items.length;
    const total = page.total ?? null;
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
    pendingChanges = 0;
    changesButton.hidden = true;
    loadController?.abort();
    loadController = new AbortController();
    table.setAttribute('aria-busy', 'true');
    try {
      const body = await get(
        ENDPOINTS.orders,
        {
          ...stateFilterQuery(filters.state),
          marketplace: filters.marketplace,
          lengowStatus: filters.lengowStatus,
          from: filters.from,
          to: filters.to,
          q: filters.q,
          sort: filters.sort,
          direction: filters.direction,
          limit: filters.limit,
          cursor: cursors[cursors.length - 1],
        },
        { signal: loadController.signal },
      );
      if (unmounted) return;
      page = pageFrom(body);
      errorBanner.hidden = true;
      renderRows();
      if (direction === 'next' || direction === 'previous') (direction === 'next' ? next : previous).focus();
      if (direction !== 'current')
        announce(
          page.total !== null ? `${formatCount(page.total)} orders match.` : `${page.items.length} orders shown.`,
        );
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
      h('p', {}, h('button', { type: 'button', onclick: () => load('current') }, 'Retry')),
    );
    errorBanner.hidden = false;
  }

  // ---- counters -----------------------------------------------------------------------------------------------------
  async function loadCounters() {
    try {
      counters = countersFrom(await get(ENDPOINTS.counters));
      if (unmounted) return;
      renderCounters();
    } catch (error) {
      if (!(error instanceof ApiError) || unmounted) return;
      replace(counterList, h('li', { class: 'muted' }, `Counters unavailable: ${describeError(error)}`));
    }
  }

  function renderCounters() {
    if (!counters) return;
    const focused = document.activeElement?.dataset?.counter;
    replace(
      counterList,
      h('li', {}, counterButton('', 'All orders', counters.total)),
      ...COUNTER_STATES.map((state) =>
        h('li', {}, counterButton(state.key, state.label, counters.byState[state.key] ?? 0)),
      ),
    );
    if (focused !== undefined) counterList.querySelector(`[data-counter="${focused}"]`)?.focus();
    replace(
      marketplaceLine,
      ...counters.byMarketplace.flatMap((entry, index) => [
        index > 0 ? ' · ' : '',
        `${entry.label}: `,
        h('strong', {}, formatCount(entry.count)),
      ]),
    );
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
      h('span', { class: 'counter-value' }, formatCount(count)),
      h('span', { class: 'counter-label' }, label),
    );
  }

  function refreshCountersSoon() {
    clearTimeout(counterTimer);
    counterTimer = setTimeout(loadCounters, 800);
  }

  // ---- operator actions from the list -------------------------------------------------------------------------------
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
      run: () => post((isImport ? ENDPOINTS.reimport : ENDPOINTS.resend)(row.marketplace, row.marketplaceOrderId), {}),
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
    // Without the live stream the row would never change: fetch it again once the engine had a moment.
    if (outcome.ok && live.state !== 'open') setTimeout(() => refreshRow(row), 1500);
  }

  async function refreshRow(row) {
    try {
      const fresh = await get(ENDPOINTS.order(row.marketplace, row.marketplaceOrderId));
      applyLiveRow(liveOrderOf(fresh) ?? fresh, { announceChange: true });
    } catch {
      // The next page load shows it; a failed background refresh is not worth an error banner.
    }
  }

  // ---- live updates -------------------------------------------------------------------------------------------------
  function applyLiveRow(update, { announceChange }) {
    const key = rowKey(update);
    const index = page.items.findIndex((item) => rowKey(item) === key);
    if (index === -1) return false;
    const before = page.items[index];
    const after = { ...before, ...update };
    page.items[index] = after;
    const old = tbody.querySelector(`tr[data-key="${CSS.escape(key)}"]`);
    if (old) {
      const hadFocus = old.contains(document.activeElement) ? document.activeElement : null;
      const focusKey = hadFocus?.dataset?.badge ?? (hadFocus?.tagName === 'A' ? 'link' : null);
      const fresh = renderRow(after);
      fresh.classList.add('row-updated');
      old.replaceWith(fresh);
      if (focusKey === 'link') fresh.querySelector('a')?.focus();
      else if (focusKey) (fresh.querySelector(`[data-badge="${focusKey}"]`) ?? fresh.querySelector('a'))?.focus();
    }
    const beforeText = rowStateText(before);
    const afterText = rowStateText(after);
    if (announceChange && beforeText !== afterText) {
      announce(
        `Order ${after.marketplaceOrderId} (${after.marketplaceLabel || after.marketplace}) is now ${afterText}.`,
      );
    }
    return true;
  }

  const unsubscribe = live.subscribe((event) => {
    const update = liveOrderOf(event);
    if (!update) return;
    refreshCountersSoon();
    if (applyLiveRow(update, { announceChange: true })) return;
    // Not on this page: offer a refresh instead of moving rows under the operator's pointer.
    pendingChanges += 1;
    changesButton.hidden = false;
    changesButton.textContent = `${formatCount(pendingChanges)} order${pendingChanges > 1 ? 's' : ''} changed elsewhere — refresh the list`;
  });
  // After a drop the stream resumes from Last-Event-ID, but the engine may have compacted: reload to be sure.
  const unsubscribeState = live.onState((state, previousState) => {
    if (state === 'open' && previousState === 'reconnecting') {
      load('current');
      loadCounters();
    }
  });

  renderHead();
  load('first');
  loadCounters();

  return {
    unmount() {
      unmounted = true;
      loadController?.abort();
      clearTimeout(counterTimer);
      clearTimeout(searchTimer);
      unsubscribe();
      unsubscribeState();
    },
  };
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
