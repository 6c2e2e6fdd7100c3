import { ACTION_TYPES, type ActionType } from '../domain/marketplace-definition.js';
import { summariseOrder, type ActionSummary, type ImportSummary } from '../domain/order-summary.js';
import type { OverviewFold } from './overview-fold.js';
import { marketplaceLabel as defaultLabel, type MarketplaceLabeler } from './marketplace-label.js';
import type { ActionStateValue, OrderOverview } from './order-overview.js';

/** Summary precedence: what needs attention first. */
const SUMMARY_ORDER: readonly ActionStateValue[] = ['failed', 'waiting', 'done', 'closed'];

/**
 * The overview row of a folded stream, through the domain's `summariseOrder` (what the back office shows); null for
 * a fold of no event. Pure: the projection, the rebuild and the drift check all call it, so they cannot disagree.
 */
export function overviewOf(fold: OverviewFold, label: MarketplaceLabeler = defaultLabel): OrderOverview | null {
  if (fold.revision < 0 || fold.position === null) return null;
  const summary = summariseOrder(fold.state);
  const key = fold.state.orderKey ?? keyFromStream(fold.stream);
  const importView = importColumns(summary.import);
  const actions = Object.fromEntries(ACTION_TYPES.map((type) => [type, summary.actions[type]])) as Record<
    ActionType,
    ActionSummary
  >;
  const chosen = chooseSummary(actions);
  return {
    stream: fold.stream,
    marketplace: key.marketplace,
    marketplaceLabel: label(key.marketplace),
    marketplaceOrderId: key.marketplaceOrderId,
    marketplaceStatus: summary.marketplaceStatus,
    lengowStatus: summary.lengowStatus,
    shopOrderIds: [...new Set(summary.shopOrderIds)],
    ...importView,
    shipState: actions.ship.status,
    shipMessages: messagesOf(actions.ship),
    cancelState: actions.cancel.status,
    cancelMessages: messagesOf(actions.cancel),
    refundState: actions.refund.status,
    refundMessages: messagesOf(actions.refund),
    ...chosen,
    stockState: summary.stock.status,
    stockMessages: summary.stock.status === 'failed' ? [...summary.stock.messages] : [],
    stockFailureCode: summary.stock.status === 'failed' ? summary.stock.code : null,
    progress: summary.progress,
    customerName: fold.facts.customerName,
    deliveryCountry: fold.facts.deliveryCountry,
    totalAmount: fold.facts.totalAmount,
    currency: fold.facts.currency,
    orderDate: fold.facts.orderDate,
    firstSeenAt: fold.firstSeenAt ?? fold.lastEventAt ?? '',
    importedAt: fold.state.import.status === 'imported' ? fold.state.import.at : null,
    lastEventAt: fold.lastEventAt ?? '',
    lastEventType: fold.lastEventType ?? '',
    streamRevision: fold.revision,
    lastPosition: fold.position,
    unreadableEvents: fold.unreadableEvents,
  };
}

type ImportColumns = Pick<
  OrderOverview,
  'importState' | 'importMessages' | 'importIgnoreCode' | 'importRetry' | 'importNextAttemptAt'
>;

function importColumns(summary: ImportSummary): ImportColumns {
  const none = { importMessages: [], importIgnoreCode: null, importRetry: null, importNextAttemptAt: null };
  switch (summary.status) {
    case 'not_seen':
    case 'importing':
      return { importState: 'pending', ...none };
    case 'imported':
      return { importState: 'imported', ...none, importMessages: [...(summary.reimportFailure ?? [])] };
    case 'ignored':
      return { importState: 'ignored', ...none, importMessages: [summary.reason], importIgnoreCode: summary.code };
    case 'not_imported':
      return {
        importState: 'not_imported',
        importMessages: [...summary.messages],
        importIgnoreCode: null,
        importRetry: summary.retry,
        importNextAttemptAt: summary.nextAttemptAt,
      };
  }
}

function chooseSummary(
  actions: Record<ActionType, ActionSummary>,
): Pick<OrderOverview, 'actionState' | 'actionType' | 'actionMessages' | 'actionWaitingSince'> {
  for (const state of SUMMARY_ORDER) {
    const types = ACTION_TYPES.filter((type) => actions[type].status === state);
    if (types.length === 0) continue;
    const first = actions[types[0]!];
    return {
      actionState: state,
      actionType: types[0]!,
      actionMessages: [...new Set(types.flatMap((type) => messagesOf(actions[type])))],
      actionWaitingSince: first.status === 'waiting' ? first.since : null,
    };
  }
  return { actionState: 'none', actionType: null, actionMessages: [], actionWaitingSince: null };
}

function messagesOf(summary: ActionSummary): string[] {
  return summary.status === 'failed' ? [...summary.messages] : [];
}

/**
 * `order-<marketplace>-<id>`: only for a stream whose events never named the order (unreadable first event). Codes
 * have no dash (`amazon_fr`), ids may, so the code ends at the first dash.
 */
function keyFromStream(stream: string): { marketplace: string; marketplaceOrderId: string } {
  const rest = stream.startsWith('order-') ? stream.slice('order-'.length) : stream;
  const dash = rest.indexOf('-');
  return dash < 0
    ? { marketplace: rest, marketplaceOrderId: '' }
    : { marketplace: rest.slice(0, dash), marketplaceOrderId: rest.slice(dash + 1) };
}
