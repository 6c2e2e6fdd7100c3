import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { LOGGER } from '../../app.tokens.js';
import { AsyncMutex } from '../../database/async-mutex.js';
import { SQL_DATABASE, type SqlDatabase } from '../../database/sql-database.port.js';
import type { Logger } from '../../logging/logger.js';
import type { CommandMetadata } from '../commands/command-metadata.js';
import type { Actor } from '../domain/event-metadata.js';
import type { ActionType } from '../domain/marketplace-definition.js';
import { describeFailure } from './describe-failure.js';
import { ORDERS_REACTIONS_OPTIONS, type OrdersReactionsOptions } from './reactions-options.js';
import { ensureReactionsSchema } from './reactions-schema.js';
import { RequestLengowAction } from './request-lengow-action.js';

/** Backoff between tries of a deferred request: 30 s, doubling, at most 30 min, and never given up. */
export const DEFERRED_REQUEST_FIRST_DELAY_MS = 30_000;
export const DEFERRED_REQUEST_MAX_DELAY_MS = 30 * 60_000;
const SWEEP_LIMIT = 100;
const BY_KEY = 'WHERE stream = $1 AND action_type = $2 AND change_id = $3';

export interface DeferredActionRequest {
  readonly stream: string;
  readonly actionType: ActionType;
  readonly changeId: string;
  /** The first request's metadata: every try is that same command again, so it appends at most once. */
  readonly metadata: CommandMetadata;
  readonly attempts: number;
  /** Why the last try could not request the action (never the error's own fields: they may hold secrets). */
  readonly reason: string;
  readonly firstDeferredAt: string;
  readonly nextAttemptAt: string;
}

/** A row of `deferred_action_requests` as either dialect returns it. */
export interface DeferredActionRequestRow {
  stream: string;
  action_type: string;
  change_id: string;
  command_id: string;
  correlation_id: string | null;
  causation_id: string | null;
  actor: string;
  attempts: number | string;
  reason: string;
  first_deferred_at: string;
  next_attempt_at: string;
}

export function deferredRequestDelayMs(attempts: number): number {
  return Math.min(DEFERRED_REQUEST_MAX_DELAY_MS, DEFERRED_REQUEST_FIRST_DELAY_MS * 2 ** Math.max(0, attempts - 1));
}

/**
 * Shop changes recorded on their order whose Lengow action could not be requested yet, because what the request is
 * built from could not be read (the marketplace definition, the carrier mapping). Nothing was recorded for them, so
 * left to the saga's few quick retries such a change ends parked once Lengow is out for more than seconds, and nothing
 * re-drives a parked saga event: no action, no failure, the order showing nothing to send. Kept here instead, the
 * request is asked again with backoff until it goes through (ActionRequestRetrySweeper), however long the outage.
 */
