import { createUpcaster, foldOrderEvents, upcast } from './upcast.js';
import { evolve } from './evolve.js';
import { initialState } from './order-state.js';
import { lookups, snapshot } from './testing/order-fixtures.js';
import {
  historyOf,
  importedHistory,
  importOrder,
  later,
  shopOrdersCreated,
  STOCK_KEY,
} from './testing/order-scenario.js';

describe('upcast', () => {
  it('reads current events as they are', () => {
    const [event] = importedHistory();
    expect(upcast(JSON.parse(JSON.stringify(event)))).toEqual(event);
  });

  it('reads events written before versioning as version 1', () => {
    const event = { type: 'StockDecremented', data: { key: 'k', lines: [], at: '2024-05-02T10:00:00.000Z' } };
    expect(upcast(event)).toEqual({ ...event, schemaVersion: 1 });
  });

  it('returns null for unknown types, malformed data and versions newer than this code', () => {
    expect(upcast({ type: 'Nope', schemaVersion: 1, data: {} })).toBeNull();
    expect(upcast({ type: 'StockDecremented', schemaVersion: 1, data: null })).toBeNull();
    expect(upcast({ type: 'StockDecremented', schemaVersion: 1, data: [] })).toBeNull();
    expect(upcast({ type: 'StockDecremented', schemaVersion: 2, data: {} })).toBeNull();
    expect(upcast({ type: 'StockDecremented', schemaVersion: 0, data: {} })).toBeNull();
    expect(upcast({ type: 'toString', data: {} })).toBeNull();
  });

  it('applies every step from the stored version to the current one, in order', () => {
    const upcaster = createUpcaster(
      { StockDecremented: 3 },
      {
        StockDecremented: {
          1: (data) => ({ ...data, lines: data.items, items: undefined }),
          2: (data) => ({ ...data, key: `stock:${String(data.key)}` }),
        },
      },
    );
    expect(upcaster({ type: 'StockDecremented', data: { key: 'k', items: [] } })).toEqual({
      type: 'StockDecremented',
      schemaVersion: 3,
      data: { key: 'stock:k', lines: [], items: undefined },
    });
    expect(upcaster({ type: 'StockDecremented', schemaVersion: 2, data: { key: 'k', lines: [] } })?.data).toEqual({
      key: 'stock:k',
      lines: [],
    });
  });

  it('refuses a version with a missing step rather than guessing', () => {
    const upcaster = createUpcaster({ StockDecremented: 3 }, { StockDecremented: { 2: (data) => data } });
    expect(upcaster({ type: 'StockDecremented', schemaVersion: 1, data: {} })).toBeNull();
  });
});

describe('foldOrderEvents', () => {
  it('folds import events stored before they carried the order facts to the same state', () => {
    const events = historyOf(
      importOrder({ snapshot: snapshot({ marketplaceStatus: 'New' }) }),
      importOrder({ lookups: lookups({ products: {} }), now: later(5) }),
      importOrder({ now: later(10), retryAfterFix: true }),
      shopOrdersCreated(),
    );
    expect(events.map((event) => 'facts' in event.data && event.type)).toEqual([
      'OrderImportIgnored',
      'OrderImportFailed',
      'OrderImportPlanned',
      false,
    ]);
    const stored = JSON.parse(JSON.stringify(events)).map(
      ({ type, data: { facts: _facts, ...data } }: { type: string; data: Record<string, unknown> }) => ({ type, data }),
    );
    expect(stored.every((event: { data: object }) => !('facts' in event.data))).toBe(true);
    expect(stored.map(upcast).every((event: unknown) => event !== null)).toBe(true);
    expect(foldOrderEvents(stored)).toEqual(events.reduce(evolve, initialState()));
  });

  it('reads a stored shortfall as before and a product not in the shop at the same version 1, with its products', () => {
    const stored = [
      ...JSON.parse(JSON.stringify(importedHistory())),
      {
        type: 'StockDecrementFailed',
        schemaVersion: 1,
        data: {
          key: STOCK_KEY,
          code: 'STOCK_SHORTFALL',
          message: 'product 1001_3: 2 ordered, 1 in stock',
          shortfall: [{ productId: '1001_3', ordered: 2, inStock: 1 }],
          at: later(2),
        },
      },
    ];
    const short = foldOrderEvents(stored).stock;
    expect(short).toEqual({
      status: 'failed',
      plan: expect.objectContaining({ key: STOCK_KEY }),
      code: 'STOCK_SHORTFALL',
      message: 'product 1001_3: 2 ordered, 1 in stock',
      shortfall: [{ productId: '1001_3', ordered: 2, inStock: 1 }],
      retries: 0,
      at: later(2),
    });
    expect(short).not.toHaveProperty('products');

    const products = [{ productId: '1001_3', reason: 'missing' }];
    const missing = {
      type: 'StockDecrementFailed',
      schemaVersion: 1,
      data: { key: STOCK_KEY, code: 'PRODUCT_NOT_IN_SHOP', message: 'm', shortfall: [], products, at: later(3) },
    };
    expect(foldOrderEvents([...stored, missing]).stock).toMatchObject({
      status: 'failed',
      code: 'PRODUCT_NOT_IN_SHOP',
      shortfall: [],
      products,
      at: later(3),
    });
  });

  it('reads cancel and refund changes stored before they kept the merchant’s reason, at the same version 1', () => {
    const before = { changeId: 'chg-c', shopOrderId: 'SO-1', at: later(10) };
    const stored = [
      ...JSON.parse(JSON.stringify(importedHistory())),
      { type: 'ShopOrderCanceled', schemaVersion: 1, data: before },
      { type: 'ShopOrderRefunded', data: { ...before, changeId: 'chg-r' } },
      {
        type: 'ShopOrderLineRefunded',
        schemaVersion: 1,
        data: { ...before, changeId: 'chg-l', lines: [{ marketplaceLineId: 'DM-1', quantity: 1 }] },
      },
      {
        type: 'ShopOrderCanceled',
        schemaVersion: 1,
        data: { ...before, changeId: 'chg-c2', reason: 'CUSTOMER_REQUEST' },
      },
    ];
    expect(
      foldOrderEvents(stored).shopChanges.map((change) => [
        change.changeId,
        change.kind,
        'reason' in change && change.reason,
      ]),
    ).toEqual([
      ['chg-c', 'canceled', null],
      ['chg-r', 'refunded', null],
      ['chg-l', 'line_refunded', null],
      ['chg-c2', 'canceled', 'CUSTOMER_REQUEST'],
    ]);
  });

  it('rebuilds the same state from stored JSON as from the events, skipping what it cannot read', () => {
    const events = importedHistory();
    const stored = [...JSON.parse(JSON.stringify(events)), { type: 'Unknown', data: {} }];
    expect(foldOrderEvents(stored)).toEqual(events.reduce(evolve, initialState()));
  });
});
