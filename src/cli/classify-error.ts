import { BootError } from '../boot/boot-error.js';
import { ConfigError } from '../config/load-config.js';
import { InvalidOverviewQuery } from '../orders/projections/invalid-overview-query.error.js';
import { CliRefusal } from './cli-refusal.js';
import { ExitCode } from './exit-codes.js';
import { UsageError } from './usage-error.js';

export interface ClassifiedError {
  exitCode: ExitCode;
  code: string;
  /** One line, safe to print: the engine's error classes never carry credentials in their messages. */
  message: string;
  details?: unknown;
}

/**
 * A refusal is what the HTTP API answers with a 4xx: an error the engine defines as a published contract (domain
 * codes, payload validation, Lengow saying no about this order), which the operator can act on. The CLI reuses that
 * mapping so a command is refused with the same code whichever door it came in by. Everything else — configuration,
 * databases or Lengow unreachable (HTTP's 5xx), bugs — is a failure to run.
 */
export async function classifyError(error: unknown): Promise<ClassifiedError> {
  if (error instanceof UsageError)
    return { exitCode: ExitCode.usage, code: error.code, message: oneLine(error.message) };
  if (error instanceof CliRefusal)
    return { exitCode: ExitCode.refused, code: error.code, message: oneLine(error.message) };
  if (error instanceof InvalidOverviewQuery) {
    return { exitCode: ExitCode.refused, code: error.code, message: oneLine(error.message) };
  }
  if (error instanceof ConfigError || error instanceof BootError) {
    return { exitCode: ExitCode.failure, code: error.code, message: oneLine(error.message) };
  }
  // Loaded like the HTTP mapping below, only once a command failed. These refusals are raised in the bus's own shape,
  // which the HTTP mapping knows only by their status: their own code is kept here.
  const reactions = await import('../interfaces/catalogue/reaction-commands.js');
  if (
    error instanceof reactions.UnknownReactionConsumer ||
    error instanceof reactions.ParkedEventNotFound ||
    error instanceof reactions.ParkedShopChangeNotFound
  ) {
    return { exitCode: ExitCode.refused, code: error.code, message: oneLine(error.message) };
  }
  // The HTTP layer's mapping pulls in much of the engine; only a failing command pays for loading it.
  const { errorToProblem } = await import('../http/error-to-problem.js');
  const { problem, unexpected } = errorToProblem(error);
  if (!unexpected && problem.status < 500) {
    const { type: _type, title: _title, status: _status, detail, code, instance: _instance, ...rest } = problem;
    return {
      exitCode: ExitCode.refused,
      code,
      message: oneLine(detail),
      ...(Object.keys(rest).length > 0 ? { details: rest } : {}),
    };
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
