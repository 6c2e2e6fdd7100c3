import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { LOGGER } from '../../app.tokens.js';
import { AsyncMutex } from '../../database/async-mutex.js';
import { SQL_DATABASE, type SqlDatabase } from '../../database/sql-database.port.js';
import type { Logger } from '../../logging/logger.js';
import type { ShopOrder } from '../../shop/shop-order.js';
import type { MerchantChangeResult, ShopChangeOrigin, ShopStatusChange } from '../../shop/shop-status-change.js';
import { SHOP, type Shop } from '../../shop/shop.port.js';
import type { CommandMetadata } from '../commands/command-metadata.js';
import { ExecuteOrderCommand } from '../commands/execute-order-command.js';
import { deterministicId } from '../commands/order-event-ids.js';
import { OrderStreamReader } from '../commands/order-stream-reader.js';
import { OrderDomainError, type OrderErrorCode } from '../domain/order-domain-error.js';
import { orderKeyOf } from '../domain/order-key.js';
import { describeFailure } from './describe-failure.js';
import { ORDERS_REACTIONS_OPTIONS, type OrdersReactionsOptions } from './reactions-options.js';
import { ensureReactionsSchema } from './reactions-schema.js';
import { commandOfOrigin, shopChangeOriginOf } from './shop-change-origin.js';
import { toDomainShopChange } from './to-domain-shop-change.js';

const CHECKPOINT = 'shop-change-feed';
const BATCH = 100;
/**
 * A change can reach the feed before the order stream knows its shop order (the merchant ships within the instant
 * between creation and its record). Such changes are parked as retryable and tried again on every poll for this long.
 */
const RETRYABLE_FOR_MS = 3600_000;
const NOT_YET_KNOWN: readonly OrderErrorCode[] = ['ORDER_NOT_FOUND', 'ORDER_NOT_IMPORTED', 'SHOP_ORDER_NOT_FOUND'];

export interface ShopFeedReport {
  recorded: number;
  parked: number;
  /** Parked changes recorded on a later try. */
  replayed: number;
  lastId: number;
}

export interface ParkedShopChange {
  changeId: number;
  shopOrderId: number;
  marketplace: string;
  marketplaceOrderId: string;
  kind: string;
  code: string | null;
  reason: string;
  retryable: boolean;
  attempts: number;
  changeAt: string;
  parkedAt: string;
}

/** A row of `shop_feed_parked` as either dialect returns it. */
export interface ParkedShopChangeRow {
  change_id: number | string;
  shop_order_id: number | string;
  marketplace: string;
  marketplace_order_id: string;
  kind: string;
  code: string | null;
  reason: string;
  retryable: number | string;
  attempts: number | string;
  change_at: string;
  parked_at: string;
}

/**
 * Consumes the shop's change feed (what the merchant shipped, canceled, refunded) into the order streams as
 * `RecordShopStatusChange`, from its own checkpoint (the feed is not the event store). Delivery is at least once: the
 * command id derives from the change id, so a change handled twice is recorded once. A change made through an engine
 * command is recorded with that command's actor and correlation, kept by the shop with the change; one made in the shop
 * directly is the engine's own (`system`). A change the domain refuses (an order the engine does not know, a shop
 * order replaced by a re-import) is parked with the reason, never lost, and the feed goes on.
 */
@Injectable()
export class ShopChangeFeedPoller {
  private readonly mutex = new AsyncMutex();

