import pg from 'pg';

/** PostgreSQL helpers: reachability, throw-away schemas and databases named after this run. */

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** The server version, or the reason it cannot be reached. */
export async function probePostgres(url) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    const { rows } = await client.query(`SELECT current_setting('server_version') AS version`);
    return { ok: true, version: rows[0].version };
  } catch (error) {
    return { ok: false, reason: error.message };
  } finally {
    await client.end().catch(() => undefined);
  }
}

let names = 0;
/** `lsbench_<pid>_<time>_<n>_<label>`: unique to this process and call, valid as an unquoted identifier. */
export function uniqueName(label) {
  return `lsbench_${process.pid.toString(36)}_${Date.now().toString(36)}_${++names}_${label}`;
}

function ownerIsGone(name) {
  const pid = parseInt(name.split('_')[1], 36);
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return error.code === 'ESRCH';
  }
}

/** Runs `work(client)` on a short-lived admin connection. */
export async function withAdmin(url, work) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export function dropSchema(url, schema) {
  return withAdmin(url, (client) => client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));
}

/** Creates a throw-away database; returns its connection string and a drop function. */
export async function createDatabase(url, name) {
  await withAdmin(url, (client) => client.query(`CREATE DATABASE ${name}`));
  const target = new URL(url);
  target.pathname = `/${name}`;
  return {
    url: target.toString(),
    drop: () => withAdmin(url, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
  };
}

/** Drops the schemas and databases left behind by interrupted runs whose process is gone (never a live run's). */
export async function dropLeftovers(url, log) {
  await withAdmin(url, async (client) => {
    let dropped = 0;
    const schemas = await client.query(`SELECT nspname AS name FROM pg_namespace WHERE nspname LIKE 'lsbench\\_%'`);
    for (const { name } of schemas.rows.filter((row) => ownerIsGone(row.name))) {
      await client.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
      dropped++;
    }
    const databases = await client.query(`SELECT datname AS name FROM pg_database WHERE datname LIKE 'lsbench\\_%'`);
    for (const { name } of databases.rows.filter((row) => ownerIsGone(row.name))) {
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      dropped++;
    }
    if (dropped > 0) log(`  dropped ${dropped} schema(s)/database(s) left by interrupted runs`);
  });
}
