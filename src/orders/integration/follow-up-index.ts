import type { SqlDatabase } from '../../database/sql-database.port.js';
import type { ConsumerHandler } from '../../event-store/consumers/consumer-handler.js';
import type { RecordedEvent } from '../../event-store/event-store.port.js';
import type { FoldedOrder, OrderStreamReader } from '../commands/order-stream-reader.js';
import type { OrderEventType } from '../domain/order-events.js';
import { ensureReactionsSchema } from './reactions-schema.js';

export interface OpenAttemptRow {
  attemptKey: string;
  stream: string;
  actionType: string;
  status: 'requested' | 'sent';
  lengowActionId: string | null;
  requestedAt: string;
  sentAt: string | null;
  nextSendAt: string | null;
  correlationId: string | null;
}

export interface ImportRetryRow {
  stream: string;
  marketplace: string;
  marketplaceOrderId: string;
  attempt: number;
  nextAttemptAt: string;
  correlationId: string | null;
}

/** Events after which a stream's open attempts or import retry may have changed. */
const WATCHED: readonly OrderEventType[] = [
  'OrderImportPlanned',
  'OrderImportFailed',
  'OrderImportIgnored',
  'OrderImported',
  'OrderReimported',
  'LengowStatusChanged',
  'ActionRequested',
  'ActionSent',
  'ActionSendFailed',
  'ActionConfirmed',
  'ActionRejected',
  'ActionTimedOut',
];

interface AttemptRowDb {
  attempt_key: string;
  stream: string;
  action_type: string;
  status: 'requested' | 'sent';
  lengow_action_id: string | null;
  requested_at: string;
  sent_at: string | null;
  next_send_at: string | null;
  correlation_id: string | null;
}

interface RetryRowDb {
  stream: string;
  marketplace: string;
  marketplace_order_id: string;
  attempt: number | string;
  next_attempt_at: string;
  correlation_id: string | null;
}

/**
 * What the pollers need to find without reading every stream: the action attempts still open (requested or sent) and
 * the orders whose import failed transiently. Each relevant event re-derives its stream's rows from the folded stream
 * (delete, then insert what is open now), so a redelivered or out-of-date event can only write the current truth.
 */
export class FollowUpIndex {
  constructor(
    private readonly orders: OrderStreamReader,
    private readonly db: SqlDatabase,
  ) {}

  /** The checkpointed consumer that keeps the index in step with the log. */
  consumer(): ConsumerHandler {
    return {
      name: 'orders-follow-up-index',
      filter: { streamPrefixes: ['order-'], eventTypes: [...WATCHED] },
      handle: async (event: RecordedEvent) => {
        const before = this.orders.cachedAt(event.stream, event.revision - 1);
        // The rows of the state at this event or later: a later watched event of the stream syncs it again in turn.
        const after = await this.orders.loadAt(event);
        const open = followUpOf(after);
        if (before && after.revision === event.revision && isClear(open) && isClear(followUpOf(before))) {
          // Nothing was open right before this event and nothing is now: an import, a stock decrement, most of an
          // order's life. Open-ness changes only at watched events, so the rows the last one wrote (at its state or a
          // later one) hold nothing older than that: there is nothing to delete, and the statements are spared.
          return;
        }
        await this.write(after.stream, open);
      },
    };
  }

