import { Inject, Optional } from '@nestjs/common';
import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { APP_CONFIG, LOGGER } from '../../app.tokens.js';
import type { AppConfig } from '../../config/app-config.js';
import { SQL_DATABASE, type SqlDatabase } from '../../database/sql-database.port.js';
import { LENGOW_API, type ActionRequest, type LengowApi, type SendActionResult } from '../../lengow/lengow-api.port.js';
import { LengowAuthError, LengowError } from '../../lengow/lengow-errors.js';
import type { Logger } from '../../logging/logger.js';
import type { OrderSettingsReader } from '../../settings/order-settings.port.js';
import { REACTIONS_SETTINGS } from './reactions-settings.js';
import { ExecuteOrderCommand } from '../commands/execute-order-command.js';
import { OrderStreamReader } from '../commands/order-stream-reader.js';
import { findAttempt } from '../domain/action-lifecycle.js';
import type { OrderState } from '../domain/order-state.js';
import { describeFailure } from './describe-failure.js';
import { KeyedMutex } from './keyed-mutex.js';
import { LengowActionPosts } from './lengow-action-posts.js';
import { PostLengowAction, type PostLengowActionOutcome } from './post-lengow-action.js';
import { followUpMetadata } from './reaction-metadata.js';
import { ORDERS_REACTIONS_OPTIONS, type OrdersReactionsOptions } from './reactions-options.js';

/**
 * One POST per attempt, never a blind second one. Before posting, the connector's duplicate guard adopts an identical
 * action still queued in Lengow; when this attempt was handed to Lengow before (a crash or a lost answer), identical
 * actions created since then are adopted too. The outcome is recorded on the stream: sent (posted or adopted, with
 * Lengow's id) or a send failure, transient (retried later by the result poller, with backoff) or permanent (stays
 * failed until the operator re-sends).
 */
@CommandHandler(PostLengowAction)
export class PostLengowActionHandler implements ICommandHandler<PostLengowAction, PostLengowActionOutcome> {
  private readonly locks = new KeyedMutex();
  private readonly posts: LengowActionPosts;

  constructor(
    private readonly commandBus: CommandBus,
    private readonly orders: OrderStreamReader,
    @Inject(SQL_DATABASE) db: SqlDatabase,
    @Inject(LENGOW_API) private readonly lengow: LengowApi,
    @Inject(REACTIONS_SETTINGS) private readonly settings: OrderSettingsReader,
    @Inject(ORDERS_REACTIONS_OPTIONS) private readonly options: OrdersReactionsOptions,
    @Inject(LOGGER) private readonly logger: Logger,
    @Optional() @Inject(APP_CONFIG) config?: AppConfig,
  ) {
    this.posts = new LengowActionPosts(db, config?.historyRetentionMs);
  }

  execute(command: PostLengowAction): Promise<PostLengowActionOutcome> {
    return this.locks.runExclusive(command.attemptKey, () => this.post(command));
  }

