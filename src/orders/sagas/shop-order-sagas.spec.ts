import type { ICommand } from '@nestjs/cqrs';
import { lastValueFrom, of, toArray } from 'rxjs';
import type { RecordedEvent } from '../../event-store/event-store.port.js';
import { OrderImportedEvent } from '../events/order-event-classes.js';
import { DecrementStock } from '../integration/decrement-stock.js';
import { ShopOrderSagas } from './shop-order-sagas.js';

const STREAM = 'order-cdiscount-CD-1';
const stockDecrement = {
  key: `${STREAM}:stock`,
  lines: [{ product: { productId: '101', variantId: null }, quantity: 2 }],
};

const imported = (id: string, data: Record<string, unknown>) =>
  new OrderImportedEvent({
    id,
    stream: STREAM,
    revision: 1,
    position: '2',
    type: 'OrderImported',
    data,
    metadata: { correlationId: 'corr-1' },
    recordedAt: '2026-11-27T10:00:00.000Z',
  } as RecordedEvent);

const commandsFor = (...events: OrderImportedEvent[]): Promise<ICommand[]> =>
  lastValueFrom(new ShopOrderSagas().decrementStock(of(...events)).pipe(toArray()));

describe('ShopOrderSagas.decrementStock', () => {
  it('takes the stock an import planned and left pending, and only that', async () => {
    const commands = await commandsFor(
      imported('e-pending', { stockDecrement }),
      // The creation tried the stock: its outcome is already on the stream, in the same append.
      imported('e-tried', { stockDecrement, stockDecrementTried: true }),
      // Shipped by the marketplace with the setting off: there is no stock to take.
      imported('e-none', { stockDecrement: null }),
    );
    expect(commands).toHaveLength(1);
    expect(commands[0]).toBeInstanceOf(DecrementStock);
    expect(commands[0]).toMatchObject({
      stream: STREAM,
      key: stockDecrement.key,
      metadata: { causationId: 'e-pending' },
    });
  });
});
