import { describeOnBothDatabases, type OpenedDatabase } from '../../test/support/on-both-databases.js';
import type { SqlDatabase } from '../database/sql-database.port.js';
import { IdempotencyStore } from './idempotency-store.js';

const response = { status: 200, headers: { etag: 'W/"3"' }, body: '{"ok":true}' };

/** Waits (bounded) until the key's claim was renewed at `at`, i.e. a heartbeat ran after the clock moved. */
async function waitForRow(db: SqlDatabase, key: string, at: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const [row] = await db.query<{ created_at: number | string }>(
      'SELECT created_at FROM http_idempotency_keys WHERE idempotency_key = $1',
      [key],
    );
    if (Number(row?.created_at) === at) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function idempotencySuite(open: () => Promise<OpenedDatabase>) {
  let db: SqlDatabase;
  let cleanup: () => Promise<void>;
  let now: number;
  let store: IdempotencyStore;

  beforeEach(async () => {
    ({ db, cleanup } = await open());
    now = 1_700_000_000_000;
    store = new IdempotencyStore(db, { now: () => now, retentionMs: 3_600_000, abandonAfterMs: 30_000 });
    await store.init();
    await store.init(); // idempotent: every boot runs it
  });
  afterEach(() => cleanup());

  it('claims a new key once, then replays the stored answer for the same fingerprint', async () => {
    expect(await store.claim('k1', 'key', 'f1')).toEqual({ kind: 'claimed' });
    expect(await store.claim('k1', 'key', 'f1')).toEqual({ kind: 'in_progress' });
    await store.complete('k1', 'key', response);
    expect(await store.claim('k1', 'key', 'f1')).toEqual({ kind: 'replay', response });
  });

  it('refuses another fingerprint under the same key, but not under another scope', async () => {
    await store.claim('k1', 'key', 'f1');
    await store.complete('k1', 'key', response);
    expect(await store.claim('k1', 'key', 'f2')).toEqual({ kind: 'mismatch' });
    expect(await store.claim('k2', 'key', 'f2')).toEqual({ kind: 'claimed' });
  });

  it('lets one of many racing claims win', async () => {
    const claims = await Promise.all(Array.from({ length: 10 }, () => store.claim('k1', 'race', 'f1')));
    expect(claims.filter((c) => c.kind === 'claimed')).toHaveLength(1);
    expect(claims.filter((c) => c.kind === 'in_progress')).toHaveLength(9);
  });

  it('forgets a released claim, and hands an abandoned one over once', async () => {
    await store.claim('k1', 'released', 'f1');
    await store.release('k1', 'released');
    expect(await store.claim('k1', 'released', 'f1')).toEqual({ kind: 'claimed' });

    await store.claim('k1', 'crashed', 'f1');
    now += 31_000;
    const [a, b] = await Promise.all([store.claim('k1', 'crashed', 'f1'), store.claim('k1', 'crashed', 'f1')]);
    expect([a.kind, b.kind].sort()).toEqual(['claimed', 'in_progress']);
  });

  it('does not hand over the claim of a request that is slow but alive, in this process or another', async () => {
    // Another engine process on the same database, renewing its claims every 5 ms of real time.
    const running = new IdempotencyStore(db, { now: () => now, abandonAfterMs: 30_000, heartbeatMs: 5 });
    expect(await running.claim('bus:billing', 'import-1', 'f1')).toEqual({ kind: 'claimed' });
    now += 31_000;
    await waitForRow(db, 'import-1', now);
    expect(await store.claim('bus:billing', 'import-1', 'f1')).toEqual({ kind: 'in_progress' });

    await running.complete('bus:billing', 'import-1', response);
    expect(await store.claim('bus:billing', 'import-1', 'f1')).toEqual({ kind: 'replay', response });
  });

  it('a request whose claim was taken over (its process frozen) can neither release nor complete it', async () => {
    const frozen = new IdempotencyStore(db, { now: () => now, abandonAfterMs: 30_000, heartbeatMs: 3_600_000 });
    expect(await frozen.claim('k1', 'released', 'f1')).toEqual({ kind: 'claimed' });
    expect(await frozen.claim('k1', 'completed', 'f1')).toEqual({ kind: 'claimed' });
    now += 31_000;
    expect(await store.claim('k1', 'released', 'f1')).toEqual({ kind: 'claimed' });
    expect(await store.claim('k1', 'completed', 'f1')).toEqual({ kind: 'claimed' });

    await frozen.release('k1', 'released');
    expect(await store.claim('k1', 'released', 'f1')).toEqual({ kind: 'in_progress' });
    await frozen.complete('k1', 'completed', { ...response, body: '{"stale":true}' });
    expect(await store.claim('k1', 'completed', 'f1')).toEqual({ kind: 'in_progress' });
    await store.complete('k1', 'completed', response);
    expect(await store.claim('k1', 'completed', 'f1')).toEqual({ kind: 'replay', response });
  });

  it('forgets keys older than the retention', async () => {
    await store.claim('k1', 'old', 'f1');
    await store.complete('k1', 'old', response);
    now += 3_600_001 + 60_000;
    expect(await store.claim('k1', 'old', 'f2')).toEqual({ kind: 'claimed' });
  });
}

describeOnBothDatabases('IdempotencyStore', 'idem', idempotencySuite);