  private async post(command: PostLengowAction): Promise<PostLengowActionOutcome> {
    const { state } = await this.orders.loadStream(command.stream);
    const located = findAttempt(state, command.attemptKey);
    if (!state.orderKey || !located) throw new Error(`no action attempt ${command.attemptKey} in ${command.stream}`);
    const { attempt, request } = located;
    if (attempt.status !== 'requested') return { kind: 'skipped', reason: 'not_open' };
    const now = this.options.clock();
    if (attempt.nextSendAt !== null && now.getTime() < Date.parse(attempt.nextSendAt))
      return { kind: 'skipped', reason: 'not_due' };

    const actionRequest: ActionRequest = {
      marketplace: state.orderKey.marketplace,
      marketplaceOrderId: state.orderKey.marketplaceOrderId,
      actionType: request.actionType,
      line: attempt.line ?? undefined,
      // The domain lists `line` among the arguments it built; the connector sends it as its own field.
      args: Object.fromEntries(Object.entries(attempt.arguments).filter(([name]) => name !== 'line')),
    };
    const firstTry = await this.posts.firstTry(attempt.attemptKey);
    await this.posts.begin(attempt.attemptKey, now);
    let sent: { id: string; via: 'posted' | 'adopted' };
    try {
      sent = await this.send(state, attempt.attemptKey, actionRequest, firstTry);
    } catch (error) {
      if (!(error instanceof LengowError) && !(error instanceof SameActionStillQueued)) throw error;
      const message =
        error instanceof LengowAuthError
          ? `Lengow refused the engine's credentials (${describeFailure(error)}): the action is sent once they work again`
          : describeFailure(error);
      const code = error instanceof LengowError ? error.code : error.name;
      this.logger.warn({ attemptKey: attempt.attemptKey, code, err: message }, 'lengow action not sent');
      const { import: importSettings } = await this.settings.current();
      await this.commandBus.execute(
        new ExecuteOrderCommand(
          {
            type: 'RecordActionOutcome',
            data: {
              orderKey: state.orderKey,
              attemptKey: attempt.attemptKey,
              outcome: {
                kind: 'send_failed',
                transient: error.transient,
                blocked: error instanceof LengowAuthError,
                message,
                retryPolicy: importSettings.retryPolicy,
              },
              now: now.toISOString(),
            },
          },
          followUpMetadata(command.metadata, `send_failed:${attempt.sendFailures + 1}`),
        ),
      );
      // Tried again later, either way: the caller's `transient` means "the poller posts it again".
      return { kind: 'send_failed', transient: error.transient || error instanceof LengowAuthError, message };
    }
    await this.commandBus.execute(
      new ExecuteOrderCommand(
        {
          type: 'RecordActionSent',
          data: {
            orderKey: state.orderKey,
            attemptKey: attempt.attemptKey,
            lengowActionId: sent.id,
            via: sent.via,
            now: this.options.clock().toISOString(),
          },
        },
        followUpMetadata(command.metadata, `sent:${sent.id}`),
      ),
    );
    return { kind: 'sent', lengowActionId: sent.id, via: sent.via };
  }

  /**
   * The connector's guarded send, refusing to adopt an action that another attempt of this order already owns (an
   * earlier, failed try with the same arguments): such a match means this attempt's own action was never created.
   */
  private async send(
    state: OrderState,
    attemptKey: string,
    request: ActionRequest,
    firstTry: Date | null,
  ): Promise<{ id: string; via: 'posted' | 'adopted' }> {
    const owned = new Set(
      state.actionRequests.flatMap((r) =>
        r.tries.flatMap((t) =>
          t.attempts
            .filter((a) => a.attemptKey !== attemptKey && a.lengowActionId !== null)
            .map((a) => a.lengowActionId),
        ),
      ),
    );
    const pick = (result: SendActionResult) => {
      if (result.outcome === 'posted') return { id: String(result.id), via: 'posted' as const };
      const free = [result.id, ...result.existingIds].map(String).find((id) => !owned.has(id));
      return free === undefined ? null : { id: free, via: 'adopted' as const };
    };
    const first = pick(await this.lengow.sendAction({ ...request, previousAttemptAt: firstTry ?? undefined }));
    if (first) return first;
    const again = pick(await this.lengow.sendAction(request));
    if (again) return again;
    throw new SameActionStillQueued(request.actionType);
  }
}

/**
 * Lengow holds the same action (same arguments) for another request of this order, still queued, and accepts no second
 * one meanwhile (a shop change that sends nothing new, such as another carrier name for the same marketplace carrier).
 * Recorded as a transient send failure, so the attempt is retried with backoff once that one is processed (or closed by
 * the order's Lengow status), rather than failing the saga's delivery over and over and being parked.
 */
class SameActionStillQueued extends Error {
  readonly transient = true;

  constructor(actionType: string) {
    super(
      `an identical ${actionType} action of an earlier request of this order is still queued at Lengow; ` +
        'this one is sent again once Lengow has processed it',
    );
    this.name = 'SameActionStillQueued';
  }
}
