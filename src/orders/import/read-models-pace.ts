import type { ProjectionStatus } from '../../event-store/projections/projection-status.js';
import type { ReadModelRunner } from '../../event-store/projections/read-model-runner.js';
import type { ReactionsPace } from './reactions-pace.js';

/** How long a wait may go without the read models scanning anything before the run goes on without them. */
const STALL_MS = 1000;

/**
 * The reactions' pace, then the read models': a window run also waits for the order overview to reach the log as
 * it was two pages earlier, so a long backfill shows its orders on the dashboard as it goes rather than all at the
 * end (where the projection shares the engine's thread, as on PostgreSQL, it otherwise fell further behind with every
 * page). Only projections running here are waited for — one superseded by another engine process, failed or stopped
 * is not — and those that stop moving hold a run back one second at most.
 */
export function withReadModels(reactions: ReactionsPace, readModels: ReadModelRunner): ReactionsPace {
  const live = () => readModels.status().filter(moves);
  const scanned = (projections: ProjectionStatus[]) => projections.reduce((sum, p) => sum + p.eventsScanned, 0);
  return {
    mark: () => reactions.mark(),
    async keepUpWith(mark, signal) {
      await reactions.keepUpWith(mark, signal);
      let progress: number | null = null;
      while (!signal?.aborted) {
        const projections = live();
        const now = scanned(projections);
        if (projections.length === 0 || now === progress) return;
        progress = now;
        try {
          const names = projections.map((p) => p.name);
          await readModels.waitUntilCaughtUp(mark, { timeoutMs: STALL_MS, projections: names });
          return;
        } catch {
          // Not there yet, or it failed or stopped meanwhile: wait on only while it moves.
        }
      }
    },
  };
}

function moves(projection: ProjectionStatus): boolean {
  return projection.state === 'running' || projection.state === 'rebuilding';
}
