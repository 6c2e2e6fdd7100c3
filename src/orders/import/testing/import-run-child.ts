/**
 * TEST SUPPORT. An engine process reduced to its run log, for the kill test (import-run-log.kill.spec.ts): it boots
 * the log on the database named by its arguments, starts a run, says so on stdout (`started <runId> <owner>`) and goes
 * on beating until it is killed.
 *
 *   node --import test/support/ts-worker-register.mjs import-run-child.ts sqlite <file> <runId> <heartbeatMs>
 *   node --import test/support/ts-worker-register.mjs import-run-child.ts postgres <url> <schema> <runId> <heartbeatMs>
 */
import { PostgresDatabase } from '../../../database/postgres-database.js';
import type { SqlDatabase } from '../../../database/sql-database.port.js';
import { SqliteDatabase } from '../../../database/sqlite-database.js';
import { ImportRunLog } from '../import-run-log.js';

const [dialect, ...rest] = process.argv.slice(2);
let db: SqlDatabase;
let runId: string;
let heartbeatMs: number;
if (dialect === 'postgres') {
  const [url, schema, id, ms] = rest;
  const postgres = new PostgresDatabase({ connectionString: url, schema, max: 2 });
  await postgres.init();
  db = postgres;
  [runId, heartbeatMs] = [id, Number(ms)];
} else {
  const [file, id, ms] = rest;
  db = new SqliteDatabase({ path: file, cacheKiB: 1024 });
  [runId, heartbeatMs] = [id, Number(ms)];
}
const log = new ImportRunLog(db, { heartbeatMs });
await log.init();
const startedAt = new Date();
await log.start({
  id: runId,
  kind: 'scheduled',
  actor: 'system',
  window: { from: new Date(startedAt.getTime() - 86_400_000), to: startedAt },
  advancesCheckpoint: true,
  configurationRevision: 'child',
  startedAt,
});
process.stdout.write(`started ${runId} ${log.owner}\n`);
// The log's heartbeat timer is unref'd, as in the engine; this keeps the process up as the engine's server does.
setInterval(() => undefined, 60_000);
