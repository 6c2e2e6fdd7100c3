import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { AppConfig, CONFIG_VARIABLES, INTEGER_SETTINGS } from './app-config.js';

/** A bad setting: the message names the variable and what is wrong, never its value (it may be a secret). */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(
    readonly variable: string,
    reason: string,
  ) {
    super(`configuration: ${variable} ${reason}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads the engine's settings from an environment, applies defaults, and validates them. Throws ConfigError on the
 * first bad variable (in documentation order).
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const raw: Record<string, unknown> = {};
  for (const key of CONFIG_VARIABLES) {
    const value = env[key];
    if (value === undefined || value === '') continue;
    if ((INTEGER_SETTINGS as readonly string[]).includes(key)) {
      if (!/^-?\d+$/.test(value.trim())) throw new ConfigError(key, 'must be an integer');
      raw[key] = Number(value);
    } else {
      raw[key] = value.trim();
    }
  }
  // The read models follow the event store's database unless told otherwise.
  if (raw.READ_MODEL_STORE === undefined) raw.READ_MODEL_STORE = raw.EVENT_STORE === 'postgres' ? 'postgres' : 'sqlite';
  const config = plainToInstance(AppConfig, raw, { exposeDefaultValues: true });
  const errors = validateSync(config, { forbidUnknownValues: true });
  if (errors.length > 0) {
    const first = errors[0];
    const reason = Object.values(first.constraints ?? {})[0] ?? 'is invalid';
    // class-validator messages start with the property name; keep one copy of it.
    throw new ConfigError(
      first.property,
      reason.startsWith(first.property) ? reason.slice(first.property.length).trim() : reason,
    );
  }
  // Below a day, a merchant command retried after its HTTP Idempotency-Key was forgotten (a day) could run twice.
  if (config.historyRetentionMs < 86_400_000) throw new ConfigError('HISTORY_RETENTION', 'must be at least 24h');
  if (config.EVENT_STORE === 'postgres' && !config.DATABASE_URL) {
    throw new ConfigError('DATABASE_URL', 'is required when EVENT_STORE=postgres');
  }
  if (config.READ_MODEL_STORE === 'postgres' && !config.DATABASE_URL) {
    throw new ConfigError('DATABASE_URL', 'is required when READ_MODEL_STORE=postgres');
  }
  if (config.EVENT_STORE === 'eventstoredb' && !config.EVENTSTOREDB_URL) {
    throw new ConfigError('EVENTSTOREDB_URL', 'is required when EVENT_STORE=eventstoredb');
  }
  if (Boolean(config.LENGOW_ACCESS_TOKEN) !== Boolean(config.LENGOW_SECRET)) {
    throw new ConfigError(
      config.LENGOW_ACCESS_TOKEN ? 'LENGOW_SECRET' : 'LENGOW_ACCESS_TOKEN',
      'must be set together with its pair',
    );
  }
  if (config.SANDBOX === 'off' && !config.LENGOW_ACCESS_TOKEN) {
    throw new ConfigError('LENGOW_ACCESS_TOKEN', 'and LENGOW_SECRET are required when SANDBOX=off');
  }
  return config;
}
