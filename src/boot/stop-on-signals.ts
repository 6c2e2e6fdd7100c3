import type { Logger } from '../logging/logger.js';

export interface StoppableEngine {
  readonly logger: Pick<Logger, 'info' | 'warn'>;
  close(): Promise<void>;
}

export interface StopOnSignalsOptions {
  /** How long a graceful stop may take before the process exits anyway; 20 s by default. */
  readonly deadlineMs?: number;
  /** The process to listen on and exit; `process` by default (tests pass their own). */
  readonly target?: Pick<NodeJS.Process, 'on' | 'exit'>;
}

export const DEFAULT_STOP_DEADLINE_MS = 20_000;

/**
 * SIGINT/SIGTERM stop the engine gracefully: consumers finish the event in hand and save their checkpoints, HTTP
 * drains. A graceful stop can hang (a reaction waiting out Lengow's retries and timeouts while Lengow is down), and a
 * service manager then escalates to SIGKILL anyway; so past a deadline, or on a second signal, the process exits at
 * once. That is safe by design: checkpoints only move after their work is done, and every command is idempotent, so
 * the next start replays what was in hand.
 */
export function stopOnSignals(engine: StoppableEngine, options: StopOnSignalsOptions = {}): void {
  const target = options.target ?? process;
  const deadlineMs = options.deadlineMs ?? DEFAULT_STOP_DEADLINE_MS;
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      engine.logger.warn({ signal }, 'stopping now, without waiting for the graceful stop to end');
      target.exit(1);
      return;
    }
    stopping = true;
    engine.logger.info({ signal, deadlineMs }, 'stopping');
    const deadline = setTimeout(() => {
      engine.logger.warn(
        { deadlineMs },
        'graceful stop took too long; exiting (work in hand is replayed at the next start)',
      );
      target.exit(1);
    }, deadlineMs);
    deadline.unref();
    engine.close().then(
      () => {
        clearTimeout(deadline);
        target.exit(0);
      },
      (error: unknown) => {
        clearTimeout(deadline);
        engine.logger.warn({ err: (error as Error)?.message ?? String(error) }, 'graceful stop failed');
        target.exit(1);
      },
    );
  };
  target.on('SIGINT', () => stop('SIGINT'));
  target.on('SIGTERM', () => stop('SIGTERM'));
}
