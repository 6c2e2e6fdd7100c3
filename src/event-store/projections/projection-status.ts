import type { GlobalPosition } from '../event-store.port.js';
import type { ProjectionState } from './projection-slot.js';
import type { RebuildProgress } from './rebuild-progress.js';

export interface ProjectionStatus {
  name: string;
  /** Version of the projection code. */
  version: number;
  /** Version that built the live tables; differs from `version` while an upgrade rebuild runs. */
  liveVersion: number;
  state: ProjectionState;
  /** Last event scanned into the live tables. */
  position: GlobalPosition | null;
  /** The last read found the end of the log and nothing newer has been seen since. */
  caughtUp: boolean;
  /** Estimated events behind the newest position seen; null when positions carry no sequence number. */
  lag: number | null;
  /** Events scanned by the live loop since start. */
  eventsScanned: number;
  lastError: string | null;
  failedPosition: GlobalPosition | null;
  rebuild: RebuildProgress | null;
}
