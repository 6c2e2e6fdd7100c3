import type { ReadModelRunner } from '../../event-store/projections/read-model-runner.js';
import type { ReactionsPace } from './reactions-pace.js';

/** How long a wait may go without the read models scanning anything before the run goes on without them. */
const STALL_MS = 1000;

/**
 * The reactions' pace, then the read models': a window run also waits for the order overview to reach the log as
 * it was two pages earlier, so a long backfill shows its orders on the dashboard as it goes rather than all at the
 * end (where the projection shares the engine's thread, as on PostgreSQL, it otherwise fell further behind with every
 * page). Read models that stop moving (failed, stopped, rebuilding elsewhere) hold a run back one second at most.
 */
export function withReadModels(reactions: ReactionsPace, readModels: ReadModelRunner): ReactionsPace {
  const scanned = () => readModels.status().reduce((sum, projection) => sum + projection.eventsScanned, 0);
  return {
    mark: () => reactions.mark(),
    async keepUpWith(mark, signal) {
      await reactions.keepUpWith(mark, signal);
      let progress = scanned();
      while (!signal?.aborted) {
        try {
          await readModels.waitUntilCaughtUp(mark, { timeoutMs: STALL_MS });
          return;
        } catch {
          // Not there yet, or failed or stopped: wait on only while it moves.
        }
        const now = scanned();
        if (now === progress) return;
        progress = now;
      }
    },
  };
}
