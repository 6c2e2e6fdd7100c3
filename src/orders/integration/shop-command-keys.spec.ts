import { describeOnBothDatabases, type OpenedDatabase } from '../../../test/support/on-both-databases.js';
import type { SqlDatabase } from '../../database/sql-database.port.js';
import { ShopCommandInProgress, ShopCommandKeys } from './shop-command-keys.js';

const seen = () => Promise.resolve({ '1': 0 });

function keysSuite(open: () => Promise<OpenedDatabase>) {
  let db: SqlDatabase;
  let cleanup: () => Promise<void>;
  let now: number;
  const clock = () => new Date(now);

  beforeEach(async () => {
    ({ db, cleanup } = await open());
    now = Date.parse('2025-06-01T10:00:00.000Z');
  });
  afterEach(() => cleanup());

  /** Two engine processes on one database: each its own keys. */
  const process = (heartbeatMs: number) => new ShopCommandKeys(db, clock, 30_000, heartbeatMs);

  async function startedAt(key: string): Promise<number> {
    const [row] = await db.query<{ started_at: string }>(
      'SELECT started_at FROM shop_command_keys WHERE idempotency_key = $1',
      [key],
    );
    return Date.parse(row.started_at);
  }

  it('renews a running call’s claim, so a retry elsewhere is told it is in progress however long it runs', async () => {
    const running = process(5);
    const retrying = process(5);
    expect(await running.claim('k-slow', 'refund', { a: 1 }, '1', seen)).toMatchObject({ kind: 'claimed' });
    now += 31_000;
    for (let i = 0; i < 200 && (await startedAt('k-slow')) !== now; i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await expect(retrying.claim('k-slow', 'refund', { a: 1 }, '1', seen)).rejects.toBeInstanceOf(ShopCommandInProgress);
    await running.complete('k-slow', { changed: true, changeId: 7 });
    expect(await retrying.claim('k-slow', 'refund', { a: 1 }, '1', seen)).toEqual({
      kind: 'done',
      result: { changed: true, changeId: 7 },
    });
  });

  it('hands over a claim no longer renewed (a call abandoned or a process dead)', async () => {
    const crashed = process(5);
    await crashed.claim('k-dead', 'refund', { a: 1 }, '1', seen);
    await crashed.abandon('k-dead');
    now += 31_000;
    await new Promise((resolve) => setTimeout(resolve, 30));
    const retry = await process(5).claim('k-dead', 'refund', { a: 1 }, '1', seen);
    expect(retry).toEqual({ kind: 'claimed', before: { '1': 0 }, retryOfUnknown: true });
  });

  it('a call whose claim was taken over (its process frozen) neither frees nor closes its successor’s', async () => {
    const frozen = process(3_600_000);
    const successor = process(3_600_000);
    await frozen.claim('k-a', 'refund', { a: 1 }, '1', seen);
    await frozen.claim('k-b', 'refund', { a: 1 }, '1', seen);
    now += 31_000;
    await successor.claim('k-a', 'refund', { a: 1 }, '1', seen);
    await successor.claim('k-b', 'refund', { a: 1 }, '1', seen);

    await frozen.release('k-a');
    await frozen.complete('k-b', { changed: false, changeId: null });
    const third = process(3_600_000);
    await expect(third.claim('k-a', 'refund', { a: 1 }, '1', seen)).rejects.toBeInstanceOf(ShopCommandInProgress);
    await expect(third.claim('k-b', 'refund', { a: 1 }, '1', seen)).rejects.toBeInstanceOf(ShopCommandInProgress);
    await successor.complete('k-b', { changed: true, changeId: 9 });
    expect(await third.claim('k-b', 'refund', { a: 1 }, '1', seen)).toMatchObject({
      kind: 'done',
      result: { changed: true, changeId: 9 },
    });
  });

  it('forgets keys past the retention, so a key per command does not pile up for ever', async () => {
    const DAY = 86_400_000;
    const keys = new ShopCommandKeys(db, clock, 30_000, 3_600_000, 2 * DAY);
    const count = async () =>
      Number((await db.query<{ n: number | string }>('SELECT COUNT(*) AS n FROM shop_command_keys'))[0].n);
    await keys.claim('k-old', 'ship', { t: 1 }, '1', seen);
    await keys.complete('k-old', { changed: true, changeId: 1 });
    now += DAY;
    await keys.claim('k-recent', 'ship', { t: 2 }, '1', seen);
    await keys.complete('k-recent', { changed: true, changeId: 2 });
    expect(await count()).toBe(2);

    now += DAY + 60_000;
    await keys.claim('k-new', 'ship', { t: 3 }, '1', seen);
    await keys.complete('k-new', { changed: true, changeId: 3 });
    expect(await count()).toBe(2);
    // Still remembered within the retention: a retry gets the stored answer, not a second shipment.
    expect(await keys.claim('k-recent', 'ship', { t: 2 }, '1', seen)).toEqual({
      kind: 'done',
      result: { changed: true, changeId: 2 },
    });
  });
}

describeOnBothDatabases('ShopCommandKeys', 'shop_keys', keysSuite);
