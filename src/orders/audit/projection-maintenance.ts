import type { ReadModelRunner } from '../../event-store/projections/read-model-runner.js';
import type { ProjectionStatus } from '../../event-store/projections/projection-status.js';
import type { RebuildProgress, RebuildResult } from '../../event-store/projections/rebuild-progress.js';
import { ORDER_OVERVIEW_PROJECTION } from '../projections/overview-projection.js';

/**
 * Operator actions on the read models. A rebuild replays every event from position zero into a new generation of
 * tables while the live one keeps serving and updating, then switches the views in one transaction (the runner's
 * blue-green rebuild); readers never see a half-built table.
 */
export class ProjectionMaintenance {
  constructor(private readonly runner: ReadModelRunner) {}

  rebuild(
    name: string = ORDER_OVERVIEW_PROJECTION,
    onProgress?: (progress: RebuildProgress) => void,
  ): Promise<RebuildResult> {
    return this.runner.rebuild(name, { onProgress });
  }

  /** Position, lag, state and any rebuild in progress, per projection. */
  status(): ProjectionStatus[] {
    return this.runner.status();
  }

  /** Restarts a projection stopped on a poison event (after the cause was fixed). */
  resume(name: string = ORDER_OVERVIEW_PROJECTION): Promise<void> {
    return this.runner.resume(name);
  }
}
