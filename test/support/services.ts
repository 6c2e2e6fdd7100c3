import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * Service-backed suites run against real servers. They skip (with a printed reason) only when the server is absent
 * and CI is unset; under CI=true an absent server fails the suite.
 */
export const POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const NATS_URL = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

export interface ServiceCheck {
  available: boolean;
  reason?: string;
}

export async function checkPostgres(url = POSTGRES_URL): Promise<ServiceCheck> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return { available: true };
  } catch (error) {
    return { available: false, reason: `PostgreSQL unreachable at ${url}: ${(error as Error).message}` };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * `describe` when the service is up, otherwise a skipped describe with the reason printed — or, under CI, a describe
 * whose single test fails with the reason.
 */
export function describeWithService(check: ServiceCheck, name: string, body: () => void): void {
  if (check.available) {
    describe(name, body);
  } else if (process.env.CI) {
    describe(name, () => {
      it('needs its service', () => {
        throw new Error(`CI is set but the service is missing: ${check.reason}`);
      });
    });
  } else {
    // Straight to stderr: Jest swallows console output of a file whose tests are all skipped.
    process.stderr.write(`SKIPPED "${name}": ${check.reason} (set CI=true to make this a failure)\n`);
    describe.skip(name, body);
  }
}

/** A unique schema name so each PostgreSQL-backed suite runs in isolation in the shared database. */
export function freshSchemaName(prefix = 't'): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

export async function dropSchema(schema: string, url = POSTGRES_URL): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}
