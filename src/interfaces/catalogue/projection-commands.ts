import { Command } from '@nestjs/cqrs';
import type { RebuildResult } from '../../event-store/projections/rebuild-progress.js';
import type { DriftReport } from '../../orders/audit/overview-drift-check.js';
import type { CommandMetadata } from '../../orders/commands/command-metadata.js';

/**
 * Maintenance of the order read models as CommandBus commands, so HTTP, NATS and the CLI reach them through the
 * catalogue like every other command. The read module offers them as methods (ProjectionMaintenance,
 * OverviewDriftCheck); these commands are the door-facing wrapper.
 */
abstract class ProjectionCommand<Payload, Result> extends Command<Result> {
  constructor(
    readonly payload: Payload,
    readonly metadata: CommandMetadata,
  ) {
    super();
  }
}

export interface ProjectionNamePayload {
  readonly projection: string;
}

export interface VerifyProjectionPayload extends ProjectionNamePayload {
  /** Differences kept in the report (default 100). */
  readonly maxDifferences?: number;
  /** Also scan the log for orders without a row (reads every order event once; default true). */
  readonly missingRows?: boolean;
}

export interface ResumeResult {
  readonly projection: string;
  readonly state: string;
}

/** Rebuilds the tables from the first event beside the live ones, then switches over (blue-green). */
export class RebuildProjection extends ProjectionCommand<ProjectionNamePayload, RebuildResult> {}
/** Compares every overview row with a fresh fold of its stream and reports what differs. */
export class VerifyProjection extends ProjectionCommand<VerifyProjectionPayload, DriftReport> {}
/** Restarts a projection stopped on a poison event, once the cause is fixed. */
export class ResumeProjection extends ProjectionCommand<ProjectionNamePayload, ResumeResult> {}

/** No projection of that name runs in this engine (HTTP 404). */
export class UnknownProjection extends Error {
  readonly code = 'UNKNOWN_PROJECTION';
  constructor(
    readonly projection: string,
    known: readonly string[],
  ) {
    super(`no projection ${projection} runs here (known: ${known.join(', ') || 'none'})`);
    this.name = 'UnknownProjection';
  }
}

/** The projection cannot do that now: it is rebuilding already, or not running (HTTP 409). */
export class ProjectionBusy extends Error {
  readonly code = 'PROJECTION_BUSY';
  constructor(
    readonly projection: string,
    reason: string,
  ) {
    super(`projection ${projection} ${reason}`);
    this.name = 'ProjectionBusy';
  }
}
