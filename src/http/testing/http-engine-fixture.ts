import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropSchema, freshSchemaName, POSTGRES_URL } from '../../../test/support/services.js';
import type { RunningEngine } from '../../boot/start-engine.js';
import type { ShopCarrier } from '../../shop/shop-carrier.js';
import { SHOP, type Shop } from '../../shop/shop.port.js';
import { startHttpEngine, type HttpEngineOptions } from './start-http-engine.js';

/** The keys the HTTP suites call with: `v1` viewer, `o1` operator, `a1` admin. */
export const TEST_API_KEYS = 'v1:viewer,o1:operator,a1:admin';

export interface HttpEngineFixtureOptions extends HttpEngineOptions {
  /** Variables over the defaults (emulator with 50 orders, {@link TEST_API_KEYS}, ports picked by the system). */
  readonly env?: NodeJS.ProcessEnv;
  /** Events and read models in a fresh PostgreSQL schema, dropped after the suite, instead of a temp SQLite file. */
  readonly postgres?: boolean;
}

/**
 * One engine (HTTP API included) for the enclosing describe: started in `beforeAll`, closed and its storage removed in
 * `afterAll`. Call it where the hooks belong; the returned accessor is only valid inside tests and later hooks.
 */
export function useHttpEngine(options: HttpEngineFixtureOptions = {}): () => RunningEngine {
  const { env, postgres, ...engineOptions } = options;
  const schema = postgres ? freshSchemaName('http') : undefined;
  let folder: string | undefined;
  let engine: RunningEngine | undefined;

  beforeAll(async () => {
    let storage: NodeJS.ProcessEnv;
    if (schema) {
      storage = { EVENT_STORE: 'postgres', DATABASE_URL: POSTGRES_URL, DATABASE_SCHEMA: schema };
    } else {
      folder = mkdtempSync(join(tmpdir(), 'lengow-http-'));
      storage = { SQLITE_PATH: join(folder, 'engine.sqlite') };
    }
    const running = await startHttpEngine(
      {
        ...storage,
        PORT: '0',
        HOST: '127.0.0.1',
        SANDBOX: 'on',
        SANDBOX_PORT: '0',
        SANDBOX_ORDERS: '50',
        API_KEYS: TEST_API_KEYS,
        ...env,
      },
      engineOptions,
    );
    // A test may shut the engine down itself (e.g. to watch open streams end); afterAll then waits for that close.
    let closing: Promise<void> | undefined;
    engine = { ...running, close: () => (closing ??= running.close()) };
  });
  afterAll(async () => {
    try {
      await engine?.close();
    } finally {
      if (folder) rmSync(folder, { recursive: true, force: true });
      if (schema) await dropSchema(schema);
    }
  });

  return () => {
    if (!engine) throw new Error('the HTTP engine runs only inside the tests and hooks of its describe');
    return engine;
  };
}

/** A request to the engine's API as one of {@link TEST_API_KEYS} (`o1`, the operator, unless named), JSON body. */
export type ApiCall = (
  method: string,
  path: string,
  key?: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<Response>;

export function apiCaller(engine: () => RunningEngine): ApiCall {
  return (method, path, key = 'o1', body, headers = {}) =>
    fetch(`${engine().url}${path}`, {
      method,
      headers: { 'x-api-key': key, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
}

/**
 * Adds a "La Poste" carrier to the shop and makes it the default import carrier of every (marketplace, country) the
 * settings report as uncovered, so that every importable order of the emulator can be imported. Returns the carrier.
 */
export async function mapUncoveredCountriesToLaPoste(engine: () => RunningEngine, call: ApiCall): Promise<ShopCarrier> {
  const carrier = await engine()
    .app.get<Shop>(SHOP)
    .addCarrier({ name: 'La Poste', trackingUrl: 'https://laposte.example/@' });
  const settings = (await (await call('GET', '/api/settings', 'v1')).json()) as {
    marketplaces: { marketplace: string; uncoveredCountries: string[] }[];
  };
  for (const { marketplace, uncoveredCountries } of settings.marketplaces) {
    for (const country of uncoveredCountries) {
      const body = { marketplace, country, importCarrier: { id: String(carrier.id), name: carrier.name } };
      expect((await call('PUT', '/api/settings/default-carriers', 'a1', body)).status).toBe(200);
    }
  }
  return carrier;
}
