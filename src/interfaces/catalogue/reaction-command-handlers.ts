import { Inject, Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { NatsBus } from '../../bus/nats-bus.js';
import { DurableSagaRunner } from '../../cqrs/durable-saga-runner.js';
import { EventBusBridge } from '../../cqrs/event-bus-bridge.js';
import { SQL_DATABASE, type SqlDatabase } from '../../database/sql-database.port.js';
import type { CheckpointedConsumer } from '../../event-store/consumers/checkpointed-consumer.js';
import { OrdersReactions } from '../../orders/sagas/orders-reactions.js';
import {
  ListWaitingReactions,
  ParkedEventNotFound,
  ParkedShopChangeNotFound,
  ReplayParkedEvents,
  ReplayParkedShopChanges,
  UnknownReactionConsumer,
  type ReplayParkedEventsResult,
  type ReplayParkedShopChangesResult,
  type WaitingReactionsResult,
} from './reaction-commands.js';
import { WaitingReactionsReader } from './waiting-reactions.js';

/**
 * The checkpointed consumers this engine runs, by name: the sagas, the event-bus bridge, the follow-up index and the
 * NATS publisher, whichever the app has. Found in the app when first asked (never imported as modules), so the doors
 * do not pull the reactions into an app that leaves them out.
 */
@Injectable()
export class ReactionConsumers {
  constructor(private readonly moduleRef: ModuleRef) {}

  all(): Map<string, CheckpointedConsumer> {
    const found = new Map<string, CheckpointedConsumer>();
    const sagas = this.find(DurableSagaRunner);
    for (const name of sagas?.names ?? []) found.set(name, sagas!.consumer(name)!);
    const add = (consumer: CheckpointedConsumer | undefined) => {
      if (consumer) found.set(consumer.name, consumer);
    };
    add(this.find(EventBusBridge)?.checkpointedConsumer);
    add(this.find(OrdersReactions)?.followUpIndexConsumer);
    add(this.find(NatsBus)?.publisher?.consumer);
    return found;
  }

  names(): string[] {
    return [...this.all().keys()].sort();
  }

  /** The consumer of that name, or UNKNOWN_REACTION_CONSUMER listing the ones that run here. */
  require(name: string): CheckpointedConsumer {
    const all = this.all();
    const consumer = all.get(name);
    if (!consumer) throw new UnknownReactionConsumer(name, [...all.keys()].sort());
    return consumer;
  }

  /** Refuses a replay of one event that is not parked for that consumer, before anything is handed to it. */
  async requireParked(name: string, eventId: string): Promise<CheckpointedConsumer> {
    const consumer = this.require(name);
    if (!(await consumer.listParked()).some((row) => row.eventId === eventId)) {
      throw new ParkedEventNotFound(name, eventId);
    }
    return consumer;
  }

  /** The reactions' pollers; the shop feed's parked changes are replayed through them. */
  reactions(): OrdersReactions {
    const reactions = this.find(OrdersReactions);
    // Every app that exposes the doors has the reactions; without them this is a wiring mistake, not a refusal.
    if (!reactions) throw new Error('the order reactions are not part of this engine');
    return reactions;
  }

  async requireParkedShopChange(changeId: number): Promise<void> {
    if (!(await this.reactions().shopFeed.listParked()).some((row) => row.changeId === changeId)) {
      throw new ParkedShopChangeNotFound(changeId);
    }
  }

  private find<T>(type: new (...args: never[]) => T): T | undefined {
    try {
      return this.moduleRef.get(type, { strict: false });
    } catch {
      return undefined;
    }
  }
}

@CommandHandler(ListWaitingReactions)
export class ListWaitingReactionsHandler implements ICommandHandler<ListWaitingReactions, WaitingReactionsResult> {
  constructor(
    private readonly consumers: ReactionConsumers,
    @Inject(SQL_DATABASE) private readonly db: SqlDatabase,
  ) {}

  async execute({ payload }: ListWaitingReactions): Promise<WaitingReactionsResult> {
    const waiting = await new WaitingReactionsReader(this.db).list(payload.limit);
    return { ...waiting, replayableConsumers: this.consumers.names() };
  }
}

@CommandHandler(ReplayParkedEvents)
export class ReplayParkedEventsHandler implements ICommandHandler<ReplayParkedEvents, ReplayParkedEventsResult> {
  constructor(private readonly consumers: ReactionConsumers) {}

  async execute({ payload }: ReplayParkedEvents): Promise<ReplayParkedEventsResult> {
    const consumer =
      payload.eventId === undefined
        ? this.consumers.require(payload.consumer)
        : await this.consumers.requireParked(payload.consumer, payload.eventId);
    const outcomes = await consumer.replayParked(payload.eventId);
    return { consumer: consumer.name, outcomes, stillParked: (await consumer.listParked()).length };
  }
}

@CommandHandler(ReplayParkedShopChanges)
export class ReplayParkedShopChangesHandler implements ICommandHandler<
  ReplayParkedShopChanges,
  ReplayParkedShopChangesResult
> {
  constructor(private readonly consumers: ReactionConsumers) {}

  async execute({ payload }: ReplayParkedShopChanges): Promise<ReplayParkedShopChangesResult> {
    if (payload.changeId !== undefined) await this.consumers.requireParkedShopChange(payload.changeId);
    const feed = this.consumers.reactions().shopFeed;
    const outcomes = await feed.replayParked(payload.changeId);
    return { outcomes, stillParked: (await feed.listParked()).length };
  }
}

/** The handlers and the consumer lookup they share, for the modules that expose the doors (HTTP app, CLI). */
export const REACTION_COMMAND_PROVIDERS = [
  ReactionConsumers,
  ListWaitingReactionsHandler,
  ReplayParkedEventsHandler,
  ReplayParkedShopChangesHandler,
];
