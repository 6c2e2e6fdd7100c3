import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, ValidateIf } from 'class-validator';

/**
 * Every setting the engine reads from the environment. The README's configuration table documents the same names;
 * a test keeps the two in step.
 */
export class AppConfig {
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsString()
  HOST = '0.0.0.0';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @IsIn(['sqlite', 'postgres', 'eventstoredb'])
  EVENT_STORE: 'sqlite' | 'postgres' | 'eventstoredb' = 'sqlite';

  @IsString()
  SQLITE_PATH = './data/lengow-sync.sqlite';

  @IsIn(['FULL', 'NORMAL'])
  SQLITE_SYNCHRONOUS: 'FULL' | 'NORMAL' = 'FULL';

  /**
   * worker: on SQLite (a file), the order read models are written by a worker thread into their own file
   * (SQLITE_READ_MODELS_PATH), off the engine's thread and its file's write lock. main: on the engine's thread, in
   * SQLITE_PATH. Other stores always run them on the engine's thread.
   */
  @IsIn(['worker', 'main'])
  READ_MODELS_THREAD: 'worker' | 'main' = 'worker';

  /** The order read models' file when READ_MODELS_THREAD=worker; default: SQLITE_PATH's name + `.read-models`. */
  @IsOptional()
  @IsString()
  SQLITE_READ_MODELS_PATH?: string;

  @ValidateIf((c: AppConfig) => c.EVENT_STORE === 'postgres' || c.READ_MODEL_STORE === 'postgres')
  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgres:// connection string' })
  DATABASE_URL?: string;

  @Matches(/^[a-z_][a-z0-9_]*$/, { message: 'DATABASE_SCHEMA must be a lower-case SQL identifier' })
  DATABASE_SCHEMA = 'public';

  @ValidateIf((c: AppConfig) => c.EVENT_STORE === 'eventstoredb')
  @Matches(/^esdb(\+discover)?:\/\//, { message: 'EVENTSTOREDB_URL must be an esdb:// connection string' })
  EVENTSTOREDB_URL?: string;

  /** Where read models, checkpoints and the built-in shop live. Defaults to the event store's database. */
  @IsIn(['sqlite', 'postgres'])
  READ_MODEL_STORE: 'sqlite' | 'postgres' = 'sqlite';

  @Matches(/^https?:\/\//, { message: 'LENGOW_API_URL must be an http(s) URL' })
  LENGOW_API_URL = 'https://api.lengow.io';

  @IsOptional()
  @IsString()
  LENGOW_ACCESS_TOKEN?: string;

  @IsOptional()
  @IsString()
  LENGOW_SECRET?: string;

  /** auto: run the built-in Lengow emulator when no Lengow credentials are configured. */
  @IsIn(['auto', 'on', 'off'])
  SANDBOX: 'auto' | 'on' | 'off' = 'auto';

  @IsInt()
  @Min(0)
  @Max(65535)
  SANDBOX_PORT = 3100;

  @IsInt()
  SANDBOX_SEED = 42;

  @IsInt()
  @Min(0)
  @Max(1_000_000)
  SANDBOX_ORDERS = 500;

  /** How often orders are imported: `<n>s`, `<n>m` or `<n>h`. */
  @Matches(/^\d+(s|m|h)$/, { message: 'IMPORT_INTERVAL must look like 30s, 5m or 1h' })
  IMPORT_INTERVAL = '5m';

  /**
   * How long the engine's own bookkeeping is kept: import run history, the merchant commands' idempotency keys, the
   * journal of action attempts handed to Lengow once closed. `<n>h` or `<n>d`, at least a day.
   */
  @Matches(/^\d+(h|d)$/, { message: 'HISTORY_RETENTION must look like 30d or 48h' })
  HISTORY_RETENTION = '30d';

  @IsOptional()
  @Matches(/^nats:\/\//, { message: 'NATS_URL must be a nats:// URL' })
  NATS_URL?: string;

  /** `<key>:<role>[,<key>:<role>…]`, role one of viewer, operator, admin. */
  @IsOptional()
  @Matches(/^[^:,\s]+:(viewer|operator|admin)(,[^:,\s]+:(viewer|operator|admin))*$/, {
    message: 'API_KEYS must be a comma-separated list of <key>:<viewer|operator|admin>',
  })
  API_KEYS?: string;

  get sandboxEnabled(): boolean {
    if (this.SANDBOX === 'auto') return !(this.LENGOW_ACCESS_TOKEN && this.LENGOW_SECRET);
    return this.SANDBOX === 'on';
  }

  get historyRetentionMs(): number {
    const unit = this.HISTORY_RETENTION.endsWith('d') ? 86_400_000 : 3_600_000;
    return Number(this.HISTORY_RETENTION.slice(0, -1)) * unit;
  }

  get importIntervalMs(): number {
    const unit = { s: 1000, m: 60_000, h: 3_600_000 }[this.IMPORT_INTERVAL.slice(-1) as 's' | 'm' | 'h'];
    return Number(this.IMPORT_INTERVAL.slice(0, -1)) * unit;
  }
}

export const INTEGER_SETTINGS = ['PORT', 'SANDBOX_PORT', 'SANDBOX_SEED', 'SANDBOX_ORDERS'] as const;

/** Every variable the engine reads, in the order the README documents them. */
export const CONFIG_VARIABLES = [
  'PORT',
  'HOST',
  'LOG_LEVEL',
  'EVENT_STORE',
  'SQLITE_PATH',
  'SQLITE_SYNCHRONOUS',
  'READ_MODELS_THREAD',
  'SQLITE_READ_MODELS_PATH',
  'DATABASE_URL',
  'DATABASE_SCHEMA',
  'EVENTSTOREDB_URL',
  'READ_MODEL_STORE',
  'LENGOW_API_URL',
  'LENGOW_ACCESS_TOKEN',
  'LENGOW_SECRET',
  'SANDBOX',
  'SANDBOX_PORT',
  'SANDBOX_SEED',
  'SANDBOX_ORDERS',
  'IMPORT_INTERVAL',
  'HISTORY_RETENTION',
  'NATS_URL',
  'API_KEYS',
] as const;