  /** Replaces the stream's rows: delete, then insert what is open now. */
  private async write(stream: string, followUp: FollowUp): Promise<void> {
    await ensureReactionsSchema(this.db);
    const { attempts, retry } = followUp;
    if (isClear(followUp) && this.db.dialect === 'postgres') {
      // Most events leave nothing open (an import, a stock decrement): one statement, instead of a transaction's four
      // round trips, clears both tables at once.
      await this.db.execute(
        `WITH attempts AS (DELETE FROM open_action_attempts WHERE stream = $1)
         DELETE FROM import_retries WHERE stream = $1`,
        [stream],
      );
      return;
    }
    await this.db.transaction(async (tx) => {
      await tx.execute('DELETE FROM open_action_attempts WHERE stream = $1', [stream]);
      for (const row of attempts) {
        await tx.execute(
          `INSERT INTO open_action_attempts (attempt_key, stream, action_type, status, lengow_action_id, requested_at,
             sent_at, next_send_at, correlation_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
           ON CONFLICT (attempt_key) DO NOTHING`,
          [
            row.attemptKey,
            row.stream,
            row.actionType,
            row.status,
            row.lengowActionId,
            row.requestedAt,
            row.sentAt,
            row.nextSendAt,
            row.correlationId,
          ],
        );
      }
      await tx.execute('DELETE FROM import_retries WHERE stream = $1', [stream]);
      if (retry) {
        await tx.execute(
          `INSERT INTO import_retries (stream, marketplace, marketplace_order_id, attempt, next_attempt_at, correlation_id)
           VALUES ($1, $2, $3, $4, $5, $6)`,
          [
            retry.stream,
            retry.marketplace,
            retry.marketplaceOrderId,
            retry.attempt,
            retry.nextAttemptAt,
            retry.correlationId,
          ],
        );
      }
    });
  }

  async openAttempts(): Promise<OpenAttemptRow[]> {
    await ensureReactionsSchema(this.db);
    const rows = await this.db.query<AttemptRowDb>(
      'SELECT * FROM open_action_attempts ORDER BY requested_at, attempt_key',
    );
    return rows.map((row) => ({
      attemptKey: row.attempt_key,
      stream: row.stream,
      actionType: row.action_type,
      status: row.status,
      lengowActionId: row.lengow_action_id,
      requestedAt: row.requested_at,
      sentAt: row.sent_at,
      nextSendAt: row.next_send_at,
      correlationId: row.correlation_id,
    }));
  }

  /** Transient import failures whose next attempt is due at `now` (ISO 8601), oldest first. */
  async dueImportRetries(now: string, limit = 100): Promise<ImportRetryRow[]> {
    await ensureReactionsSchema(this.db);
    const rows = await this.db.query<RetryRowDb>(
      'SELECT * FROM import_retries WHERE next_attempt_at <= $1 ORDER BY next_attempt_at, stream LIMIT $2',
      [now, limit],
    );
    return rows.map((row) => ({
      stream: row.stream,
      marketplace: row.marketplace,
      marketplaceOrderId: row.marketplace_order_id,
      attempt: Number(row.attempt),
      nextAttemptAt: row.next_attempt_at,
      correlationId: row.correlation_id,
    }));
  }
}

/** What a stream has open for the pollers: its action attempts requested or sent, and a due transient import retry. */
interface FollowUp {
  attempts: OpenAttemptRow[];
  retry: ImportRetryRow | null;
}

function followUpOf({ stream, state, correlations }: FoldedOrder): FollowUp {
  const attempts: OpenAttemptRow[] = [];
  for (const request of state.actionRequests) {
    for (const actionTry of request.tries) {
      for (const attempt of actionTry.attempts) {
        if (attempt.status !== 'requested' && attempt.status !== 'sent') continue;
        attempts.push({
          attemptKey: attempt.attemptKey,
          stream,
          actionType: request.actionType,
          status: attempt.status,
          lengowActionId: attempt.lengowActionId,
          requestedAt: actionTry.at,
          sentAt: attempt.sentAt,
          nextSendAt: attempt.nextSendAt,
          correlationId: correlations.actionRequested.get(attempt.attemptKey) ?? null,
        });
      }
    }
  }
  const current = state.import;
  const retry: ImportRetryRow | null =
    state.orderKey &&
    state.pendingImport === null &&
    current.status === 'not_imported' &&
    current.kind === 'transient' &&
    !current.parked &&
    current.nextAttemptAt !== null
      ? {
          stream,
          marketplace: state.orderKey.marketplace,
          marketplaceOrderId: state.orderKey.marketplaceOrderId,
          attempt: current.attempt,
          nextAttemptAt: current.nextAttemptAt,
          correlationId: correlations.lastImportFailure,
        }
      : null;

  return { attempts, retry };
}

function isClear({ attempts, retry }: FollowUp): boolean {
  return attempts.length === 0 && retry === null;
}
