import type { OrderWaitingActionRequest } from '../interfaces/catalogue/waiting-reactions.js';
import type { OrderSummary } from '../orders/domain/order-summary.js';
import type { OrderOverview } from '../orders/projections/order-overview.js';
import { cell } from './format-table.js';

/** The order as the back office would show it, as label/value pairs: statuses first, then who and how much. */
export function describeOrder(summary: OrderSummary, overview: OrderOverview | null): [string, string][] {
  const lines: [string, string][] = [];
  const lengow = summary.lengowStatus === null ? '' : ` (Lengow: ${summary.lengowStatus})`;
  lines.push(['marketplace status', `${summary.marketplaceStatus ?? '-'}${lengow}`]);
  lines.push(['import', describeImport(summary)]);
  for (const type of ['ship', 'cancel', 'refund'] as const) {
    const action = summary.actions[type];
    const text =
      action.status === 'failed'
        ? `failed: ${action.messages.join('; ') || 'no message'}`
        : action.status === 'waiting'
          ? `waiting since ${action.since}`
          : action.status;
    lines.push([type, text]);
  }
  const { stock } = summary;
  lines.push(['stock', stock.status === 'failed' ? `not decremented: ${stock.messages.join('; ')}` : stock.status]);
  lines.push(['shop orders', summary.shopOrderIds.join(', ') || '-']);
  lines.push(['progress', summary.progress]);
  if (overview) {
    if (overview.customerName || overview.deliveryCountry) {
      lines.push([
        'customer',
        [overview.customerName, overview.deliveryCountry && `(${overview.deliveryCountry})`].filter(Boolean).join(' '),
      ]);
    }
    if (overview.totalAmount !== null)
      lines.push(['total', `${overview.totalAmount} ${overview.currency ?? ''}`.trim()]);
    if (overview.orderDate) lines.push(['order date', overview.orderDate]);
    if (overview.unreadableEvents > 0) lines.push(['unreadable events', String(overview.unreadableEvents)]);
  }
  return lines.map(([label, value]) => [label, cell(value)]);
}

function describeImport(summary: OrderSummary): string {
  const current = summary.import;
  switch (current.status) {
    case 'importing':
      return `importing since ${current.since}`;
    case 'imported':
      return current.reimportFailure
        ? `imported (generation ${current.generation}); last re-import failed: ${current.reimportFailure.join('; ')}`
        : `imported (generation ${current.generation})`;
    case 'not_imported': {
      const retry =
        current.retry === 'automatic'
          ? `retried automatically at ${current.nextAttemptAt ?? 'the next poll'}`
          : 'waits for a fix';
      return `not imported (${retry}): ${current.messages.join('; ') || 'no message'}`;
    }
    case 'ignored':
      return `ignored ${current.code}: ${current.reason}`;
    case 'not_seen':
      return 'not seen';
  }
}

/** The action requests the order waits on, one block each: what, since when, how often tried, why, what to do. */
export function describeWaitingRequests(requests: readonly OrderWaitingActionRequest[]): string {
  const blocks = requests.map((request) =>
    formatPairs(
      [
        ['action', `${request.actionType} for ${request.changeId}`],
        ['waiting since', request.firstDeferredAt],
        ['attempts', String(request.attempts)],
        ['next attempt', request.nextAttemptAt],
        ['last reason', request.reason],
        ['what to do', request.hint],
      ].map(([label, value]) => [label, cell(value)]),
      '    ',
    ),
  );
  const count = requests.length === 1 ? '1 action request' : `${requests.length} action requests`;
  return `  waiting for Lengow: ${count} (the engine asks again by itself)\n${blocks.join('\n')}`;
}

/** `label  value` lines, labels padded to one column. */
export function formatPairs(pairs: readonly [string, string][], indent = '  '): string {
  const width = Math.max(0, ...pairs.map(([label]) => label.length));
  return pairs.map(([label, value]) => `${indent}${label.padEnd(width)}  ${value}`).join('\n') + '\n';
}
