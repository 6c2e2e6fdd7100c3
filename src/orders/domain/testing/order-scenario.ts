import { DEFAULT_IMPORT_SETTINGS, DEFAULT_RETRY_POLICY } from '../import-settings.js';
import type {
  ActionOutcome,
  ImportOrder,
  OrderCommand,
  RecordActionOutcome,
  RecordActionSent,
  RecordImportFailure,
  RecordShopOrdersCreated,
  RecordShopStatusChange,
  ReimportOrder,
  RequestCancel,
  RequestRefund,
  RequestShip,
  RecordStockDecremented,
  RecordStockDecrementFailed,
  ResendAction,
  RetryStockDecrement,
  ShopStatusChange,
} from '../order-commands.js';
import { orderDecider } from '../order-decider.js';
import type { OrderEvent } from '../order-events.js';
import type { ProductNotInShop } from '../product-not-in-shop.js';
import type { StockDecrementFailure } from '../stock-decrement-failure.js';
import type { StockShortfallLine } from '../stock-shortfall.js';
import { deciderSpecification } from './decider-specification.js';
import { carrierMapping, colissimo, definition, lookups, NOW, snapshot } from './order-fixtures.js';

/** Command builders and ready-made histories for the decider specs. Test support only. */
export const spec = deciderSpecification(orderDecider);
export const ORDER_KEY = { marketplace: 'demo_market_fr', marketplaceOrderId: 'DM-2024-000123' };
export const STREAM = 'order-demo_market_fr-DM-2024-000123';
export const shopOrderKey = (packageIndex = 0, generation = 1) => `${STREAM}:shop-order:${packageIndex}:${generation}`;

/** NOW plus some minutes, in the canonical form events carry. */
export const later = (minutes: number) => new Date(Date.parse(NOW) + minutes * 60_000).toISOString();

export function importOrder(overrides: Partial<ImportOrder['data']> = {}): ImportOrder {
  return {
    type: 'ImportOrder',
    data: {
      snapshot: snapshot(),
      definition: definition(),
      lookups: lookups(),
      settings: DEFAULT_IMPORT_SETTINGS,
      configurationRevision: 'rev-1',
      trigger: 'poll',
      now: NOW,
      ...overrides,
    },
  };
}

export function reimportOrder(overrides: Partial<ReimportOrder['data']> = {}): ReimportOrder {
  const { trigger: _trigger, ...data } = importOrder().data;
  return { type: 'ReimportOrder', data: { ...data, now: later(60), ...overrides } };
}

export function shopOrdersCreated(
  generation = 1,
  ids?: Record<string, string>,
  now = later(1),
): RecordShopOrdersCreated {
  return {
    type: 'RecordShopOrdersCreated',
    data: {
      orderKey: ORDER_KEY,
      generation,
      shopOrderIds: ids ?? { [shopOrderKey(0, generation)]: `SO-${generation}` },
      now,
    },
  };
}

export function importFailure(overrides: Partial<RecordImportFailure['data']> = {}): RecordImportFailure {
  return {
    type: 'RecordImportFailure',
    data: {
      orderKey: ORDER_KEY,
      generation: null,
      kind: 'transient',
      failures: [{ code: 'SHOP_UNAVAILABLE', message: 'the shop did not answer' }],
      retryPolicy: DEFAULT_RETRY_POLICY,
      configurationRevision: 'rev-1',
      now: later(1),
      ...overrides,
    },
  };
}

export const STOCK_KEY = `${STREAM}:stock`;

export function stockDecremented(now = later(2), key = STOCK_KEY): RecordStockDecremented {
  return { type: 'RecordStockDecremented', data: { orderKey: ORDER_KEY, key, now } };
}

export function stockDecrementFailure(
  failure: StockDecrementFailure,
  now = later(2),
  key = STOCK_KEY,
): RecordStockDecrementFailed {
  return { type: 'RecordStockDecrementFailed', data: { orderKey: ORDER_KEY, key, failure, now } };
}

/** By default the shop had one unit of the plan's first product (`1001` variant `3`), which asks for two. */
export function stockDecrementFailed(
  shortfall: readonly StockShortfallLine[] = [{ productId: '1001_3', ordered: 2, inStock: 1 }],
  now = later(2),
  key = STOCK_KEY,
): RecordStockDecrementFailed {
  return stockDecrementFailure({ code: 'STOCK_SHORTFALL', shortfall }, now, key);
}

