import { Inject, Injectable, Optional } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { APP_CONFIG } from '../../app.tokens.js';
import type { AppConfig } from '../../config/app-config.js';
import { SQL_DATABASE, type SqlDatabase } from '../../database/sql-database.port.js';
import { isShopError, ShopError } from '../../shop/shop-error.js';
import type { ShopOrder } from '../../shop/shop-order.js';
import type { MerchantChangeResult, ShopChangeOrigin } from '../../shop/shop-status-change.js';
import { SHOP, type Shop } from '../../shop/shop.port.js';
import type { CommandMetadata } from '../commands/command-metadata.js';
import {
  MarkShopOrderCanceled,
  MarkShopOrderRefunded,
  MarkShopOrderShipped,
  type ShopCommandResult,
} from './mark-shop-order-commands.js';
import {
  MarkShopOrderCanceledDto,
  MarkShopOrderRefundedDto,
  MarkShopOrderShippedDto,
} from './reaction-command-dtos.js';
import { ORDERS_REACTIONS_OPTIONS, type OrdersReactionsOptions } from './reactions-options.js';
import { ShopChangeFeedPoller } from './shop-change-feed-poller.js';
import { ShopCommandKeys } from './shop-command-keys.js';
import { validateIdempotencyKey, validateReactionCommand } from './validate-reaction-command.js';

type RefundedSoFar = Record<string, number>;

/** A claim not renewed for this long is taken to be a crashed call's, and a retry may take it over. */
const SHOP_COMMAND_STALE_AFTER_MS = 30_000;

interface Step {
  readonly command: string;
  readonly request: object;
  readonly shopOrderId: string;
  /** Whether the shop already did it, judged from what the first try saw and the order now (null: unknown). */
  readonly alreadyDone?: (before: unknown, now: ShopOrder | null) => boolean;
  /** `origin`: what the shop keeps with the change of who asked for it; absent for a command without metadata. */
  readonly act: (origin?: ShopChangeOrigin) => Promise<MerchantChangeResult<ShopOrder>>;
  /** The command's metadata, which the order events recording the change then carry. */
  readonly origin?: CommandMetadata;
}

/** Runs a merchant command under its idempotency key. */
@Injectable()
export class ShopCommandRunner {
  private readonly keys: ShopCommandKeys;

  constructor(
    @Inject(SHOP) private readonly shop: Shop,
    @Inject(SQL_DATABASE) db: SqlDatabase,
    @Inject(ORDERS_REACTIONS_OPTIONS) options: OrdersReactionsOptions,
    private readonly feed: ShopChangeFeedPoller,
    @Optional() @Inject(APP_CONFIG) config?: AppConfig,
  ) {
    this.keys = new ShopCommandKeys(
      db,
      options.clock,
      SHOP_COMMAND_STALE_AFTER_MS,
      options.shopCommandHeartbeatMs,
      config?.historyRetentionMs,
    );
  }

  async run(key: string, step: Step): Promise<ShopCommandResult> {
    const claim = await this.keys.claim<{ changed: boolean; changeId: number | null }>(
      key,
      step.command,
      step.request,
      step.shopOrderId,
      async () => refundedSoFar(await this.shop.getOrder(step.shopOrderId)),
    );
    if (claim.kind === 'done') return { replayed: true, ...claim.result, order: await this.order(step.shopOrderId) };
    try {
      if (claim.retryOfUnknown && step.alreadyDone?.(claim.before, await this.shop.getOrder(step.shopOrderId))) {
        // The first try got through before its answer was lost: its change is already in the feed.
        await this.keys.complete(key, { changed: true, changeId: null });
        return { replayed: true, changed: true, changeId: null, order: await this.order(step.shopOrderId) };
      }
      let outcome: MerchantChangeResult<ShopOrder>;
      try {
        outcome = step.origin ? await this.feed.applyMerchantChange(step.origin, step.act) : await step.act();
      } catch (error) {
        // Refused by the shop: nothing happened. Anything else leaves the claim open (outcome unknown) until it goes
        // stale (abandoned below).
        if (isShopError(error)) await this.keys.release(key);
        throw error;
      }
      const result = { changed: outcome.changed, changeId: outcome.change?.id ?? null };
      await this.keys.complete(key, result);
      return { replayed: false, ...result, order: outcome.order };
    } finally {
      // Stops renewing a claim still held (no-op after complete or release), so only a live call keeps its key.
      await this.keys.abandon(key);
    }
  }

