import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { LOGGER } from '../../app.tokens.js';
import { classifyAction, type LengowAction } from '../../lengow/lengow-action.js';
import { LENGOW_API, type LengowApi } from '../../lengow/lengow-api.port.js';
import type { Logger } from '../../logging/logger.js';
import { AsyncMutex } from '../../database/async-mutex.js';
import type { CommandMetadata } from '../commands/command-metadata.js';
import { ExecuteOrderCommand } from '../commands/execute-order-command.js';
import { deterministicId } from '../commands/order-event-ids.js';
import { OrderStreamReader } from '../commands/order-stream-reader.js';
import type { ActionScope } from '../domain/action-events.js';
import {
  ACTION_TIMEOUT_SECONDS,
  actionTargetReached,
  findAttempt,
  isActionTooOld,
} from '../domain/action-lifecycle.js';
import type { ActionOutcome } from '../domain/order-commands.js';
import type { ActionType } from '../domain/marketplace-definition.js';
import { lengowStatusOf } from '../domain/lengow-status.js';
import type { OrderKey } from '../domain/order-key.js';
import { ActionContextLoader } from './action-context.js';
import { describeFailure } from './describe-failure.js';
import { FollowUpIndex, type OpenAttemptRow } from './follow-up-index.js';
import { PostLengowAction } from './post-lengow-action.js';
import { ORDERS_REACTIONS_OPTIONS, type OrdersReactionsOptions } from './reactions-options.js';

/** Lengow's clock may lag ours: actions are listed from this long before the oldest open one was sent. */
const SECURITY_WINDOW_MS = 2 * 3600_000;
/** A requested attempt nobody posted for this long (its saga event parked, a crash) is posted by the poller. */
export const STUCK_REQUEST_MS = 10 * 60_000;

export interface ActionResultsReport {
  /** Attempts (re)posted: transient failures due again, requests left unposted. */
  resent: number;
  accepted: number;
  refused: number;
  timedOut: number;
  waiting: number;
  /** Attempts whose check or recording failed this time (retried next poll). */
  errors: number;
}

/**
 * Reads the outcome of the actions Lengow accepted (lengow-api.md §5 result semantics), like the plugins' result
 * polling: one listing of the actions updated since the oldest open one was sent, matched by id. Accepted or refused →
 * recorded; still waiting after 3 days → the order itself is read first (§13 #9) and the action counts as accepted if
 * the marketplace already shows its effect, else it timed out ("order action is too old"). It also re-posts attempts
 * whose transient send failure is due again. Never re-posts a refused or timed-out action: that is the operator's call.
 */
@Injectable()
export class ActionResultsPoller {
  private readonly mutex = new AsyncMutex();