/** By default the plan's first product (`1001` variant `3`) was deleted from the catalogue since the import. */
export function productsNotInShop(
  products: readonly ProductNotInShop[] = [{ productId: '1001_3', reason: 'missing' }],
  now = later(2),
  key = STOCK_KEY,
): RecordStockDecrementFailed {
  return stockDecrementFailure({ code: 'PRODUCT_NOT_IN_SHOP', products }, now, key);
}

export function retryStockDecrement(now = later(60)): RetryStockDecrement {
  return { type: 'RetryStockDecrement', data: { orderKey: ORDER_KEY, now } };
}

export const shipped = (trackingNumber: string | null = 'TRK1'): ShopStatusChange => ({
  kind: 'shipped',
  carrier: colissimo,
  trackingNumber,
  trackingUrl: null,
  returnCarrier: null,
  returnTrackingNumber: null,
});

export function shopChange(
  changeId: string,
  change: ShopStatusChange,
  shopOrderId = 'SO-1',
  now = later(10),
): RecordShopStatusChange {
  return { type: 'RecordShopStatusChange', data: { orderKey: ORDER_KEY, changeId, shopOrderId, change, now } };
}

const actionInput = (now: string) => ({
  orderKey: ORDER_KEY,
  definition: definition(),
  carrierMapping: carrierMapping(),
  now,
});

export function requestShip(changeId = 'chg-ship', overrides: Partial<RequestShip['data']> = {}): RequestShip {
  return { type: 'RequestShip', data: { ...actionInput(later(11)), changeId, ...overrides } };
}
export function requestCancel(changeId = 'chg-cancel', overrides: Partial<RequestCancel['data']> = {}): RequestCancel {
  return { type: 'RequestCancel', data: { ...actionInput(later(11)), changeId, ...overrides } };
}
export function requestRefund(changeId = 'chg-refund', overrides: Partial<RequestRefund['data']> = {}): RequestRefund {
  return {
    type: 'RequestRefund',
    data: { ...actionInput(later(11)), changeId, choices: { refund_reason: 'RETURN' }, ...overrides },
  };
}
export function resend(overrides: Partial<ResendAction['data']> = {}): ResendAction {
  return { type: 'ResendAction', data: { ...actionInput(later(120)), ...overrides } };
}

export function actionSent(
  attemptKey: string,
  lengowActionId = '5001',
  now = later(12),
  via: 'posted' | 'adopted' = 'posted',
): RecordActionSent {
  return { type: 'RecordActionSent', data: { orderKey: ORDER_KEY, attemptKey, lengowActionId, via, now } };
}
export function actionOutcome(attemptKey: string, outcome: ActionOutcome, now = later(30)): RecordActionOutcome {
  return { type: 'RecordActionOutcome', data: { orderKey: ORDER_KEY, attemptKey, outcome, now } };
}

/** Events produced by deciding each command in turn on the state folded so far: histories written by the decider itself. */
export function historyOf(...commands: OrderCommand[]): OrderEvent[] {
  const events: OrderEvent[] = [];
  let state = orderDecider.initialState();
  for (const command of commands) {
    const produced = orderDecider.decide(command, state);
    state = produced.reduce(orderDecider.evolve, state);
    events.push(...produced);
  }
  return events;
}

export const importedHistory = () => historyOf(importOrder(), shopOrdersCreated());

/** Attempt key of a per-line ship attempt. */
export const shipAttempt = (line: string, tryNumber = 1, sequence = 1) =>
  `${STREAM}:action:ship:${sequence}:try:${tryNumber}:line:${line}`;

/** Imported, shipped in the shop with tracking number TRK1, ship requested for both lines. */
export const shipRequestedHistory = () =>
  historyOf(importOrder(), shopOrdersCreated(), shopChange('chg-ship', shipped()), requestShip());

/** The commands from import to both ship attempts sent to Lengow (ids 5001 and 5002). */
export const shipSentCommands = (): OrderCommand[] => [
  importOrder(),
  shopOrdersCreated(),
  shopChange('chg-ship', shipped()),
  requestShip(),
  actionSent(shipAttempt('DM-1'), '5001'),
  actionSent(shipAttempt('DM-2'), '5002'),
];

/** Same, with both attempts sent to Lengow (ids 5001 and 5002). */
export const shipSentHistory = () => historyOf(...shipSentCommands());
