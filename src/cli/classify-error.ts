import { BootError } from '../boot/boot-error.js';
import { ConfigError } from '../config/load-config.js';
import {
  LengowInvalidRequest,
  LengowOrderNotFound,
  LengowRejected,
  LengowUnknownMarketplace,
} from '../lengow/lengow-errors.js';
import { StaleOrderRevision } from '../orders/commands/stale-order-revision.error.js';
import { OrderDomainError } from '../orders/domain/order-domain-error.js';
import { SettingsInvalid } from '../settings/commands/settings-invalid.error.js';
import { SettingsDomainError } from '../settings/domain/settings-error.js';
import { CliRefusal } from './cli-refusal.js';
import { ExitCode } from './exit-codes.js';
import { UsageError } from './usage-error.js';

export interface ClassifiedError {
  exitCode: ExitCode;
  code: string;
  /** One line, safe to print: error classes of the engine never carry credentials in their messages. */
  message: string;
  details?: unknown;
}

/**
 * Refusals are errors whose code is part of a published contract (the domain, payload validation, Lengow saying no
 * about this order): the operator can act on them, and scripts branch on exit 3. Anything else is a failure to run.
 */
const REFUSALS: ReadonlyArray<abstract new (...args: never[]) => Error> = [
  OrderDomainError,
  SettingsDomainError,
  SettingsInvalid,
  StaleOrderRevision,
  LengowOrderNotFound,
  LengowRejected,
  LengowInvalidRequest,
  LengowUnknownMarketplace,
  CliRefusal,
];

export function classifyError(error: unknown): ClassifiedError {
  if (error instanceof UsageError) return { exitCode: ExitCode.usage, code: error.code, message: error.message };
  if (REFUSALS.some((type) => error instanceof type)) {
    const { code, message } = error as Error & { code: string };
    const details =
      (error as { details?: unknown; failures?: unknown }).details ?? (error as { failures?: unknown }).failures;
    return {
      exitCode: ExitCode.refused,
      code,
      message: oneLine(message),
      ...(details === undefined ? {} : { details }),
    };
  }
  if (error instanceof ConfigError || error instanceof BootError) {
    return { exitCode: ExitCode.failure, code: error.code, message: oneLine(error.message) };
  }
  const code = (error as { code?: unknown })?.code;
  const message = error instanceof Error ? error.message : String(error);
  return {
    exitCode: ExitCode.failure,
    code: typeof code === 'string' && code !== '' ? code : 'UNEXPECTED',
    message: oneLine(message) || 'unexpected error',
  };
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