  constructor(
    private readonly commandBus: CommandBus,
    private readonly index: FollowUpIndex,
    private readonly context: ActionContextLoader,
    private readonly orders: OrderStreamReader,
    @Inject(LENGOW_API) private readonly lengow: LengowApi,
    @Inject(ORDERS_REACTIONS_OPTIONS) private readonly options: OrdersReactionsOptions,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** One poll now; concurrent calls run one after the other. */
  pollNow(): Promise<ActionResultsReport> {
    return this.mutex.runExclusive(() => this.poll());
  }

  private async poll(): Promise<ActionResultsReport> {
    const report: ActionResultsReport = { resent: 0, accepted: 0, refused: 0, timedOut: 0, waiting: 0, errors: 0 };
    const rows = await this.index.openAttempts();
    const nowMs = this.options.clock().getTime();

    for (const row of rows.filter((candidate) => candidate.status === 'requested')) {
      const due = row.nextSendAt !== null && Date.parse(row.nextSendAt) <= nowMs;
      const stuck = row.nextSendAt === null && Date.parse(row.requestedAt) <= nowMs - STUCK_REQUEST_MS;
      if (!due && !stuck) continue;
      try {
        const metadata = this.metadata(row, `post:${row.nextSendAt ?? 'unposted'}`);
        const outcome = await this.commandBus.execute(new PostLengowAction(row.stream, row.attemptKey, metadata));
        if (outcome.kind !== 'skipped') report.resent++;
      } catch (error) {
        report.errors++;
        this.logger.warn({ attemptKey: row.attemptKey, err: describeFailure(error) }, 'action re-post failed');
      }
    }

    const sent = rows.filter((row) => row.status === 'sent' && row.lengowActionId !== null && row.sentAt !== null);
    if (sent.length === 0) return report;
    const results = await this.listResults(sent, nowMs);
    for (const row of sent) {
      try {
        const outcome = await this.outcomeOf(row, results.get(row.lengowActionId!) ?? null, nowMs);
        if (outcome === null) {
          report.waiting++;
          continue;
        }
        await this.record(row, outcome);
        if (outcome.kind === 'accepted') report.accepted++;
        else if (outcome.kind === 'refused') report.refused++;
        else report.timedOut++;
      } catch (error) {
        report.errors++;
        this.logger.warn({ attemptKey: row.attemptKey, err: describeFailure(error) }, 'action result not recorded');
      }
    }
    return report;
  }

  private async listResults(sent: readonly OpenAttemptRow[], nowMs: number): Promise<Map<string, LengowAction>> {
    const oldest = Math.min(...sent.map((row) => Date.parse(row.sentAt!)));
    const from = Math.max(oldest - SECURITY_WINDOW_MS, nowMs - ACTION_TIMEOUT_SECONDS * 1000 - SECURITY_WINDOW_MS);
    const wanted = new Set(sent.map((row) => row.lengowActionId!));
    const found = new Map<string, LengowAction>();
    for await (const page of this.lengow.listActions({ updatedFrom: new Date(from) })) {
      for (const action of page.actions) if (wanted.has(String(action.id))) found.set(String(action.id), action);
    }
    return found;
  }

  /** Null while the action is still on its way. */
  private async outcomeOf(
    row: OpenAttemptRow,
    action: LengowAction | null,
    nowMs: number,
  ): Promise<Exclude<ActionOutcome, { kind: 'send_failed' }> | null> {
    if (action) {
      const result = classifyAction(action);
      if (result.state === 'accepted') return { kind: 'accepted' };
      if (result.state === 'refused') return { kind: 'refused', errors: result.errors };
    }
    if (!isActionTooOld(row.sentAt!, nowMs)) return null;
    const { state } = await this.orders.loadStream(row.stream);
    if (!state.orderKey) return null;
    const scope = findAttempt(state, row.attemptKey)?.request.scope.kind ?? 'order';
    return (await this.marketplaceShowsEffect(state.orderKey, row.actionType as ActionType, scope))
      ? { kind: 'accepted' }
      : { kind: 'timed_out' };
  }

  /**
   * The order as Lengow has it now: already shipped (canceled, refunded; partially refunded for a refund of some lines)
   * means the action did its job.
   */
  private async marketplaceShowsEffect(
    orderKey: OrderKey,
    actionType: ActionType,
    scope: ActionScope['kind'],
  ): Promise<boolean> {
    for await (const page of this.lengow.listOrders({
      marketplace: orderKey.marketplace,
      marketplaceOrderId: orderKey.marketplaceOrderId,
    })) {
      for (const parsed of page.orders) {
        if (!parsed.ok) continue;
        const { definition } = await this.context.load(orderKey.marketplace);
        const status =
          lengowStatusOf(definition.statusTable, parsed.order.marketplaceStatus) ?? parsed.order.lengowStatus ?? null;
        return actionTargetReached(actionType, status, scope);
      }
      break;
    }
    return false;
  }

  private async record(row: OpenAttemptRow, outcome: Exclude<ActionOutcome, { kind: 'send_failed' }>): Promise<void> {
    const { state } = await this.orders.loadStream(row.stream);
    if (!state.orderKey) return;
    await this.commandBus.execute(
      new ExecuteOrderCommand(
        {
          type: 'RecordActionOutcome',
          data: {
            orderKey: state.orderKey,
            attemptKey: row.attemptKey,
            outcome,
            now: this.options.clock().toISOString(),
          },
        },
        this.metadata(row, `result:${outcome.kind}`),
      ),
    );
  }

  private metadata(row: OpenAttemptRow, step: string): CommandMetadata {
    const commandId = deterministicId(`action-results:${row.attemptKey}:${step}`);
    return { commandId, correlationId: row.correlationId ?? commandId, causationId: commandId, actor: 'system' };
  }
}
