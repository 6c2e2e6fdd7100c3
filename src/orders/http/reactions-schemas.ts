import type { SchemaObject } from '@nestjs/swagger';

const text = (description?: string): SchemaObject => ({ type: 'string', ...(description ? { description } : {}) });
const integer = (description?: string): SchemaObject => ({ type: 'integer', ...(description ? { description } : {}) });
const instant = (description: string): SchemaObject => ({ type: 'string', format: 'date-time', description });

const PARKED_EVENT_SCHEMA: SchemaObject = {
  type: 'object',
  properties: {
    consumer: text('The consumer that gave up on the event (`saga:<class>`, `event-bus`, `orders-follow-up-index`…)'),
    eventId: text(),
    stream: text('The event’s stream: `order-<marketplace>-<order id>` for an order’s events'),
    revision: integer('Its revision in the stream'),
    position: text('Its global position in the log'),
    type: text('Event type'),
    reason: text('The last error'),
    attempts: integer('Handler attempts so far, replays included'),
    parkedAt: instant('When it was parked (or last failed a replay)'),
  },
};

const PARKED_SHOP_CHANGE_SCHEMA: SchemaObject = {
  type: 'object',
  properties: {
    changeId: integer('The change’s id in the shop feed'),
    shopOrderId: integer(),
    marketplace: text(),
    marketplaceOrderId: text(),
    kind: text('shipped, canceled, refunded…'),
    code: { type: 'string', nullable: true, description: 'The domain’s refusal code' },
    reason: text(),
    retryable: {
      type: 'boolean',
      description: 'The order did not know the shop order yet: the feed tries again by itself for an hour',
    },
    attempts: integer(),
    changeAt: instant('When the merchant made the change'),
    parkedAt: instant('When it was first parked'),
  },
};

const DEFERRED_REQUEST_SCHEMA: SchemaObject = {
  type: 'object',
  properties: {
    stream: text('The order stream'),
    actionType: text('ship, cancel or refund'),
    changeId: text('The shop change the action is for'),
    attempts: integer(),
    reason: text('Why the last try could not build the request'),
    firstDeferredAt: instant('First try'),
    nextAttemptAt: instant('When the engine asks again by itself'),
    correlationId: { type: 'string', nullable: true },
    actor: text(),
  },
};

export const WAITING_REACTIONS_SCHEMA: SchemaObject = {
  type: 'object',
  properties: {
    counts: {
      type: 'object',
      description: 'Every waiting row by kind, whatever the limit (what `lengow_sync_reactions_waiting` reports)',
      properties: {
        parked_event: integer(),
        parked_shop_change: integer(),
        deferred_action_request: integer(),
      },
    },
    parkedEvents: { type: 'array', items: PARKED_EVENT_SCHEMA, description: 'In log order, up to `limit`' },
    parkedShopChanges: { type: 'array', items: PARKED_SHOP_CHANGE_SCHEMA, description: 'Oldest first, up to `limit`' },
    deferredActionRequests: {
      type: 'array',
      items: DEFERRED_REQUEST_SCHEMA,
      description: 'Longest waiting first, up to `limit`; retried by the engine with backoff, no replay needed',
    },
    replayableConsumers: {
      type: 'array',
      items: { type: 'string' },
      description: 'Consumers this engine runs, whose parked events it can replay',
    },
  },
};

export const REPLAY_PARKED_EVENTS_SCHEMA: SchemaObject = {
  type: 'object',
  properties: {
    commandId: { type: 'string', format: 'uuid' },
    consumer: text(),
    outcomes: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          eventId: text(),
          outcome: {
            type: 'string',
            enum: ['handled', 'failed', 'missing'],
            description: '`handled`: no longer parked; `failed`: still parked with the new `reason`',
          },
          reason: text(),
        },
      },
    },
    stillParked: integer('Events of this consumer still parked after the replay'),
  },
};

export const REPLAY_PARKED_SHOP_CHANGES_SCHEMA: SchemaObject = {
  type: 'object',
  properties: {
    commandId: { type: 'string', format: 'uuid' },
    outcomes: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          changeId: integer(),
          outcome: {
            type: 'string',
            enum: ['recorded', 'parked', 'missing'],
            description: '`recorded`: on its order now; `parked`: refused again (the list says why)',
          },
        },
      },
    },
    stillParked: integer('Shop changes still parked after the replay'),
  },
};
