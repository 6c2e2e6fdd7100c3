import { randomUUID } from 'node:crypto';

/**
 * The append workload shared by every contender: one new stream per order (`order-<marketplace>-<id>`), three events
 * per append, order-like payloads of about 250 bytes of JSON each. Each contender gets its own `runId` so that stream
 * names never collide between rounds.
 */

const MARKETPLACES = ['amazon_fr', 'cdiscount', 'laredoute', 'fnac', 'manomano'];

export function streamName(runId, i) {
  return `order-${MARKETPLACES[i % MARKETPLACES.length]}-${runId}-${i}`;
}

/** The three events of order `i`, in the engine's shape (`type`, `data`, `metadata`). */
export function orderEvents(i) {
  const marketplace = MARKETPLACES[i % MARKETPLACES.length];
  const orderId = `${marketplace.toUpperCase()}-${100000 + i}`;
  const correlationId = `import-${i >> 6}`;
  return [
    {
      type: 'OrderDiscovered',
      data: {
        marketplace,
        marketplaceOrderId: orderId,
        lengowStatus: 'waiting_shipment',
        orderedAt: '2025-03-14T09:26:53.000Z',
        totalAmount: { amount: 4990 + (i % 1000), currency: 'EUR' },
        lines: [{ sku: `SKU-${i % 97}`, quantity: 1 + (i % 3), unitPrice: 1990 }],
      },
      metadata: { correlationId, actor: 'system' },
    },
    {
      type: 'OrderImported',
      data: {
        marketplaceOrderId: orderId,
        shopOrderIds: [`SO-${i}`],
        packages: 1,
        importedAt: '2025-03-14T09:27:01.000Z',
      },
      metadata: { correlationId, actor: 'system' },
    },
    {
      type: 'StockDecremented',
      data: { marketplaceOrderId: orderId, sku: `SKU-${i % 97}`, quantity: 1 + (i % 3), warehouse: 'main' },
      metadata: { correlationId, actor: 'system' },
    },
  ];
}

/**
 * Rows as a hand-written insert with the driver produces them: a fresh UUID per event, data and metadata
 * JSON.stringify'd, the revision known (new stream: 0, 1, 2). Baselines pay this work too, as any real writer must.
 */
export function orderRows(runId, i) {
  const stream = streamName(runId, i);
  return orderEvents(i).map((event, revision) => [
    randomUUID(),
    stream,
    revision,
    event.type,
    JSON.stringify(event.data),
    JSON.stringify(event.metadata),
  ]);
}

let runs = 0;
/** A short id unique within this process (`<pid>.<n>`), used to keep stream names of rounds and contenders apart. */
export function newRunId() {
  runs++;
  return `${process.pid.toString(36)}.${runs.toString(36)}`;
}
