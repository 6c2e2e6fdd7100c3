import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresDatabase } from '../../../database/postgres-database.js';
import type { SqlDatabase } from '../../../database/sql-database.port.js';
import { SqliteDatabase } from '../../../database/sqlite-database.js';
import { dropSchema, freshSchemaName, POSTGRES_URL } from '../../../../test/support/services.js';
import { emptyImportRunCounts } from '../import-run-counts.js';
import {
  INTERRUPTED_RUN_ERROR,
  ImportRunLog,
  type ImportRunLogOptions,
  type ImportRunStart,
} from '../import-run-log.js';

/**
 * TEST SUPPORT. One database as two engine processes see it: two connections (two SQLite connections on one file,
 * two pools on one PostgreSQL schema), each process with its own `ImportRunLog`.
 */
export interface SharedRunDatabase {
  /** A new connection to the same database; closed by cleanup. */
  connect(): Promise<SqlDatabase>;
  cleanup(): Promise<void>;
}

export type OpenSharedRunDatabase = () => Promise<SharedRunDatabase>;

export const openSqliteFile: OpenSharedRunDatabase = async () => {
  const folder = mkdtempSync(join(tmpdir(), 'import-runs-'));
  const connections: SqliteDatabase[] = [];
  return {
    connect: async () => {
      const db = new SqliteDatabase({ path: join(folder, 'runs.sqlite'), cacheKiB: 1024 });
      connections.push(db);
      return db;
    },
    cleanup: async () => {
      for (const db of connections) await db.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
};

export const openPostgresSchema: OpenSharedRunDatabase = async () => {
  const schema = freshSchemaName('import_runs');
  const connections: PostgresDatabase[] = [];
  return {
    connect: async () => {
      const db = new PostgresDatabase({ connectionString: POSTGRES_URL, schema, max: 2 });
      await db.init();
      connections.push(db);
      return db;
    },
    cleanup: async () => {
      for (const db of connections) await db.close();
      await dropSchema(schema);
    },
  };
};

/** The table as engines before heartbeats created it. */
const FIRST_SCHEMA = `CREATE TABLE import_runs (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  actor TEXT NOT NULL,
  window_from TEXT,
  window_to TEXT,
  advances_checkpoint INTEGER NOT NULL,
  configuration_revision TEXT,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  outcome TEXT NOT NULL,
  counts TEXT,
  retry_from TEXT,
  error TEXT
)`;

const MINUTE = 60_000;

function minutesAgo(minutes: number): string {
  return new Date(Date.now() - minutes * MINUTE).toISOString();
}

function run(id: string, startedAt = new Date()): ImportRunStart {
  return {
    id,
    kind: 'scheduled',
    actor: 'system',
    window: { from: new Date(startedAt.getTime() - 3 * 86_400_000), to: startedAt },
    advancesCheckpoint: true,
    configurationRevision: 'rev-1',
    startedAt,
  };
}

/** What a run killed with its process leaves: a heartbeat as old as its death. */
async function backdateHeartbeat(db: SqlDatabase, id: string, minutes: number): Promise<void> {
  await db.execute('UPDATE import_runs SET heartbeat_at = $2 WHERE id = $1', [id, minutesAgo(minutes)]);
}

async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

export function importRunLogSuite(open: OpenSharedRunDatabase): void {
  let shared: SharedRunDatabase;
  let dbA: SqlDatabase;
  let dbB: SqlDatabase;
  const logs: ImportRunLog[] = [];

  /** One engine process's run log, initialised as the module does at boot. */
  async function engine(db: SqlDatabase, owner: string, options: ImportRunLogOptions = {}): Promise<ImportRunLog> {
    const log = new ImportRunLog(db, { owner, ...options });
    logs.push(log);
    await log.init();
    return log;
  }

  beforeEach(async () => {
    shared = await open();
    dbA = await shared.connect();
    dbB = await shared.connect();
  });
  afterEach(async () => {
    for (const log of logs.splice(0)) log.close();
    await shared.cleanup();
  });

  it('closes a run whose process stopped beating as interrupted, its end being its last heartbeat', async () => {
    const a = await engine(dbA, 'engine-a');
    const b = await engine(dbB, 'engine-b');
    await a.start(run('dead'));
    a.close(); // the process is killed: no beat any more, no end
    await backdateHeartbeat(dbA, 'dead', 10);
    const lastBeat = (await a.get('dead'))!.heartbeatAt;

    expect(await b.closeInterrupted()).toBe(1);
    const closed = await b.get('dead');
    expect(closed).toMatchObject({
      outcome: 'interrupted',
      owner: 'engine-a',
      finishedAt: lastBeat,
      error: INTERRUPTED_RUN_ERROR,
      counts: null,
    });
    expect(await b.checkpoint()).toBeNull();
    expect(await b.closeInterrupted()).toBe(0);
  });

  it('leaves another process’s run alone while its heartbeat is fresh, however long ago it started', async () => {
    const a = await engine(dbA, 'engine-a');
    const b = await engine(dbB, 'engine-b');
    await a.start(run('slow', new Date(Date.now() - 90 * MINUTE)));

    expect(await b.closeInterrupted()).toBe(0);
    expect(await b.get('slow')).toMatchObject({ outcome: 'running', finishedAt: null, error: null });
  });

  it('tells a window run of another live process, never its own, a one-order import or a dead process’s', async () => {
    const a = await engine(dbA, 'engine-a');
    const b = await engine(dbB, 'engine-b');
    expect(await b.windowRunElsewhere()).toBeNull();
    await a.start(run('window-a'));
    expect(await b.windowRunElsewhere()).toBe('window-a');
    expect(await a.windowRunElsewhere()).toBeNull();
    await a.finish('window-a', {
      outcome: 'succeeded',
      finishedAt: new Date(),
      counts: emptyImportRunCounts(),
      error: null,
    });
    expect(await b.windowRunElsewhere()).toBeNull();
    await a.start({ ...run('one'), kind: 'one_order', window: null, advancesCheckpoint: false });
    expect(await b.windowRunElsewhere()).toBeNull();
    await a.start(run('dying'));
    a.close();
    await backdateHeartbeat(dbA, 'dying', 10);
    expect(await b.windowRunElsewhere()).toBeNull();
  });

  it('never closes a run of its own process, however old its heartbeat', async () => {
    const a = await engine(dbA, 'engine-a');
    await a.start(run('mine'));
    await backdateHeartbeat(dbA, 'mine', 60);

    expect(await a.closeInterrupted()).toBe(0);
    expect((await a.recent(5)).map((record) => [record.id, record.outcome])).toEqual([['mine', 'running']]);
    await a.finish('mine', {
      outcome: 'succeeded',
      finishedAt: new Date(),
      counts: emptyImportRunCounts(),
      error: null,
    });
    expect(await a.get('mine')).toMatchObject({ outcome: 'succeeded' });
  });

  it('keeps a long run alive with its heartbeat, and lets it go stale once the beats stop', async () => {
    const a = await engine(dbA, 'engine-a', { heartbeatMs: 25 });
    const b = await engine(dbB, 'engine-b', { staleAfterMs: 500 });
    await a.start(run('long'));
    const first = (await a.get('long'))!.heartbeatAt!;

    // Several staleness bounds later, still running: the timer kept its heartbeat fresh.
    for (let i = 0; i < 3; i++) {
      await sleep(500);
      expect(await b.closeInterrupted()).toBe(0);
    }
    const refreshed = (await b.get('long'))!;
    expect(refreshed.outcome).toBe('running');
    expect(refreshed.heartbeatAt! > first).toBe(true);

    a.close();
    await sleep(800);
    expect(await b.closeInterrupted()).toBe(1);
    expect(await b.get('long')).toMatchObject({ outcome: 'interrupted', finishedAt: expect.any(String) });
  });

  it('an explicit heartbeat rescues a run whose last beat is old', async () => {
    const a = await engine(dbA, 'engine-a');
    const b = await engine(dbB, 'engine-b');
    await a.start(run('late'));
    await backdateHeartbeat(dbA, 'late', 10);
    await a.heartbeat();

    expect(await b.closeInterrupted()).toBe(0);
    expect(await b.get('late')).toMatchObject({ outcome: 'running' });
  });

  it('reopens a live run another process closed by mistake, and its real end wins', async () => {
    const a = await engine(dbA, 'engine-a');
    const b = await engine(dbB, 'engine-b');
    await a.start(run('frozen'));
    await backdateHeartbeat(dbA, 'frozen', 10); // its process froze for ten minutes…
    expect(await b.closeInterrupted()).toBe(1);

    await a.heartbeat(); // …and came back
    expect(await b.get('frozen')).toMatchObject({ outcome: 'running', finishedAt: null, error: null });
    await a.finish('frozen', {
      outcome: 'succeeded',
      finishedAt: new Date(),
      counts: emptyImportRunCounts(),
      error: null,
    });
    expect(await b.get('frozen')).toMatchObject({ outcome: 'succeeded', error: null });
    expect(await b.checkpoint()).not.toBeNull();
  });

  it('a finished run is not beaten back to life by a late heartbeat', async () => {
    const a = await engine(dbA, 'engine-a');
    await a.start(run('done'));
    await a.finish('done', {
      outcome: 'failed',
      finishedAt: new Date(),
      counts: emptyImportRunCounts(),
      error: 'X: y',
    });
    await a.heartbeat();
    expect(await a.get('done')).toMatchObject({ outcome: 'failed', error: 'X: y' });
  });

  it('closes the runs of a dead process at start-up, when a run starts and when the history is read', async () => {
    /** A process that started a run and was killed five minutes ago. */
    async function killedMidRun(owner: string, id: string): Promise<void> {
      const dying = await engine(dbA, owner);
      await dying.start(run(id));
      dying.close();
      await backdateHeartbeat(dbA, id, 5);
    }
    await killedMidRun('engine-a', 'dead-1');
    await killedMidRun('engine-a2', 'dead-2');

    // Start-up: the successor's first act.
    const successor = await engine(dbB, 'engine-b');
    expect(await dbB.query(`SELECT id FROM import_runs WHERE outcome = 'interrupted' ORDER BY id`)).toEqual([
      { id: 'dead-1' },
      { id: 'dead-2' },
    ]);

    await killedMidRun('engine-a3', 'dead-3');
    await successor.start(run('next'));
    expect(await dbB.query(`SELECT outcome FROM import_runs WHERE id = 'dead-3'`)).toEqual([
      { outcome: 'interrupted' },
    ]);

    await killedMidRun('engine-a4', 'dead-4');
    expect((await successor.recent(1))[0]).toMatchObject({ id: 'dead-4', outcome: 'interrupted' });
    expect(await successor.get('next')).toMatchObject({ outcome: 'running', owner: 'engine-b' });
  });

  it('upgrades a table of the first schema in place; old running rows are judged by their start', async () => {
    await dbA.execute(FIRST_SCHEMA);
    const insert = `INSERT INTO import_runs (id, kind, actor, window_from, window_to, advances_checkpoint,
        configuration_revision, started_at, finished_at, outcome, counts, retry_from, error)
      VALUES ($1, 'scheduled', 'system', $2, $3, 1, 'rev-0', $4, $5, $6, $7, NULL, NULL)`;
    const counts = JSON.stringify(emptyImportRunCounts());
    await dbA.execute(insert, [
      'old-ok',
      minutesAgo(3 * 1440),
      minutesAgo(300),
      minutesAgo(300),
      minutesAgo(299),
      'succeeded',
      counts,
    ]);
    await dbA.execute(insert, [
      'old-killed',
      minutesAgo(3 * 1440),
      minutesAgo(180),
      minutesAgo(180),
      null,
      'running',
      null,
    ]);
    await dbA.execute(insert, ['old-live', minutesAgo(3 * 1440), minutesAgo(5), minutesAgo(5), null, 'running', null]);

    const log = await engine(dbB, 'engine-new');
    await engine(dbA, 'engine-new-2'); // a second boot on the upgraded table changes nothing

    expect(await log.get('old-ok')).toMatchObject({ outcome: 'succeeded', owner: null, heartbeatAt: null });
    // Killed before the upgrade: its start is all that is known of its life.
    const killed = (await log.get('old-killed'))!;
    expect(killed).toMatchObject({ outcome: 'interrupted', owner: null, error: INTERRUPTED_RUN_ERROR });
    expect(killed.finishedAt).toBe(killed.startedAt);
    // Possibly still run by an engine not upgraded yet (it writes no heartbeat): given the benefit of the doubt.
    expect(await log.get('old-live')).toMatchObject({ outcome: 'running' });
    expect(await log.checkpoint()).toMatchObject({ configurationRevision: 'rev-0' });

    await log.start(run('new'));
    await log.finish('new', {
      outcome: 'succeeded',
      finishedAt: new Date(),
      counts: emptyImportRunCounts(),
      error: null,
    });
    expect(await log.get('new')).toMatchObject({
      outcome: 'succeeded',
      owner: 'engine-new',
      heartbeatAt: expect.any(String),
    });
    expect(await log.checkpoint()).toMatchObject({ configurationRevision: 'rev-1' });
  });

  it('forgets finished runs past the retention, but never the one the next window resumes from', async () => {
    const DAY = 86_400_000;
    const now = Date.now();
    const at = (daysAgo: number) => new Date(now - daysAgo * DAY);
    const writer = await engine(dbA, 'engine-a');
    const finish = (id: string, daysAgo: number, outcome: 'succeeded' | 'failed') =>
      writer.finish(id, { outcome, finishedAt: at(daysAgo), counts: emptyImportRunCounts(), error: null });
    // The last successful window is 50 days old: every run since failed (Lengow refused the credentials for weeks).
    await writer.start(run('checkpoint', at(50)));
    await finish('checkpoint', 50, 'succeeded');
    await writer.start(run('older-success', at(60)));
    await finish('older-success', 60, 'succeeded');
    await writer.start(run('old-failure', at(40)));
    await finish('old-failure', 40, 'failed');
    await writer.start(run('recent-failure', at(2)));
    await finish('recent-failure', 2, 'failed');
    await writer.start(run('old-but-running', at(45)));

    // Another process starting its first run prunes, on its own clock.
    const pruner = await engine(dbB, 'engine-b', { retentionMs: 30 * DAY, now: () => now });
    await pruner.start(run('today'));

    expect(await pruner.get('older-success')).toBeNull();
    expect(await pruner.get('old-failure')).toBeNull();
    expect(await pruner.get('checkpoint')).toMatchObject({ outcome: 'succeeded' });
    expect(await pruner.get('recent-failure')).toMatchObject({ outcome: 'failed' });
    expect(await pruner.get('old-but-running')).toMatchObject({ outcome: 'running' });
    expect((await pruner.checkpoint())?.windowTo.toISOString()).toBe(at(50).toISOString());
    expect((await pruner.recent()).map((r) => r.id).sort()).toEqual(
      ['checkpoint', 'old-but-running', 'recent-failure', 'today'].sort(),
    );
  });
}
