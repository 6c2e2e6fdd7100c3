import { ConfigError, loadConfig } from './load-config.js';

describe('loadConfig', () => {
  it('applies the embedded defaults: SQLite, port 3000, sandbox on without credentials', () => {
    const config = loadConfig({});
    expect(config.EVENT_STORE).toBe('sqlite');
    expect(config.READ_MODEL_STORE).toBe('sqlite');
    expect(config.PORT).toBe(3000);
    expect(config.SQLITE_PATH).toBe('./data/lengow-sync.sqlite');
    expect(config.SQLITE_SYNCHRONOUS).toBe('FULL');
    expect(config.READ_MODELS_THREAD).toBe('worker');
    expect(config.SQLITE_READ_MODELS_PATH).toBeUndefined();
    expect(config.sandboxEnabled).toBe(true);
    expect(config.importIntervalMs).toBe(300_000);
    expect(config.historyRetentionMs).toBe(30 * 86_400_000);
    expect(loadConfig({ HISTORY_RETENTION: '36h' }).historyRetentionMs).toBe(36 * 3_600_000);
  });

  it('follows the event store for read models and turns the sandbox off with credentials', () => {
    const config = loadConfig({
      EVENT_STORE: 'postgres',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
      LENGOW_ACCESS_TOKEN: 'a',
      LENGOW_SECRET: 'b',
    });
    expect(config.READ_MODEL_STORE).toBe('postgres');
    expect(config.sandboxEnabled).toBe(false);
  });

  it.each([
    [{ EVENT_STORE: 'mongodb' }, 'EVENT_STORE'],
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ EVENT_STORE: 'postgres' }, 'DATABASE_URL'],
    [{ EVENT_STORE: 'postgres', DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ EVENT_STORE: 'eventstoredb' }, 'EVENTSTOREDB_URL'],
    [{ EVENT_STORE: 'eventstoredb', EVENTSTOREDB_URL: 'http://x' }, 'EVENTSTOREDB_URL'],
    [{ SQLITE_SYNCHRONOUS: 'OFF' }, 'SQLITE_SYNCHRONOUS'],
    [{ READ_MODELS_THREAD: 'both' }, 'READ_MODELS_THREAD'],
    [{ IMPORT_INTERVAL: 'often' }, 'IMPORT_INTERVAL'],
    [{ HISTORY_RETENTION: '30' }, 'HISTORY_RETENTION'],
    [{ HISTORY_RETENTION: '12h' }, 'HISTORY_RETENTION'],
    [{ API_KEYS: 'k1:root' }, 'API_KEYS'],
    [{ LENGOW_ACCESS_TOKEN: 'only-half' }, 'LENGOW_SECRET'],
    [{ SANDBOX: 'off' }, 'LENGOW_ACCESS_TOKEN'],
  ])('rejects %j naming %s', (env, variable) => {
    let error: unknown;
    try {
      loadConfig(env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
    expect((error as ConfigError).message).toMatch(new RegExp(`^configuration: ${variable} `));
  });

  it('never echoes a secret value in its error', () => {
    expect(() => loadConfig({ LENGOW_ACCESS_TOKEN: 'super-secret-token' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('super-secret-token') }),
    );
  });
});
