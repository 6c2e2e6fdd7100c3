import { Inject, Injectable, type Type } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { SQL_DATABASE, type SqlDatabase } from '../../database/sql-database.port.js';
import type { GlobalPosition } from '../../event-store/event-store.port.js';
import { HttpProblem } from '../../http/http-problem.js';
import {
  WaitingReactionsReader,
  type OrderWaitingActionRequest,
} from '../../interfaces/catalogue/waiting-reactions.js';
import { OrderAudit } from '../audit/order-audit.js';
import { OverviewDriftCheck } from '../audit/overview-drift-check.js';
import { ProjectionMaintenance } from '../audit/projection-maintenance.js';
import { orderStreamName, type OrderKey } from '../domain/order-key.js';
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

  private readonly waiting: WaitingReactionsReader;

  constructor(
    private readonly moduleRef: ModuleRef,
    @Inject(SQL_DATABASE) db: SqlDatabase,
  ) {
    this.waiting = new WaitingReactionsReader(db);
  }

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

  /**
   * The shop changes of the order whose Lengow action waits to be requested (the reactions' table, not a projection:
   * nothing recorded on the order says it waits), so its own page shows what `GET /api/reactions` lists.
   */
  waitingActionRequests(key: OrderKey, now = new Date()): Promise<OrderWaitingActionRequest[]> {
    return this.waiting.actionRequestsOf(orderStreamName(key), now);
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