  private async order(id: string): Promise<ShopOrder> {
    const order = await this.shop.getOrder(id);
    if (!order) throw ShopError.of('UNKNOWN_ORDER', `order ${id} does not exist`, { orderId: id });
    return order;
  }
}

function refundedSoFar(order: ShopOrder | null): RefundedSoFar | null {
  return order ? Object.fromEntries(order.lines.map((line) => [String(line.id), line.refundedQuantity])) : null;
}

const NUMERIC = /^\d{1,15}$/;

@CommandHandler(MarkShopOrderShipped)
export class MarkShopOrderShippedHandler implements ICommandHandler<MarkShopOrderShipped, ShopCommandResult> {
  constructor(
    private readonly runner: ShopCommandRunner,
    @Inject(SHOP) private readonly shop: Shop,
    @Inject(ORDERS_REACTIONS_OPTIONS) private readonly options: OrdersReactionsOptions,
  ) {}

  async execute(command: MarkShopOrderShipped): Promise<ShopCommandResult> {
    const key = validateIdempotencyKey(command.idempotencyKey);
    const payload = validateReactionCommand(MarkShopOrderShippedDto, command.payload, 'payload');
    const carrier = payload.carrier?.trim() || null;
    const shippedAt = payload.shippedAt ?? this.options.clock().toISOString();
    return this.runner.run(key, {
      command: 'ship',
      origin: command.metadata,
      // Without a date of its own, a retry must still match the first request: the default date is not part of it.
      request: { ...payload },
      shopOrderId: payload.shopOrderId,
      act: (origin) =>
        this.shop.shipOrder(
          payload.shopOrderId,
          {
            carrierId: carrier && NUMERIC.test(carrier) ? Number(carrier) : null,
            carrierName: carrier && !NUMERIC.test(carrier) ? carrier : null,
            trackingNumber: payload.trackingNumber,
            trackingUrl: payload.trackingUrl ?? null,
            shippedAt,
          },
          origin,
        ),
    });
  }
}

@CommandHandler(MarkShopOrderCanceled)
export class MarkShopOrderCanceledHandler implements ICommandHandler<MarkShopOrderCanceled, ShopCommandResult> {
  constructor(
    private readonly runner: ShopCommandRunner,
    @Inject(SHOP) private readonly shop: Shop,
  ) {}

  async execute(command: MarkShopOrderCanceled): Promise<ShopCommandResult> {
    const key = validateIdempotencyKey(command.idempotencyKey);
    const payload = validateReactionCommand(MarkShopOrderCanceledDto, command.payload, 'payload');
    return this.runner.run(key, {
      command: 'cancel',
      origin: command.metadata,
      request: { ...payload },
      shopOrderId: payload.shopOrderId,
      act: (origin) => this.shop.cancelOrder(payload.shopOrderId, payload.reason ?? null, origin),
    });
  }
}

@CommandHandler(MarkShopOrderRefunded)
export class MarkShopOrderRefundedHandler implements ICommandHandler<MarkShopOrderRefunded, ShopCommandResult> {
  constructor(
    private readonly runner: ShopCommandRunner,
    @Inject(SHOP) private readonly shop: Shop,
  ) {}

  async execute(command: MarkShopOrderRefunded): Promise<ShopCommandResult> {
    const key = validateIdempotencyKey(command.idempotencyKey);
    const payload = validateReactionCommand(MarkShopOrderRefundedDto, command.payload, 'payload');
    const lines = payload.lines?.map((line) => ({ lineId: line.lineId, quantity: line.quantity }));
    return this.runner.run(key, {
      command: 'refund',
      origin: command.metadata,
      request: { shopOrderId: payload.shopOrderId, lines, reason: payload.reason },
      shopOrderId: payload.shopOrderId,
      // A whole-order refund repeated is a no-op in the shop; units of a partial one would be refunded again, so a
      // retry after a lost answer compares the refunded units with what the first try saw.
      alreadyDone: (before, now) => {
        if (!lines || !before || !now) return false;
        const seen = before as RefundedSoFar;
        return lines.every((line) => {
          const current = now.lines.find((candidate) => candidate.id === line.lineId)?.refundedQuantity ?? 0;
          return current >= (seen[String(line.lineId)] ?? 0) + line.quantity;
        });
      },
      act: (origin) => this.shop.refundOrder(payload.shopOrderId, { lines, reason: payload.reason ?? null }, origin),
    });
  }
}

export const MARK_SHOP_ORDER_HANDLERS = [
  MarkShopOrderShippedHandler,
  MarkShopOrderCanceledHandler,
  MarkShopOrderRefundedHandler,
];
