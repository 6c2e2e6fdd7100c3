import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;

/**
 * Field names whose values never reach the log output, wherever they appear in a logged object: credentials are
 * also kept out of log calls by the code itself, this is the second line of defence.
 */
export const REDACTED_KEYS = [
  'access_token',
  'accessToken',
  'secret',
  'token',
  'authorization',
  'Authorization',
  'apiKey',
  'api_key',
  'x-api-key',
  'password',
];

export interface LoggerOptions {
  level?: string;
  name?: string;
  /** Where lines go (tests pass a stream to capture them); stdout by default. */
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const paths = REDACTED_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`, `headers.${key}`]);
  return pino(
    {
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      name: options.name ?? 'lengow-sync',
      redact: { paths, censor: '[redacted]' },
    },
    options.destination,
  );
}

/** A logger that writes nothing; for tests and tools that do not want output. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
