import type { GlobalPosition } from '../../../event-store/event-store.port.js';
import { CheckpointConflictError } from '../../../event-store/projections/checkpoint-conflict.error.js';
import { ProjectionBatchError } from '../../../event-store/projections/projection-batch.error.js';
import { ProjectionFailedError } from '../../../event-store/projections/projection-failed.error.js';
import { ProjectionHandlerError } from '../../../event-store/projections/projection-handler.error.js';
import type { ProjectionStatus } from '../../../event-store/projections/projection-status.js';
import type { RebuildProgress } from '../../../event-store/projections/rebuild-progress.js';
import { StoppedError } from '../../../event-store/projections/stopped.error.js';

/** What the worker is started with (`workerData`): plain values, since nothing else crosses a thread. */
export interface OverviewWorkerData {
  /** The SQLite file holding the event log (read only by the worker). */
  eventStorePath: string;
  /** The SQLite file the worker writes the order read models to. */
  readModelsPath: string;
  batchSize?: number;
  pollIntervalMs?: number;
  /** The engine logger's level: the worker's lines are sent back and logged by the engine's logger. */
  logLevel: string;
  /** Nice levels the thread runs below the engine's thread (Linux; see OverviewWorkerRunner). 0: the same priority. */
  niceness?: number;
}

/** Requests from the engine; each `id` gets exactly one `reply`. */
export type ToOverviewWorker =
  | { type: 'start'; id: number }
  | { type: 'stop'; id: number }
  | {
      type: 'wait';
      id: number;
      position: GlobalPosition | null | undefined;
      projections: readonly string[] | undefined;
      timeoutMs: number | undefined;
    }
  | { type: 'rebuild'; id: number; name: string }
  | { type: 'resume'; id: number; name: string }
  | { type: 'wake' };

/** An error as it crosses the thread: its class name and own fields, so the engine rebuilds the same shape. */
export interface WorkerError {
  name: string;
  message: string;
  fields: Record<string, unknown>;
}

export type FromOverviewWorker =
  | { type: 'reply'; id: number; ok: true; value: unknown; statuses: ProjectionStatus[] }
  | { type: 'reply'; id: number; ok: false; error: WorkerError; statuses: ProjectionStatus[] }
  | { type: 'status'; statuses: ProjectionStatus[] }
  | { type: 'rebuild-progress'; id: number; progress: RebuildProgress }
  | { type: 'log'; line: string };

export function toWorkerError(error: unknown): WorkerError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error), fields: {} };
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(error)) {
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) fields[key] = value;
  }
  return { name: error.name, message: error.message, fields };
}

/**
 * The runner's error classes, by name: callers tell them apart with `instanceof` (a stopped runner from a failed
 * projection…), as they do with the runner on the engine's thread, so the class must survive the crossing.
 */
const KNOWN_ERRORS: ReadonlyMap<string, { readonly prototype: Error }> = new Map<string, { readonly prototype: Error }>(
  [CheckpointConflictError, ProjectionBatchError, ProjectionFailedError, ProjectionHandlerError, StoppedError].map(
    (type) => [type.name, type],
  ),
);

/**
 * The same message, name and fields (e.g. ProjectionFailedError's projection and failedPosition) on this side, as an
 * instance of the same class when it is one of the runner's. Fields that are objects (a handler error's event and
 * cause) do not cross.
 */
export function fromWorkerError(error: WorkerError): Error {
  const rebuilt = new Error(error.message);
  const known = KNOWN_ERRORS.get(error.name);
  if (known) Object.setPrototypeOf(rebuilt, known.prototype);
  Object.assign(rebuilt, error.fields);
  rebuilt.name = error.name;
  return rebuilt;
}
