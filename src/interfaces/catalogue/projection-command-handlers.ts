import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ModuleRef } from '@nestjs/core';
import type { RebuildResult } from '../../event-store/projections/rebuild-progress.js';
import type { ProjectionStatus } from '../../event-store/projections/projection-status.js';
import { OverviewDriftCheck, type DriftReport } from '../../orders/audit/overview-drift-check.js';
import { ProjectionMaintenance } from '../../orders/audit/projection-maintenance.js';
import { ORDER_OVERVIEW_PROJECTION } from '../../orders/projections/overview-projection.js';
import {
  ProjectionBusy,
  RebuildProjection,
  ResumeProjection,
  UnknownProjection,
  VerifyProjection,
  type ResumeResult,
} from './projection-commands.js';

/** The read module's services, found in the app when a command first needs them (never a second runner). */
function maintenanceOf(moduleRef: ModuleRef): ProjectionMaintenance {
  try {
    return moduleRef.get(ProjectionMaintenance, { strict: false });
  } catch {
    throw new UnknownProjection(ORDER_OVERVIEW_PROJECTION, []);
  }
}

function statusOf(maintenance: ProjectionMaintenance, name: string): ProjectionStatus {
  const all = maintenance.status();
  const status = all.find((s) => s.name === name);
  if (!status)
    throw new UnknownProjection(
      name,
      all.map((s) => s.name),
    );
  return status;
}

@CommandHandler(RebuildProjection)
export class RebuildProjectionHandler implements ICommandHandler<RebuildProjection, RebuildResult> {
  /**
   * Rebuilds this handler started and that have not ended. The status alone cannot tell: it shows a rebuild only once
   * the runner began it (later still when the runner is on its worker thread), so two requests arriving together would
   * both pass it and the second would fail in the runner with an untyped error.
   */
  private readonly rebuilding = new Set<string>();

  constructor(private readonly moduleRef: ModuleRef) {}

  async execute({ payload }: RebuildProjection): Promise<RebuildResult> {
    const maintenance = maintenanceOf(this.moduleRef);
    const status = statusOf(maintenance, payload.projection);
    if (this.rebuilding.has(payload.projection) || status.rebuild !== null || status.state === 'rebuilding') {
      throw new ProjectionBusy(payload.projection, 'is already rebuilding');
    }
    if (status.state !== 'running' && status.state !== 'failed') {
      throw new ProjectionBusy(payload.projection, `cannot rebuild while ${status.state}`);
    }
    this.rebuilding.add(payload.projection);
    try {
      return await maintenance.rebuild(payload.projection);
    } finally {
      this.rebuilding.delete(payload.projection);
    }
  }
}

@CommandHandler(ResumeProjection)
export class ResumeProjectionHandler implements ICommandHandler<ResumeProjection, ResumeResult> {
  constructor(private readonly moduleRef: ModuleRef) {}

  async execute({ payload }: ResumeProjection): Promise<ResumeResult> {
    const maintenance = maintenanceOf(this.moduleRef);
    statusOf(maintenance, payload.projection);
    await maintenance.resume(payload.projection);
    return { projection: payload.projection, state: statusOf(maintenance, payload.projection).state };
  }
}

@CommandHandler(VerifyProjection)
export class VerifyProjectionHandler implements ICommandHandler<VerifyProjection, DriftReport> {
  constructor(private readonly moduleRef: ModuleRef) {}

  async execute({ payload }: VerifyProjection): Promise<DriftReport> {
    statusOf(maintenanceOf(this.moduleRef), payload.projection);
    // Only the overview has a drift check; another read model would bring its own.
    if (payload.projection !== ORDER_OVERVIEW_PROJECTION) {
      throw new UnknownProjection(payload.projection, [ORDER_OVERVIEW_PROJECTION]);
    }
    const check = this.moduleRef.get(OverviewDriftCheck, { strict: false });
    return check.run({ maxDifferences: payload.maxDifferences ?? 100, missingRows: payload.missingRows });
  }
}

export const PROJECTION_COMMAND_HANDLERS = [RebuildProjectionHandler, ResumeProjectionHandler, VerifyProjectionHandler];
