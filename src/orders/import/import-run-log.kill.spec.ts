import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PostgresDatabase } from '../../database/postgres-database.js';
import type { SqlDatabase } from '../../database/sql-database.port.js';
import { SqliteDatabase } from '../../database/sqlite-database.js';
import {
  checkPostgres,
  describeWithService,
  dropSchema,
  freshSchemaName,
  POSTGRES_URL,
} from '../../../test/support/services.js';
import { INTERRUPTED_RUN_ERROR, ImportRunLog } from './import-run-log.js';

const postgres = await checkPostgres();
const CHILD = fileURLToPath(new URL('./testing/import-run-child.ts', import.meta.url));
const REGISTER = new URL('../../../test/support/ts-worker-register.mjs', import.meta.url).href;
const HEARTBEAT_MS = 50;
/** A dozen beats, as in the engine (10 s / 2 min), scaled down. */
const STALE_AFTER_MS = 600;

interface Target {
  /** The child's arguments after the dialect, before the run id. */
  readonly args: readonly string[];
  readonly dialect: 'sqlite' | 'postgres';
  connect(): Promise<SqlDatabase>;
  cleanup(): Promise<void>;
}

/** Starts the child engine and waits for its run to be on record; resolves with the child's owner name. */
async function startChild(target: Target, runId: string): Promise<{ child: ChildProcess; owner: string }> {
  const child = spawn(
    process.execPath,
    ['--import', REGISTER, CHILD, target.dialect, ...target.args, runId, String(HEARTBEAT_MS)],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const started = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /^started (\S+) (\S+)$/m.exec(stdout);
      if (match) resolve(match[2]);
    });
    child.on('exit', (code, signal) =>
      reject(new Error(`child exited (${code ?? signal}) before starting: ${stderr}`)),
    );
  });
  return { child, owner: await started };
}

async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

function killSuite(open: () => Promise<Target>): void {
  let target: Target;
  let child: ChildProcess | undefined;
  const logs: ImportRunLog[] = [];

  beforeEach(async () => {
    target = await open();
  });
  afterEach(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    for (const log of logs.splice(0)) log.close();
    await target.cleanup();
  });

  /** Another engine process on the same database, booting its run log (which closes what it finds interrupted). */
  async function boot(): Promise<ImportRunLog> {
    const log = new ImportRunLog(await target.connect(), { staleAfterMs: STALE_AFTER_MS });
    logs.push(log);
    await log.init();
    return log;
  }

  it('a run killed (SIGKILL) mid-run is interrupted after a restart; alive, it never is', async () => {
    const started = await startChild(target, 'killed-run');
    child = started.child;
    const neighbour = await boot();

    // Alive and beating in its own process: several staleness bounds go by, the neighbour leaves it running.
    for (let i = 0; i < 3; i++) {
      await sleep(STALE_AFTER_MS / 2);
      expect(await neighbour.closeInterrupted()).toBe(0);
    }
    expect(await neighbour.get('killed-run')).toMatchObject({ outcome: 'running', owner: started.owner });

    child.kill('SIGKILL');
    await once(child, 'exit');
    const lastBeat = (await neighbour.get('killed-run'))!.heartbeatAt;
    await sleep(STALE_AFTER_MS + 200);

    const restarted = await boot();
    const record = (await restarted.get('killed-run'))!;
    expect(record).toMatchObject({ outcome: 'interrupted', owner: started.owner, error: INTERRUPTED_RUN_ERROR });
    // Its last sign of life: a beat already on its way to PostgreSQL when the process died may still have landed.
    expect(record.finishedAt).toBe(record.heartbeatAt);
    expect(record.finishedAt! >= lastBeat!).toBe(true);
  }, 20_000);
}

describe('ImportRunLog on SQLite: an engine process killed mid-run', () =>
  killSuite(async () => {
    const folder = mkdtempSync(join(tmpdir(), 'import-runs-kill-'));
    const file = join(folder, 'engine.sqlite');
    const connections: SqliteDatabase[] = [];
    return {
      dialect: 'sqlite',
      args: [file],
      connect: async () => {
        const db = new SqliteDatabase({ path: file, cacheKiB: 1024 });
        connections.push(db);
        return db;
      },
      cleanup: async () => {
        for (const db of connections) await db.close();
        rmSync(folder, { recursive: true, force: true });
      },
    };
  }));

describeWithService(postgres, 'ImportRunLog on PostgreSQL: an engine process killed mid-run', () =>
  killSuite(async () => {
    const schema = freshSchemaName('import_runs_kill');
    const connections: PostgresDatabase[] = [];
    return {
      dialect: 'postgres',
      args: [POSTGRES_URL, schema],
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
  }),
);
