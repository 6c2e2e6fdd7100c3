import { decide } from './decide.js';
import type { MarketplaceOrderSnapshot } from './marketplace-order-snapshot.js';
import { OrderDomainError } from './order-domain-error.js';
import type { OrderCommand } from './order-commands.js';
import { initialState } from './order-state.js';
import { address, line, pkg, snapshot } from './testing/order-fixtures.js';
import { importedHistory, importOrder } from './testing/order-scenario.js';
import { evolve } from './evolve.js';

/** Lengow data the mapper could not fully normalise: the domain must answer with events or a typed error, never a TypeError. */
const malformed: Record<string, Partial<MarketplaceOrderSnapshot>> = {
  'packages missing': { packages: undefined as never },
  'package lines missing': { packages: [{ ...pkg(), lines: undefined as never }] },
  'null package': { packages: [null as never] },
  'amounts missing': { amounts: undefined as never },
  'order types missing': { orderTypes: undefined as never, payments: undefined as never },
  'line without ids and with a string quantity': {
    packages: [pkg({ lines: [line({ merchantProductId: null, marketplaceProductId: null, quantity: '2' as never })] })],
  },
  'address fields missing': {
    billingAddress: { ...address(), countryIso2: undefined as never, phoneMobile: 42 as never },
  },
  'merchant order ids not a list of strings': { merchantOrderIds: [null as never, ''] },
  'dates unreadable': { orderDate: 'not a date', importedAt: 'neither' },
};

function outcome(command: OrderCommand, state = initialState()) {
  try {
    return decide(command, state).map((event) => event.type);
  } catch (error) {
    if (error instanceof OrderDomainError) return error.code;
    throw error;
  }
}

describe('malformed input', () => {
  it.each(Object.entries(malformed))('decides an order with %s without crashing', (_name, overrides) => {
    const result = outcome(importOrder({ snapshot: snapshot(overrides) }));
    expect(result === 'INVALID_ORDER_KEY' || Array.isArray(result)).toBe(true);
  });

  it('reports a malformed order as a failure, not as an import', () => {
    expect(outcome(importOrder({ snapshot: snapshot({ packages: [null as never] }) }))).toEqual(['OrderImportFailed']);
    expect(outcome(importOrder({ snapshot: snapshot({ amounts: undefined as never }) }))).toEqual([
      'OrderImportFailed',
    ]);
  });

  it('refuses an unknown command with a typed error', () => {
    expect(outcome({ type: 'FlyToTheMoon', data: {} } as never)).toBe('INVALID_COMMAND');
    expect(outcome(undefined as never)).toBe('INVALID_COMMAND');
  });

  it('refuses commands with a missing order key with a typed error', () => {
    const state = importedHistory().reduce(evolve, initialState());
    expect(
      outcome(
        { type: 'ResynchronizeOrder', data: { orderKey: undefined as never, now: '2024-05-02T10:00:00Z' } },
        state,
      ),
    ).toBe('INVALID_ORDER_KEY');
  });
});
