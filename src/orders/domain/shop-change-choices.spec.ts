import type { ActionRejected, ActionRequested } from './action-events.js';
import type { ActionDefinition } from './marketplace-definition.js';
import type { OrderEvent } from './order-events.js';
import { initialState, type OrderState, type ShopChange } from './order-state.js';
import { evolve } from './evolve.js';
import { choicesOfShopChange } from './shop-change-choices.js';
import { definition } from './testing/order-fixtures.js';
import {
  historyOf,
  importOrder,
  later,
  requestCancel,
  requestRefund,
  resend,
  shopChange,
  shopOrdersCreated,
  spec,
} from './testing/order-scenario.js';

const base = { changeId: 'chg', shopOrderId: 'SO-1', at: later(10) };
const canceled = (reason: string | null): ShopChange => ({ ...base, kind: 'canceled', reason });
const refunded = (reason: string | null): ShopChange => ({ ...base, kind: 'refunded', reason });

/** Amazon's refund takes the reason as `reason` and has no `refund_reason` (sandbox marketplaces.ts). */
const refundByReason: ActionDefinition = {
  status: ['shipped'],
  args: ['line', 'reason'],
  optionalArgs: [],
  argsDescription: {
    reason: {
      type: 'list',
      validValues: { CustomerReturn: 'Customer return', Other: 'Other' },
      defaultValue: 'CustomerReturn',
      acceptFreeValues: false,
    },
  },
};

describe('choicesOfShopChange', () => {
  it('gives a cancel the merchant’s reason as `reason`', () => {
    expect(choicesOfShopChange('cancel', canceled('CUSTOMER_REQUEST'), definition())).toEqual({
      reason: 'CUSTOMER_REQUEST',
    });
  });

  it('gives a refund the reason under the name its marketplace takes it by', () => {
    expect(choicesOfShopChange('refund', refunded('DAMAGED'), definition())).toEqual({ refund_reason: 'DAMAGED' });
    const amazon = definition({ actions: { ...definition().actions, refund: refundByReason } });
    expect(choicesOfShopChange('refund', refunded('Other'), amazon)).toEqual({ reason: 'Other' });
    const line: ShopChange = { ...base, kind: 'line_refunded', lines: [], reason: 'DAMAGED' };
    expect(choicesOfShopChange('refund', line, definition())).toEqual({ refund_reason: 'DAMAGED' });
  });

  it('chooses nothing without a reason, for a shipment, or for a change it does not know', () => {
    expect(choicesOfShopChange('cancel', canceled(null), definition())).toEqual({});
    expect(choicesOfShopChange('cancel', undefined, definition())).toEqual({});
    const shippedChange: ShopChange = {
      ...base,
      kind: 'shipped',
      carrier: null,
      trackingNumber: 'T',
      trackingUrl: null,
      returnCarrier: null,
      returnTrackingNumber: null,
    };
    expect(choicesOfShopChange('ship', shippedChange, definition())).toEqual({});
  });
});

/** As the request handler does: the recorded change's choices go with the request. */
function requestWithMerchantChoices(events: readonly OrderEvent[], changeId: string, actionType: 'cancel' | 'refund') {
  const state: OrderState = events.reduce(evolve, initialState());
  const change = state.shopChanges.find((candidate) => candidate.changeId === changeId);
  const choices = choicesOfShopChange(actionType, change, definition());
  return actionType === 'cancel' ? requestCancel(changeId, { choices }) : requestRefund(changeId, { choices });
}

describe('the merchant’s reason, from the shop change to the action (lengow-api.md §10.2)', () => {
  it('goes instead of the definition’s default, its label mapped to its code, and is recorded on the request', () => {
    const history = historyOf(
      importOrder(),
      shopOrdersCreated(),
      shopChange('chg-cancel', { kind: 'canceled', reason: 'Customer request' }),
    );
    const [requested] = spec
      .given(history)
      .when(requestWithMerchantChoices(history, 'chg-cancel', 'cancel'))
      .events();
    expect(requested.type).toBe('ActionRequested');
    const data = (requested as ActionRequested).data;
    expect(data.choices).toEqual({ reason: 'Customer request' });
    expect(data.actions.map((action) => action.arguments.reason)).toEqual(['CUSTOMER_REQUEST', 'CUSTOMER_REQUEST']);
  });

  it('without one, the definition’s default still goes', () => {
    const history = historyOf(importOrder(), shopOrdersCreated(), shopChange('chg-cancel', { kind: 'canceled' }));
    const [requested] = spec
      .given(history)
      .when(requestWithMerchantChoices(history, 'chg-cancel', 'cancel'))
      .events();
    expect((requested as ActionRequested).data.actions[0].arguments.reason).toBe('OUT_OF_STOCK');
  });

  it('one the marketplace does not list is refused before any call; a re-send keeps it till the operator chooses', () => {
    const history = historyOf(
      importOrder(),
      shopOrdersCreated(),
      shopChange('chg-cancel', { kind: 'canceled', reason: 'changed my mind' }),
    );
    const request = requestWithMerchantChoices(history, 'chg-cancel', 'cancel');
    const [rejected] = spec.given(history).when(request).events();
    expect(rejected.type).toBe('ActionRejected');
    expect((rejected as ActionRejected).data).toMatchObject({
      source: 'engine',
      choices: { reason: 'changed my mind' },
      failures: [
        {
          code: 'INVALID_ARGUMENT_VALUE',
          message: expect.stringContaining('changed my mind is not a valid value for reason'),
        },
      ],
    });

    const refused = [...history, rejected];
    const [again] = spec
      .given(refused)
      .when(resend({ actionType: 'cancel' }))
      .events();
    expect(again.type).toBe('ActionRejected');
    const [fixed] = spec
      .given(refused)
      .when(resend({ actionType: 'cancel', choices: { reason: 'CUSTOMER_REQUEST' } }))
      .events();
    expect((fixed as ActionRequested).data.actions[0].arguments.reason).toBe('CUSTOMER_REQUEST');
  });

  it('a refund’s reason goes as `refund_reason`', () => {
    const history = historyOf(
      importOrder(),
      shopOrdersCreated(),
      shopChange('chg-refund', { kind: 'refunded', reason: 'DAMAGED' }),
    );
    const [requested] = spec
      .given(history)
      .when(requestWithMerchantChoices(history, 'chg-refund', 'refund'))
      .events();
    expect(requested.type).toBe('ActionRequested');
    expect((requested as ActionRequested).data.actions[0].arguments.refund_reason).toBe('DAMAGED');
  });
});
