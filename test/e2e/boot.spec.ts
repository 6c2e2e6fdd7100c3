import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BootError } from '../../src/boot/boot-error.js';
import { SANDBOX_UNMAPPED_MARKETPLACES } from '../../src/boot/prepare-sandbox-shop.js';
import { startEngine, type RunningEngine } from '../../src/boot/start-engine.js';
import { loadConfig } from '../../src/config/load-config.js';
import { silentLogger } from '../../src/logging/logger.js';

describe('engine boot on the embedded default', () => {
  let folder: string;
  let engine: RunningEngine | undefined;

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'lengow-boot-'));
  });
  afterEach(async () => {
    await engine?.close();
    engine = undefined;
    rmSync(folder, { recursive: true, force: true });
  });

  it('creates the SQLite file under a new data folder and serves /health green', async () => {
    const config = loadConfig({
      SQLITE_PATH: join(folder, 'data', 'engine.sqlite'),
      PORT: '0',
      HOST: '127.0.0.1',
      SANDBOX: 'on',
      SANDBOX_PORT: '0',
      SANDBOX_ORDERS: '20',
    });
    engine = await startEngine(config, silentLogger());
    const response = await fetch(`${engine.url}/health`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      status: string;
      info: { eventStore: { status: string; adapter: string } };
    };
    expect(body.status).toBe('ok');
    expect(body.info.eventStore).toMatchObject({ status: 'up', adapter: 'sqlite' });
  });

  it('imports the emulator’s orders into the built-in shop on its first scheduled run, with no setup', async () => {
    const config = loadConfig({
      SQLITE_PATH: join(folder, 'fresh.sqlite'),
      PORT: '0',
      HOST: '127.0.0.1',
      SANDBOX: 'on',
      SANDBOX_PORT: '0',
      SANDBOX_ORDERS: '60',
    });
    engine = await startEngine(config, silentLogger());
    type Row = { marketplace: string; importState: string; importMessages: string[] };
    let rows: Row[] = [];
    for (let i = 0; i < 120; i++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      rows = ((await (await fetch(`${engine.url}/api/orders?limit=100`)).json()) as { items: Row[] }).items;
      if (rows.length === 60 && rows.every((row) => row.importState !== 'pending')) break;
    }
    expect(rows).toHaveLength(60);
    const imported = rows.filter((row) => row.importState === 'imported');
    expect(imported.length).toBeGreaterThan(20);
    // The marketplaces left unmapped on purpose wait for the operator, with the plugins' message.
    for (const row of rows.filter((r) => SANDBOX_UNMAPPED_MARKETPLACES.includes(r.marketplace))) {
      expect(row.importState).not.toBe('imported');
      if (row.importState === 'not_imported') {
        expect(row.importMessages.join(' ')).toMatch(/You must select a default carrier/);
      }
    }
    const settings = (await (await fetch(`${engine.url}/api/settings`)).json()) as {
      settings: { unmappedMarketplaces: string[] };
    };
    expect([...settings.settings.unmappedMarketplaces].sort()).toEqual(
      [...SANDBOX_UNMAPPED_MARKETPLACES].filter((m) => rows.some((r) => r.marketplace === m)).sort(),
    );
  });

  it('refuses a data folder it cannot create, with a one-line reason', async () => {
    const file = join(folder, 'a-file');
    writeFileSync(file, '');
    const config = loadConfig({
      SQLITE_PATH: join(file, 'engine.sqlite'),
      PORT: '0',
      SANDBOX: 'on',
      SANDBOX_PORT: '0',
      SANDBOX_ORDERS: '20',
    });
    const failure = startEngine(config, silentLogger());
    await expect(failure).rejects.toBeInstanceOf(BootError);
    await expect(failure).rejects.toThrow(/^SQLite data folder .*a-file is not writable \(ENOTDIR\)$/);
  });

  it('refuses an unreachable PostgreSQL without echoing its password', async () => {
    const config = loadConfig({
      EVENT_STORE: 'postgres',
      DATABASE_URL: 'postgres://user:hunter2@127.0.0.1:1/db',
      PORT: '0',
      SANDBOX: 'on',
      SANDBOX_PORT: '0',
      SANDBOX_ORDERS: '20',
    });
    const failure = startEngine(config, silentLogger());
    await expect(failure).rejects.toThrow(/^PostgreSQL at postgres:\/\/127\.0\.0\.1:1\/db is unreachable/);
    await expect(failure).rejects.toThrow(expect.objectContaining({ message: expect.not.stringContaining('hunter2') }));
  });

  it('refuses an unreachable EventStoreDB without echoing its password', async () => {
    const config = loadConfig({
      EVENT_STORE: 'eventstoredb',
      EVENTSTOREDB_URL: 'esdb://admin:p%40ss-LEAK@127.0.0.1:1?tls=false&defaultDeadline=500',
      PORT: '0',
      SANDBOX: 'on',
      SANDBOX_PORT: '0',
      SANDBOX_ORDERS: '20',
    });
    const failure = startEngine(config, silentLogger());
    await expect(failure).rejects.toThrow(/^EventStoreDB at esdb:\/\/127\.0\.0\.1:1.* is unreachable/);
    await expect(failure).rejects.toThrow(expect.objectContaining({ message: expect.not.stringMatching(/LEAK|p@ss/) }));
  }, 30_000);

  it('reports a port already in use', async () => {
    const first = loadConfig({
      SQLITE_PATH: join(folder, 'one.sqlite'),
      PORT: '0',
      HOST: '127.0.0.1',
      SANDBOX: 'on',
      SANDBOX_PORT: '0',
      SANDBOX_ORDERS: '20',
    });
    engine = await startEngine(first, silentLogger());
    const port = new URL(engine.url).port;
    const second = loadConfig({
      SQLITE_PATH: join(folder, 'two.sqlite'),
      PORT: port,
      HOST: '127.0.0.1',
      SANDBOX: 'on',
      SANDBOX_PORT: '0',
      SANDBOX_ORDERS: '20',
    });
    await expect(startEngine(second, silentLogger())).rejects.toThrow(
      `port ${port} on 127.0.0.1 is already in use (set PORT)`,
    );
  });
});
