import { orderEvent } from './order-events.js';
import type { RecordMerchantOrderIdsSent } from './order-commands.js';
import {
  historyOf,
  importedHistory,
  importOrder,
  later,
  ORDER_KEY,
  shopOrdersCreated,
  spec,
  STREAM,
} from './testing/order-scenario.js';

const moiOutcome = (
  key: string,
  outcome: RecordMerchantOrderIdsSent['data']['outcome'],
  now = later(2),
): RecordMerchantOrderIdsSent => ({
  type: 'RecordMerchantOrderIdsSent',
  data: { orderKey: ORDER_KEY, key, outcome, now },
});
const resynchronize = (now = later(30)) => ({
  type: 'ResynchronizeOrder' as const,
  data: { orderKey: ORDER_KEY, now },
});

describe('merchant order ids (moi)', () => {
  it('records the first moi after the import', () => {
    spec
      .given(importedHistory())
      .when(moiOutcome(`${STREAM}:moi:1`, { kind: 'sent' }))
      .then([orderEvent('MerchantOrderIdsSent', { key: `${STREAM}:moi:1`, merchantOrderIds: ['SO-1'], at: later(2) })]);
  });

  it('records a failed moi, once per message, and a later success', () => {
    const failed = moiOutcome(`${STREAM}:moi:1`, { kind: 'failed', message: 'Pas trouvé.' });
    spec
      .given(importedHistory())
      .when(failed)
      .then([orderEvent('MerchantOrderIdsFailed', { key: `${STREAM}:moi:1`, message: 'Pas trouvé.', at: later(2) })]);
    spec
      .given(historyOf(importOrder(), shopOrdersCreated(), failed))
      .when(failed)
      .thenNothingHappened();
    const events = spec
      .given(historyOf(importOrder(), shopOrdersCreated(), failed))
      .when(moiOutcome(`${STREAM}:moi:1`, { kind: 'sent' }, later(5)))
      .events();
    expect(events.map((event) => event.type)).toEqual(['MerchantOrderIdsSent']);
  });

  it("given Lengow's answer with NUL, when a moi fails, then the message is escaped, and the same answer again is no news", () => {
    const failed = moiOutcome(`${STREAM}:moi:1`, { kind: 'failed', message: 'Pas\u0000 trouvé.' });
    spec
      .given(importedHistory())
      .when(failed)
      .then([
        orderEvent('MerchantOrderIdsFailed', { key: `${STREAM}:moi:1`, message: 'Pas\\u0000 trouvé.', at: later(2) }),
      ]);
    spec
      .given(historyOf(importOrder(), shopOrdersCreated(), failed))
      .when(failed)
      .thenNothingHappened();
  });

  it('ignores outcomes after success, and refuses unknown requests', () => {
    const sent = moiOutcome(`${STREAM}:moi:1`, { kind: 'sent' });
    spec
      .given(historyOf(importOrder(), shopOrdersCreated(), sent))
      .when(moiOutcome(`${STREAM}:moi:1`, { kind: 'failed', message: 'late' }))
      .thenNothingHappened();
    spec
      .given(importedHistory())
      .when(moiOutcome('unknown', { kind: 'sent' }))
      .thenThrows('MOI_REQUEST_NOT_FOUND');
    spec
      .given(importedHistory())
      .when(moiOutcome(`${STREAM}:moi:1`, { kind: 'failed', message: ' ' }))
      .thenThrows('INVALID_COMMAND');
  });

  it('re-synchronises with every current shop order id, then records OrderResynchronised', () => {
    const sent = historyOf(importOrder(), shopOrdersCreated(), moiOutcome(`${STREAM}:moi:1`, { kind: 'sent' }));
    spec
      .given(sent)
      .when(resynchronize())
      .then([
        orderEvent('OrderResynchronisationRequested', {
          key: `${STREAM}:moi:1:resync:1`,
          sequence: 1,
          merchantOrderIds: ['SO-1'],
          at: later(30),
        }),
      ]);
    const requested = historyOf(
      importOrder(),
      shopOrdersCreated(),
      moiOutcome(`${STREAM}:moi:1`, { kind: 'sent' }),
      resynchronize(),
    );
    spec
      .given(requested)
      .when(moiOutcome(`${STREAM}:moi:1:resync:1`, { kind: 'sent' }, later(31)))
      .then([
        orderEvent('OrderResynchronised', {
          key: `${STREAM}:moi:1:resync:1`,
          merchantOrderIds: ['SO-1'],
          at: later(31),
        }),
      ]);
  });

  it('does not stack re-synchronisations while one is pending', () => {
    spec.given(importedHistory()).when(resynchronize()).thenNothingHappened();
  });

  it('numbers successive re-synchronisations', () => {
    const history = historyOf(
      importOrder(),
      shopOrdersCreated(),
      moiOutcome(`${STREAM}:moi:1`, { kind: 'sent' }),
      resynchronize(),
      moiOutcome(`${STREAM}:moi:1:resync:1`, { kind: 'failed', message: 'Lengow API is unavailable' }),
    );
    const [event] = spec
      .given(history)
      .when(resynchronize(later(40)))
      .events();
    expect(event?.type === 'OrderResynchronisationRequested' && event.data.key).toBe(`${STREAM}:moi:1:resync:2`);
  });

  it('refuses to re-synchronise an order without shop order', () => {
    spec.given([]).when(resynchronize()).thenThrows('ORDER_NOT_FOUND');
    spec.given(historyOf(importOrder())).when(resynchronize()).thenThrows('ORDER_NOT_IMPORTED');
  });
});
