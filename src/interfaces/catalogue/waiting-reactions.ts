import type { SqlExecutor } from '../../database/sql-database.port.js';
import { ParkedEvents, type ParkedEvent } from '../../event-store/consumers/parked-events.js';
import type { DeferredActionRequestRow } from '../../orders/integration/deferred-action-requests.js';
import { deferredRequestHint } from './deferred-request-hint.js';
import {
  parkedShopChangeOf,
  type ParkedShopChange,
  type ParkedShopChangeRow,
} from '../../orders/integration/shop-change-feed-poller.js';

/** The three places reactions wait for an operator or for another try, as the metric's `kind` label names them. */
export const WAITING_KINDS = ['parked_event', 'parked_shop_change', 'deferred_action_request'] as const;
export type WaitingKind = (typeof WAITING_KINDS)[number];

const TABLES: Record<WaitingKind, string> = {
  parked_event: 'parked_events',
  parked_shop_change: 'shop_feed_parked',
  deferred_action_request: 'deferred_action_requests',
};

export type WaitingCounts = Record<WaitingKind, number>;

/** A Lengow action request that could not be built yet; the engine asks again by itself after `nextAttemptAt`. */
export interface WaitingActionRequest {
  readonly stream: string;
  readonly actionType: string;
  readonly changeId: string;
  readonly attempts: number;
  readonly reason: string;
  readonly firstDeferredAt: string;
  readonly nextAttemptAt: string;
  readonly correlationId: string | null;
  readonly actor: string;
}

/** One of an order's deferred requests, as its own page shows it: with what the operator can do about it. */
export interface OrderWaitingActionRequest extends WaitingActionRequest {
  readonly hint: string;
}

export interface WaitingReactions {
  readonly counts: WaitingCounts;
  /** In log order; at most the list's limit, `counts.parked_event` says how many there are. */
  readonly parkedEvents: ParkedEvent[];
  /** Oldest change first. */
  readonly parkedShopChanges: ParkedShopChange[];
  /** Longest waiting first. */
  readonly deferredActionRequests: WaitingActionRequest[];
}

/** Rows listed per kind unless told otherwise: an outage can park thousands, and the counts still say how many. */
export const DEFAULT_WAITING_LIMIT = 200;

/**
 * Reads what the reactions left waiting straight from their tables in the read-model database, so the HTTP API, the
 * bus, the CLI (without an engine) and the metrics all see the same thing. Never creates a table: one that does not
 * exist yet (nothing ever parked or deferred on this database) simply has nothing waiting, and a scrape or a read by
 * a viewer should not change the schema.
 */
export class WaitingReactionsReader {
  constructor(private readonly db: SqlExecutor) {}

  async counts(): Promise<WaitingCounts> {
    const counts = { parked_event: 0, parked_shop_change: 0, deferred_action_request: 0 };
    for (const kind of WAITING_KINDS) {
      if (!(await this.exists(TABLES[kind]))) continue;
      const [row] = await this.db.query<{ n: number | string }>(`SELECT COUNT(*) AS n FROM ${TABLES[kind]}`);
      counts[kind] = Number(row?.n ?? 0);
    }
    return counts;
  }

  async list(limit = DEFAULT_WAITING_LIMIT): Promise<WaitingReactions> {
    const counts = await this.counts();
    const parkedEvents =
      counts.parked_event > 0 ? (await new ParkedEvents().list(this.db)).slice(0, limit) : ([] as ParkedEvent[]);
    const parkedShopChanges =
      counts.parked_shop_change > 0
        ? (
            await this.db.query<ParkedShopChangeRow>(`SELECT * FROM shop_feed_parked ORDER BY change_id LIMIT $1`, [
              limit,
            ])
          ).map(parkedShopChangeOf)
        : [];
    const deferredActionRequests =
      counts.deferred_action_request > 0
        ? (
            await this.db.query<DeferredActionRequestRow>(
              `SELECT * FROM deferred_action_requests
               ORDER BY first_deferred_at, stream, action_type, change_id LIMIT $1`,
              [limit],
            )
          ).map(toWaitingActionRequest)
        : [];
    return { counts, parkedEvents, parkedShopChanges, deferredActionRequests };
  }

  /**
   * The action requests one order stream waits on, longest waiting first: few per order (one per shop change at
   * most), found through the table's primary key, which starts with the stream.
   */
  async actionRequestsOf(stream: string, now: Date): Promise<OrderWaitingActionRequest[]> {
    if (!(await this.exists(TABLES.deferred_action_request))) return [];
    const rows = await this.db.query<DeferredActionRequestRow>(
      `SELECT * FROM deferred_action_requests WHERE stream = $1 ORDER BY first_deferred_at, action_type, change_id`,
      [stream],
    );
    return rows.map(toWaitingActionRequest).map((request) => ({ ...request, hint: deferredRequestHint(request, now) }));
  }

  private async exists(table: string): Promise<boolean> {
    const rows =
      this.db.dialect === 'postgres'
        ? await this.db.query(
            `SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1`,
            [table],
          )
        : await this.db.query(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = $1`, [table]);
    return rows.length > 0;
  }
}

function toWaitingActionRequest(row: DeferredActionRequestRow): WaitingActionRequest {
  return {
    stream: row.stream,
    actionType: row.action_type,
    changeId: row.change_id,
    attempts: Number(row.attempts),
    reason: row.reason,
    firstDeferredAt: row.first_deferred_at,
    nextAttemptAt: row.next_attempt_at,
    correlationId: row.correlation_id,
    actor: row.actor,
  };
}
