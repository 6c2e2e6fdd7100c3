// Display helpers: dates, money and the wording of states, in one place so the list, the order page and the live
// announcements say the same thing.

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateTimeSeconds = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const dateTimeShort = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'short' });

const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const timeOnly = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });

/** [date, time] for cells that put them on two lines. */
export function formatDateParts(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return [String(iso), ''];
  return [dateOnly.format(date), timeOnly.format(date)];
}

/** `short`: compact, for table cells; `seconds`: for the timeline, where events come seconds apart. */
export function formatDate(iso, { seconds = false, short = false } = {}) {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  return (seconds ? dateTimeSeconds : short ? dateTimeShort : dateTime).format(date);
}

export function formatMoney(amount, currency) {
  if (amount === null || amount === undefined || amount === '') return '—';
  const value = Number(amount);
  if (!Number.isFinite(value)) return String(amount);
  if (!currency) return value.toFixed(2);
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(value);
  } catch {
    return `${value.toFixed(2)} ${currency}`;
  }
}

export const formatCount = (value) => new Intl.NumberFormat().format(Number(value) || 0);

/** "waiting_shipment" → "Waiting shipment"; used for Lengow statuses and event names that have no label below. */
export function humanise(code) {
  if (!code) return '—';
  const spaced = String(code)
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/_/g, ' ')
    .toLowerCase();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

export const IMPORT_LABELS = {
  pending: 'Importing',
  imported: 'Imported',
  not_imported: 'Not imported',
  ignored: 'Ignored',
};

/**
 * The stock badge per `stockFailureCode`: the label says what is wrong, the note what to fix (restocking is no help
 * for a product the catalogue no longer has). No code (an overview rebuilt after an upgrade): the generic words.
 */
const STOCK_FAILED = {
  STOCK_SHORTFALL: {
    label: 'Stock short',
    note: 'Stock not decremented: the shop had too few units. Restock, then retry the stock on the order page.',
  },
  PRODUCT_NOT_IN_SHOP: {
    label: 'Product not in catalogue',
    note:
      'Stock not decremented: the shop catalogue no longer has the product (deleted or split into variants). ' +
      'Put it back, then retry the stock on the order page.',
  },
};
const STOCK_FAILED_UNKNOWN = {
  label: 'Stock not decremented',
  note: 'The shop took none of the units. Fix what it named, then retry the stock on the order page.',
};

const ACTION_FAILED = { ship: 'Not shipped', cancel: 'Not canceled', refund: 'Not refunded' };
const ACTION_DONE = { ship: 'Shipped', cancel: 'Canceled', refund: 'Refunded' };

/**
 * The badges of one overview row, most urgent first. `kind` drives the colour, `action` tells what a click does.
 * Failures keep the back office's words ("Not imported", "Not shipped"), so operators recognise them. `stock` adds
 * the stock decrement the shop refused: the list has no other place to say it, the order page has its banner.
 */
export function rowBadges(row, { stock = false } = {}) {
  const badges = [];
  const importLabel = IMPORT_LABELS[row.importState] ?? humanise(row.importState);
  if (row.importState === 'not_imported') {
    badges.push({
      key: 'import',
      label: importLabel,
      kind: 'error',
      messages: row.importMessages ?? [],
      note:
        row.importRetry === 'automatic'
          ? `Retried automatically${row.importNextAttemptAt ? ` at ${formatDate(row.importNextAttemptAt)}` : ''}.`
          : 'Waits for a fix, then a re-import.',
      action: 'reimport',
    });
  } else if (row.importState === 'ignored') {
    badges.push({ key: 'import', label: importLabel, kind: 'neutral', messages: row.importMessages ?? [] });
  } else if (row.importState === 'imported') {
    const failedReimport = (row.importMessages ?? []).length > 0;
    badges.push({
      key: 'import',
      label: importLabel,
      kind: 'ok',
      messages: failedReimport ? row.importMessages : [],
      note: failedReimport ? 'The last re-import failed; the imported shop order is kept.' : null,
    });
  } else {
    badges.push({ key: 'import', label: importLabel, kind: 'info', messages: [] });
  }

  if (row.actionState === 'failed') {
    badges.push({
      key: 'action',
      label: ACTION_FAILED[row.actionType] ?? 'Not sent',
      kind: 'error',
      messages: row.actionMessages ?? [],
      note: 'Fix the cause (carrier mapping, tracking number…), then re-send.',
      action: 'resend',
    });
  } else if (row.actionState === 'waiting') {
    badges.push({
      key: 'action',
      label: 'Waiting for Lengow',
      kind: 'warn',
      messages: [],
      title: `Action sent${row.actionWaitingSince ? ` ${formatDate(row.actionWaitingSince)}` : ''}, waiting for response`,
    });
  } else if (row.actionState === 'done' && row.actionType) {
    badges.push({ key: 'action', label: ACTION_DONE[row.actionType] ?? 'Action done', kind: 'ok', messages: [] });
  }
  if (stock && row.stockState === 'failed') {
    const words = STOCK_FAILED[row.stockFailureCode] ?? STOCK_FAILED_UNKNOWN;
    badges.push({
      key: 'stock',
      label: words.label,
      kind: 'error',
      messages: row.stockMessages ?? [],
      note: words.note,
    });
  }
  if (row.progress === 'closed') badges.push({ key: 'progress', label: 'Closed', kind: 'neutral', messages: [] });
  return badges;
}

/** One phrase for announcements: "Imported", "Not shipped", "Imported, waiting for Lengow", "Imported, Stock short". */
export function rowStateText(row, options) {
  return rowBadges(row, options)
    .map((badge) => badge.label)
    .join(', ');
}

export function orderPath(marketplace, marketplaceOrderId) {
  return `#/orders/${encodeURIComponent(marketplace)}/${encodeURIComponent(marketplaceOrderId)}`;
}

export function apiOrderPath(marketplace, marketplaceOrderId) {
  return `/api/orders/${encodeURIComponent(marketplace)}/${encodeURIComponent(marketplaceOrderId)}`;
}
