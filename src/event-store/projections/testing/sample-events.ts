import type { AppendResult, EventStore } from '../../event-store.port.js';

/**
 * TEST DATA. Appends `count` events spread round-robin over a few streams and types, one append per event so the
 * log interleaves streams like real traffic. Returns the last append's result.
 */
export async function appendSampleEvents(
  store: EventStore,
  count: number,
  options: { streams?: readonly string[]; types?: readonly string[]; offset?: number } = {},
): Promise<AppendResult | undefined> {
  const streams = options.streams ?? ['order-a', 'order-b', 'order-c', 'shop-1'];
  const types = options.types ?? ['OrderImported', 'OrderShipped', 'StockChanged'];
  const offset = options.offset ?? 0;
  let last: AppendResult | undefined;
  for (let i = offset; i < offset + count; i++) {
    last = await store.append(streams[i % streams.length], [{ type: types[(i * 7) % types.length], data: { n: i } }]);
  }
  return last;
}
