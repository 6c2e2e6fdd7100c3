import type { GlobalPosition } from '../../event-store/event-store.port.js';
import { positionOrdinal } from '../../event-store/projections/position-ordinal.js';
import type { ProjectionStatus } from '../../event-store/projections/projection-status.js';
import type { ReadModelRunner } from '../../event-store/projections/read-model-runner.js';
import { PACE_STALL_MS, waitWhileMoving, type ReactionsPace } from './reactions-pace.js';

/**
 * Read models further behind the mark than this are catching up from far (their first start after an upgrade, a
 * reset checkpoint): the run does not wait minutes for them. A paced run keeps them a few hundred events behind.
 * Positions whose ordinal is not an event count (EventStoreDB's log offsets) count as far, so there the run is not
 * paced on the read models.
 */
const FAR_BEHIND = 10_000;

/**
 * The reactions' pace, then the read models': a window run also waits for the order overview to reach the log as
 * it was two pages earlier, so a long backfill shows its orders on the dashboard as it goes rather than all at the
 * end (where the projection shares the engine's thread, as on PostgreSQL, it otherwise fell further behind with every
 * page). Only projections running here and following the log's head are waited for — not one superseded by another
 * engine process, failed, stopped, or catching up from far — and those that stop moving hold a run back one second at
 * most.
 */
export function withReadModels(reactions: ReactionsPace, readModels: ReadModelRunner): ReactionsPace {
  const live = (mark: GlobalPosition) => readModels.status().filter((p) => moves(p) && near(p, mark));
  const scanned = (projections: ProjectionStatus[]) => projections.reduce((sum, p) => sum + p.eventsScanned, 0);
  return {
    mark: () => reactions.mark(),
    async keepUpWith(mark, signal) {
      await reactions.keepUpWith(mark, signal);
      await waitWhileMoving(
        async () => {
          const names = live(mark).map((p) => p.name);
          if (names.length > 0)
            await readModels.waitUntilCaughtUp(mark, { timeoutMs: PACE_STALL_MS, projections: names });
        },
        () => scanned(live(mark)),
        signal,
      );
    },
  };
}

function moves(projection: ProjectionStatus): boolean {
  return projection.state === 'running' || projection.state === 'rebuilding';
}

function near(projection: ProjectionStatus, mark: GlobalPosition): boolean {
  const at = positionOrdinal(projection.position);
  const target = positionOrdinal(mark);
  return at !== null && target !== null && target - at <= FAR_BEHIND;
}
