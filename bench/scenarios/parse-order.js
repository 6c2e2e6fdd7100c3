import { isDeepStrictEqual } from 'node:util';
import { alternate, formatRate } from '../lib/measure.js';
import { loadEngineModule } from '../lib/engine-dist.js';

export const name = 'parse-order';
export const description =
  'parseOrder on BENCH_PARSE_ORDERS (2 000) emulator orders as the connector receives them (parsed JSON): the ' +
  'reader compiled from the DTO decorators against the class-transformer + class-validator reference, orders/s';

const load = loadEngineModule;

const SEED = 3;
const ANCHOR = Date.parse('2025-03-10T12:00:00Z');
/** Both contenders parse the same slice of orders back to back, so a burst of load hits both. */
const SLICES = 8;

export async function run(context) {
  const count = context.size('PARSE_ORDERS', 2000);
  const { parseOrder, parseOrderReference } = await load('lengow/dto/parse-order.js');
  const { generateOrder } = await load('sandbox/order-generator.js');
  // The emulator's mix (about 1 % of 150-line carts, a few unformatted orders, which both sides word the same way).
  const orders = Array.from({ length: count }, (_, index) =>
    JSON.parse(JSON.stringify(generateOrder(SEED, index, ANCHOR - index * 60_000, { accountId: 4242 }))),
  );

  // A faster reader that answers differently would be no figure at all.
  const disagreeing = orders.filter((raw) => !isDeepStrictEqual(parseOrder(raw), parseOrderReference(raw)));
  if (disagreeing.length > 0)
    throw new Error(`parseOrder disagrees with the reference on ${disagreeing.length} orders`);
  const typed = orders.filter((raw) => parseOrder(raw).ok).length;
  context.log(`  ${count} orders (${typed} valid), ${context.rounds} rounds of the whole set each, ${SLICES} slices`);

  const reader = (parse) => ({
    ops: count,
    open: () => ({ next: 0 }),
    run(state, n) {
      for (let i = 0; i < n; i++) {
        parse(orders[state.next]);
        state.next = (state.next + 1) % count;
      }
    },
  });
  const result = await alternate(
    context.rounds,
    [
      { key: 'reference', ...reader(parseOrderReference) },
      { key: 'compiled', ...reader(parseOrder) },
    ],
    context.log,
    { slices: SLICES },
  );
  const microseconds = (rate) => `${(1e6 / rate).toFixed(1)} µs`;
  context.log(
    `  per order: compiled ${microseconds(result.compiled.rate)}, reference ${microseconds(result.reference.rate)} ` +
      `(${formatRate(result.compiled.rate)} vs ${formatRate(result.reference.rate)} orders/s)`,
  );
  context.row({
    id: 'parse-order.emulator-mix',
    figure: 'parseOrder, emulator orders',
    unit: 'orders/s',
    value: result.compiled.rate,
    ratio: result.compiled.ratio,
    baseline: { label: 'plainToInstance + validateSync', value: result.reference.rate },
    target: { kind: 'ratio', min: 10 },
    details: { orders: count, valid: typed, rounds: result },
  });
}
