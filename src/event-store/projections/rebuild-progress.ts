import type { GlobalPosition } from '../event-store.port.js';

export type RebuildPhase = 'building' | 'switching' | 'done';

/** What a progress bar needs: `processed` of `target` events (target is an estimate, null when unknown). */
export interface RebuildProgress {
  projection: string;
  /** Version being built. */
  version: number;
  phase: RebuildPhase;
  /** Events scanned by the rebuild so far (including those the projection does not handle). */
  processed: number;
  /** Estimated events to scan to reach `targetPosition`; never below `processed`; moves while appends continue. */
  target: number | null;
  position: GlobalPosition | null;
  targetPosition: GlobalPosition | null;
}

export interface RebuildResult {
  projection: string;
  version: number;
  generation: number;
  /** Checkpoint of the new live tables at the switch. */
  position: GlobalPosition | null;
  processed: number;
}
