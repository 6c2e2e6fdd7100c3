import { postgresAppends, postgresReads, postgresVersusEmmett } from '../event-store/postgres.js';
import { sqliteAppends, sqliteReads, sqliteVersusEmmett } from '../event-store/sqlite.js';

export const name = 'event-store';
export const description =
  'Append throughput, readAll replay and subscription catch-up of the SQLite and PostgreSQL event stores against ' +
  'raw driver baselines, and sequential appends against Emmett (BENCH_ADAPTERS=sqlite,postgres to pick adapters)';
/** Folders under bench/ with a package.json of their own, installed by run.js when missing. */
export const peers = ['emmett-sqlite', 'emmett-postgresql'];

export async function run(context) {
  const { adapters } = context;

  if (adapters.includes('sqlite')) {
    context.section('SQLite (better-sqlite3, WAL)');
    await sqliteAppends(context);
    await sqliteReads(context);
    const emmett = await context.peer('emmett-sqlite');
    if (emmett.ok) await sqliteVersusEmmett(context, emmett.module);
    else context.skip('sqlite.emmett.readerOpen', 'SQLite append vs Emmett', emmett.reason);
  }

  if (adapters.includes('postgres')) {
    context.section(`PostgreSQL ${context.postgres.version ?? ''}`.trim());
    if (!context.postgres.ok) {
      context.skip('postgres.*', 'PostgreSQL figures', `PostgreSQL unreachable: ${context.postgres.reason}`);
      return;
    }
    const url = context.postgres.url;
    await postgresAppends(context, url);
    await postgresReads(context, url);
    const emmett = await context.peer('emmett-postgresql');
    if (emmett.ok) await postgresVersusEmmett(context, url, emmett.module);
    else context.skip('postgres.emmett.*', 'PostgreSQL append vs Emmett', emmett.reason);
  }
}
