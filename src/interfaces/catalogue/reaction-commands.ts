import { Command } from '@nestjs/cqrs';
import { BusRequestError, type BusErrorCode } from '../../bus/bus-reply.js';
import type { ReplayOutcome } from '../../event-store/consumers/checkpointed-consumer.js';
import type { CommandMetadata } from '../../orders/commands/command-metadata.js';
import type { WaitingReactions } from './waiting-reactions.js';

/**
 * What the reactions left waiting (parked events, parked shop changes, deferred action requests), and their re-drive,
 * as CommandBus commands so HTTP, NATS and the CLI reach them through the catalogue like every other command.
 */
abstract class ReactionsCommand<Payload, Result> extends Command<Result> {
  constructor(
    readonly payload: Payload,
    readonly metadata: CommandMetadata,
  ) {
    super();
  }
}

export interface ListWaitingReactionsPayload {
  /** Rows listed per kind (default 200); the counts always cover every row. */
  readonly limit?: number;
}

export interface ReplayParkedEventsPayload {
  /** The consumer that parked the events (`saga:ShopOrderSagas`, `event-bus`, `orders-follow-up-index`…). */
  readonly consumer: string;
  /** Only this event; all of the consumer's parked events, in log order, without it. */
  readonly eventId?: string;
}

export interface ReplayParkedShopChangesPayload {
  /** Only this change of the shop's feed; every parked change without it. */
  readonly changeId?: number;
}

export interface WaitingReactionsResult extends WaitingReactions {
  /** Consumers whose parked events this engine can replay (the ones it runs); others' rows are listed all the same. */
  readonly replayableConsumers: string[];
}

export interface ReplayParkedEventsResult {
  readonly consumer: string;
  /** One per event tried: `handled` (no longer parked), `failed` (still parked, new reason), `missing`. */
  readonly outcomes: ReplayOutcome[];
  /** Events of this consumer still parked after the replay. */
  readonly stillParked: number;
}

export interface ShopChangeReplayOutcome {
  readonly changeId: number;
  /** `recorded`: on its order now, no longer parked; `parked`: refused again (see the list for why); `missing`. */
  readonly outcome: 'recorded' | 'parked' | 'missing';
}

export interface ReplayParkedShopChangesResult {
  readonly outcomes: ShopChangeReplayOutcome[];
  readonly stillParked: number;
}

export class ListWaitingReactions extends ReactionsCommand<ListWaitingReactionsPayload, WaitingReactionsResult> {}
export class ReplayParkedEvents extends ReactionsCommand<ReplayParkedEventsPayload, ReplayParkedEventsResult> {}
export class ReplayParkedShopChanges extends ReactionsCommand<
  ReplayParkedShopChangesPayload,
  ReplayParkedShopChangesResult
> {}

/**
 * A replay that names something that is not there. Raised as a bus refusal so the bus passes the code and message
 * through, with the HTTP status the problem mapper reads from `statusCode`; the HTTP controller checks first and
 * answers with the same code, so this path is only taken when a row vanished in between.
 */
export abstract class ReactionNotFound extends BusRequestError {
  readonly statusCode = 404;

  protected constructor(code: string, message: string, details: Record<string, unknown>) {
    // The bus's own codes are a closed list; these are the engine's, passed through like the domain codes.
    super(code as BusErrorCode, message, details);
  }
}

/** No consumer of that name runs in this engine (so none can replay its events here). */
export class UnknownReactionConsumer extends ReactionNotFound {
  static readonly CODE = 'UNKNOWN_REACTION_CONSUMER';
  constructor(
    readonly consumer: string,
    known: readonly string[],
  ) {
    super(
      UnknownReactionConsumer.CODE,
      `no consumer ${consumer} runs in this engine (known: ${known.join(', ') || 'none'})`,
      { consumer, known: [...known] },
    );
    this.name = 'UnknownReactionConsumer';
  }
}

/** The consumer has no parked event with that id (never parked, or replayed meanwhile). */
export class ParkedEventNotFound extends ReactionNotFound {
  static readonly CODE = 'PARKED_EVENT_NOT_FOUND';
  constructor(
    readonly consumer: string,
    readonly eventId: string,
  ) {
    super(ParkedEventNotFound.CODE, `no event ${eventId} is parked for ${consumer}`, { consumer, eventId });
    this.name = 'ParkedEventNotFound';
  }
}

/** No shop change of that id is parked (never parked, or recorded meanwhile). */
export class ParkedShopChangeNotFound extends ReactionNotFound {
  static readonly CODE = 'PARKED_SHOP_CHANGE_NOT_FOUND';
  constructor(readonly changeId: number) {
    super(ParkedShopChangeNotFound.CODE, `no shop change ${changeId} is parked`, { changeId });
    this.name = 'ParkedShopChangeNotFound';
  }
}