  constructor(
    private readonly commandBus: CommandBus,
    @Inject(SHOP) private readonly shop: Shop,
    private readonly orders: OrderStreamReader,
    @Inject(SQL_DATABASE) private readonly db: SqlDatabase,
    @Inject(ORDERS_REACTIONS_OPTIONS) private readonly options: OrdersReactionsOptions,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Reads the feed to its end now; concurrent calls run one after the other. */
  pollNow(): Promise<ShopFeedReport> {
    return this.mutex.runExclusive(() => this.poll());
  }

  async listParked(): Promise<ParkedShopChange[]> {
    await ensureReactionsSchema(this.db);
    const rows = await this.db.query<ParkedShopChangeRow>('SELECT * FROM shop_feed_parked ORDER BY change_id');
    return rows.map(parkedShopChangeOf);
  }

  /** Tries parked changes again (one, or all), e.g. after an operator fixed the order; recorded ones leave the list. */
  replayParked(changeId?: number): Promise<{ changeId: number; outcome: 'recorded' | 'parked' | 'missing' }[]> {
    return this.mutex.runExclusive(async () => {
      const parked = (await this.listParked()).filter((row) => changeId === undefined || row.changeId === changeId);
      const outcomes: { changeId: number; outcome: 'recorded' | 'parked' | 'missing' }[] = [];
      for (const row of parked) outcomes.push({ changeId: row.changeId, outcome: await this.replay(row) });
      return outcomes;
    });
  }

  private async poll(): Promise<ShopFeedReport> {
    await ensureReactionsSchema(this.db);
    const report: ShopFeedReport = { recorded: 0, parked: 0, replayed: 0, lastId: 0 };
    const cutoff = this.options.clock().getTime() - RETRYABLE_FOR_MS;
    for (const row of await this.listParked()) {
      if (row.retryable && Date.parse(row.changeAt) >= cutoff && (await this.replay(row)) === 'recorded')
        report.replayed++;
    }

    let lastId = await this.checkpoint();
    for (;;) {
      const changes = await this.shop.changesAfter(lastId, BATCH);
      for (const change of changes) {
        // An infrastructure failure propagates before the checkpoint moves: the change is read again next poll.
        const outcome = await this.handle(change);
        if (outcome === 'recorded') report.recorded++;
        else report.parked++;
        await this.saveCheckpoint(change.id);
        lastId = change.id;
      }
      if (changes.length < BATCH) break;
    }
    report.lastId = lastId;
    return report;
  }

  private async replay(row: ParkedShopChange): Promise<'recorded' | 'parked' | 'missing'> {
    const [change] = await this.shop.changesAfter(row.changeId - 1, 1);
    if (!change || change.id !== row.changeId) return 'missing';
    const outcome = await this.handle(change);
    if (outcome === 'recorded')
      await this.db.execute('DELETE FROM shop_feed_parked WHERE change_id = $1', [row.changeId]);
    return outcome;
  }

  /**
   * Makes a merchant change asked of the engine (`act`: the shop call of a ship, cancel or refund command, handed the
   * origin for the shop to keep with the change) and records it at once. Whoever records the change first, this call
   * or the feed poll of any engine process sharing the shop, takes the actor and correlation from that kept origin, so
   * the events name who asked either way; the later one finds the change recorded (same command id) and appends
   * nothing. A change this cannot record now is left to the feed.
   *
   * The feed's lock is kept for a shop that cannot keep the origin (see ShopChangeFeed): there, only this call knows
   * who asked, and the lock stops this process's poll from recording the change first as the engine's own (another
   * process's poll still can). With a shop that keeps it, both records are the same and the lock changes nothing.
   */
  applyMerchantChange(
    metadata: CommandMetadata,
    act: (origin: ShopChangeOrigin) => Promise<MerchantChangeResult<ShopOrder>>,
  ): Promise<MerchantChangeResult<ShopOrder>> {
    return this.mutex.runExclusive(async () => {
      const outcome = await act(shopChangeOriginOf(metadata));
      if (outcome.change) {
        const change = outcome.change;
        await this.record(change, metadata).catch((error: unknown) =>
          // The shop did it: the caller must hear so even when the record has to wait for the feed.
          this.logger.warn({ changeId: change.id, err: describeFailure(error) }, 'shop change left to the feed'),
        );
      }
      return outcome;
    });
  }

  private async handle(change: ShopStatusChange): Promise<'recorded' | 'parked'> {
    try {
      await this.record(change);
      return 'recorded';
    } catch (error) {
      if (!(error instanceof OrderDomainError)) throw error;
      await this.park(change, error);
      return 'parked';
    }
  }

  /**
   * The command id derives from the change id whoever records it, so the change is recorded once. The metadata comes
   * from the origin the shop kept with the change, the same for every recorder; `asked` (the command that made the
   * change, when this process did) stands in only where the shop kept none.
   */
  private async record(change: ShopStatusChange, asked?: CommandMetadata): Promise<void> {
    const orderKey = orderKeyOf(change.marketplace, change.marketplaceOrderId);
    const { state } = await this.orders.load(orderKey);
    const commandId = deterministicId(`shop-change-feed:${change.id}`);
    const origin = this.keptOrigin(change) ?? asked;
    const metadata: CommandMetadata = origin
      ? {
          commandId,
          correlationId: origin.correlationId ?? origin.commandId,
          causationId: origin.causationId ?? origin.commandId,
          actor: origin.actor,
        }
      : { commandId, correlationId: commandId, causationId: commandId, actor: 'system' };
    await this.commandBus.execute(
      new ExecuteOrderCommand(
        {
          type: 'RecordShopStatusChange',
          data: {
            orderKey,
            changeId: `shop-change:${change.id}`,
            shopOrderId: String(change.orderId),
            change: toDomainShopChange(change, state),
            now: this.options.clock().toISOString(),
          },
        },
        metadata,
      ),
    );
  }

  private keptOrigin(change: ShopStatusChange): CommandMetadata | null {
    if (!change.origin) return null;
    const command = commandOfOrigin(change.origin);
    // The change id only: what the shop holds is not the engine's to echo into logs.
    if (!command)
      this.logger.warn({ changeId: change.id }, 'shop change origin ignored: not an actor the engine writes');
    return command;
  }

  private async park(change: ShopStatusChange, error: OrderDomainError): Promise<void> {
    const retryable = NOT_YET_KNOWN.includes(error.code) ? 1 : 0;
    this.logger.warn(
      { changeId: change.id, shopOrderId: change.orderId, code: error.code, err: describeFailure(error) },
      'shop change parked',
    );
    await this.db.execute(
      `INSERT INTO shop_feed_parked (change_id, shop_order_id, marketplace, marketplace_order_id, kind, reason, code,
         retryable, attempts, change_at, parked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $10)
       ON CONFLICT (change_id) DO UPDATE SET reason = excluded.reason, code = excluded.code,
         retryable = excluded.retryable, attempts = shop_feed_parked.attempts + 1`,
      [
        change.id,
        change.orderId,
        change.marketplace,
        change.marketplaceOrderId,
        change.kind,
        error.message,
        error.code,
        retryable,
        change.at,
        this.options.clock().toISOString(),
      ],
    );
  }

  private async checkpoint(): Promise<number> {
    const [row] = await this.db.query<{ last_id: number | string }>(
      'SELECT last_id FROM shop_feed_checkpoints WHERE name = $1',
      [CHECKPOINT],
    );
    return row ? Number(row.last_id) : 0;
  }

  private async saveCheckpoint(id: number): Promise<void> {
    await this.db.execute(
      `INSERT INTO shop_feed_checkpoints (name, last_id, updated_at) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET last_id = excluded.last_id, updated_at = excluded.updated_at`,
      [CHECKPOINT, id, this.options.clock().toISOString()],
    );
  }
}

export function parkedShopChangeOf(row: ParkedShopChangeRow): ParkedShopChange {
  return {
    changeId: Number(row.change_id),
    shopOrderId: Number(row.shop_order_id),
    marketplace: row.marketplace,
    marketplaceOrderId: row.marketplace_order_id,
    kind: row.kind,
    code: row.code,
    reason: row.reason,
    retryable: Number(row.retryable) === 1,
    attempts: Number(row.attempts),
    changeAt: row.change_at,
    parkedAt: row.parked_at,
  };
}
