import { Injectable, type Type } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { GlobalPosition } from '../../event-store/event-store.port.js';
import { HttpProblem } from '../../http/http-problem.js';
import { OrderAudit } from '../audit/order-audit.js';
import { OverviewDriftCheck } from '../audit/overview-drift-check.js';
import { ProjectionMaintenance } from '../audit/projection-maintenance.js';
import { OrderTimeline } from '../projections/order-timeline.js';
import { ORDER_OVERVIEW_PROJECTION } from '../projections/overview-projection.js';
import { OverviewQueries } from '../projections/overview-queries.js';

/**
 * The order read side as the HTTP layer reaches it: found in the app (OrdersReadModule) when first used, not
 * imported, so the API never starts a second projection runner next to the app's. Without the read module the order
 * queries answer 503 instead of failing the boot.
 */
@Injectable()
export class OrderReadSide {
  private readonly found = new Map<Type, unknown>();

  constructor(private readonly moduleRef: ModuleRef) {}

  get overview(): OverviewQueries {
    return this.resolve(OverviewQueries);
  }
  get timeline(): OrderTimeline {
    return this.resolve(OrderTimeline);
  }
  get audit(): OrderAudit {
    return this.resolve(OrderAudit);
  }
  get maintenance(): ProjectionMaintenance {
    return this.resolve(ProjectionMaintenance);
  }
  get driftCheck(): OverviewDriftCheck {
    return this.resolve(OverviewDriftCheck);
  }

  /** The overview projection's checkpoint: what the list reflects; a good `from` for the SSE stream. */
  overviewPosition(): GlobalPosition | null {
    try {
      return this.maintenance.status().find((s) => s.name === ORDER_OVERVIEW_PROJECTION)?.position ?? null;
    } catch {
      return null;
    }
  }

  private resolve<T>(type: Type<T>): T {
    const cached = this.found.get(type);
    if (cached) return cached as T;
    let instance: T;
    try {
      instance = this.moduleRef.get(type, { strict: false });
    } catch {
      throw new HttpProblem(503, 'READ_SIDE_UNAVAILABLE', 'Service Unavailable', 'the order read side is not running');
    }
    this.found.set(type, instance);
    return instance;
  }
}