@Injectable()
export class DeferredActionRequests {
  constructor(
    @Inject(SQL_DATABASE) private readonly db: SqlDatabase,
    @Inject(ORDERS_REACTIONS_OPTIONS) private readonly options: OrdersReactionsOptions,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Records (or counts one more) failed try of the request; it is due again after the backoff. */
  async defer(command: RequestLengowAction, error: unknown): Promise<DeferredActionRequest> {
    await ensureReactionsSchema(this.db);
    const now = this.options.clock();
    const reason = describeFailure(error);
    const key = [command.stream, command.actionType, command.changeId];
    const deferred = await this.db.transaction(async (tx) => {
      const [known] = await tx.query<DeferredActionRequestRow>(`SELECT * FROM deferred_action_requests ${BY_KEY}`, key);
      const attempts = known ? Number(known.attempts) + 1 : 1;
      const request: DeferredActionRequest = {
        stream: command.stream,
        actionType: command.actionType,
        changeId: command.changeId,
        metadata: known ? toDeferred(known).metadata : command.metadata,
        attempts,
        reason,
        firstDeferredAt: known?.first_deferred_at ?? now.toISOString(),
        nextAttemptAt: new Date(now.getTime() + deferredRequestDelayMs(attempts)).toISOString(),
      };
      const { metadata } = request;
      await tx.execute(
        `INSERT INTO deferred_action_requests (stream, action_type, change_id, command_id, correlation_id,
           causation_id, actor, attempts, reason, first_deferred_at, next_attempt_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (stream, action_type, change_id) DO UPDATE SET attempts = excluded.attempts,
           reason = excluded.reason, next_attempt_at = excluded.next_attempt_at`,
        [
          ...key,
          metadata.commandId,
          metadata.correlationId ?? null,
          metadata.causationId ?? null,
          metadata.actor,
          attempts,
          reason,
          request.firstDeferredAt,
          request.nextAttemptAt,
        ],
      );
      return request;
    });
    this.logger.warn(
      {
        stream: command.stream,
        actionType: command.actionType,
        changeId: command.changeId,
        attempts: deferred.attempts,
        nextAttemptAt: deferred.nextAttemptAt,
        err: reason,
      },
      'lengow action request deferred',
    );
    return deferred;
  }

  /** Every request waiting for another try, oldest first: what an operator looks at during an outage. */
  async list(): Promise<DeferredActionRequest[]> {
    await ensureReactionsSchema(this.db);
    return this.rows('ORDER BY first_deferred_at, stream, action_type, change_id', []);
  }

  /** Requests whose next try is due at `now`, the longest waiting first. */
  async due(now: Date, limit = SWEEP_LIMIT): Promise<DeferredActionRequest[]> {
    await ensureReactionsSchema(this.db);
    return this.rows('WHERE next_attempt_at <= $1 ORDER BY next_attempt_at, stream, change_id LIMIT $2', [
      now.toISOString(),
      limit,
    ]);
  }

  async remove(request: Pick<DeferredActionRequest, 'stream' | 'actionType' | 'changeId'>): Promise<void> {
    await ensureReactionsSchema(this.db);
    await this.db.execute(`DELETE FROM deferred_action_requests ${BY_KEY}`, [
      request.stream,
      request.actionType,
      request.changeId,
    ]);
  }

  private async rows(where: string, params: (string | number)[]): Promise<DeferredActionRequest[]> {
    const rows = await this.db.query<DeferredActionRequestRow>(
      `SELECT * FROM deferred_action_requests ${where}`,
      params,
    );
    return rows.map(toDeferred);
  }
}

function toDeferred(row: DeferredActionRequestRow): DeferredActionRequest {
  return {
    stream: row.stream,
    actionType: row.action_type as ActionType,
    changeId: row.change_id,
    metadata: {
      commandId: row.command_id,
      ...(row.correlation_id !== null ? { correlationId: row.correlation_id } : {}),
      ...(row.causation_id !== null ? { causationId: row.causation_id } : {}),
      actor: row.actor as Actor,
    },
    attempts: Number(row.attempts),
    reason: row.reason,
    firstDeferredAt: row.first_deferred_at,
    nextAttemptAt: row.next_attempt_at,
  };
}

export interface ActionRequestRetryReport {
  /** Deferred requests that went through this time (recorded, or nothing to report): no longer waiting. */
  requested: number;
  /** Tried and deferred again (what they need still cannot be read): the sweep stopped there. */
  deferred: number;
  /** Tried and refused or failed otherwise: kept, due again after the backoff. */
  errors: number;
}

/**
 * Asks again for the deferred action requests that are due, as the shop-changes saga asked the first time. The first
 * one deferred again ends the sweep: what it lacks (Lengow, most often) is what the others lack too, and each try
 * costs the connector's own retries; the rest stay due for the next sweep, behind nothing, as the deferred one moved
 * back by its backoff.
 */
@Injectable()
export class ActionRequestRetrySweeper {
  private readonly mutex = new AsyncMutex();

  constructor(
    private readonly commandBus: CommandBus,
    private readonly requests: DeferredActionRequests,
    @Inject(ORDERS_REACTIONS_OPTIONS) private readonly options: OrdersReactionsOptions,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  sweepNow(): Promise<ActionRequestRetryReport> {
    return this.mutex.runExclusive(async () => {
      const report: ActionRequestRetryReport = { requested: 0, deferred: 0, errors: 0 };
      for (const request of await this.requests.due(this.options.clock())) {
        const command = new RequestLengowAction(request.stream, request.actionType, request.changeId, request.metadata);
        let outcome;
        try {
          outcome = await this.commandBus.execute(command);
        } catch (error) {
          // A refusal here would have parked the saga's event; kept instead, the operator finds it with its reason.
          report.errors++;
          await this.requests.defer(command, error);
          continue;
        }
        if (outcome.kind === 'deferred') {
          report.deferred++;
          break;
        }
        await this.requests.remove(request);
        report.requested++;
        this.logger.info(
          { stream: request.stream, actionType: request.actionType, changeId: request.changeId, outcome: outcome.kind },
          'deferred lengow action request went through',
        );
      }
      return report;
    });
  }
}
