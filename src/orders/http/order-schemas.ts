import type { SchemaObject } from '@nestjs/swagger';
import { STOCK_DECREMENT_FAILURE_CODES } from '../domain/stock-decrement-failure.js';
import { OVERVIEW_COLUMNS, type ColumnKind } from '../projections/order-overview.js';

/**
 * OpenAPI schemas of the order read answers. The overview row's is derived from OVERVIEW_COLUMNS (the projection's
 * single source of its fields), so the document cannot drift from what the API returns.
 */
const KIND_SCHEMA: Record<ColumnKind, SchemaObject> = {
  text: { type: 'string', nullable: true },
  json: { type: 'array', items: { type: 'string' } },
  money: { type: 'number', nullable: true },
  integer: { type: 'integer' },
};

export const ORDER_OVERVIEW_SCHEMA: SchemaObject = {
  type: 'object',
  description: 'One order as the overview shows it (import state, action states, Lengow status, amounts…)',
  properties: Object.fromEntries(OVERVIEW_COLUMNS.map(({ field, kind }) => [field, KIND_SCHEMA[kind]])),
};

const OPEN_OBJECT: SchemaObject = { type: 'object', additionalProperties: true };

export const TIMELINE_ENTRY_SCHEMA: SchemaObject = {
  type: 'object',
  description: 'One event of the order: what, when, who (actor), why (correlation and causation)',
  properties: {
    id: { type: 'string', format: 'uuid' },
    revision: { type: 'integer' },
    position: { type: 'string' },
    type: { type: 'string', example: 'OrderImportPlanned' },
    recordedAt: { type: 'string', format: 'date-time' },
    actor: { type: 'string', nullable: true, example: 'api-key:3f2a9c1d0b7e' },
    correlationId: { type: 'string', nullable: true },
    causationId: { type: 'string', nullable: true },
    commandId: { type: 'string', nullable: true },
    schemaVersion: { type: 'integer', nullable: true },
    data: OPEN_OBJECT,
    metadata: OPEN_OBJECT,
  },
};

export const TIMELINE_PAGE_SCHEMA: SchemaObject = {
  type: 'object',
  properties: {
    stream: { type: 'string', example: 'order-amazon_fr-402-1234567-1234567' },
    entries: { type: 'array', items: TIMELINE_ENTRY_SCHEMA },
    nextRevision: { type: 'integer', nullable: true, description: '`fromRevision` of the next page; null at the end' },
  },
};

export const OVERVIEW_PAGE_SCHEMA: SchemaObject = {
  type: 'object',
  properties: {
    items: { type: 'array', items: ORDER_OVERVIEW_SCHEMA },
    nextCursor: { type: 'string', nullable: true, description: 'Pass as `cursor` for the next page; null on the last' },
    position: {
      type: 'string',
      nullable: true,
      description: 'Event position the overview reflects: open /api/orders/events?from=<position> to follow changes',
    },
  },
};

const instant = (description: string): SchemaObject => ({ type: 'string', format: 'date-time', description });

export const ORDER_DEFERRED_REQUEST_SCHEMA: SchemaObject = {
  type: 'object',
  description:
    'A shop change whose Lengow action could not be requested yet (the marketplace definition or the carrier ' +
    'mapping could not be read); the engine asks again by itself with backoff',
  properties: {
    stream: { type: 'string', example: 'order-amazon_fr-402-1234567-1234567' },
    actionType: { type: 'string', enum: ['ship', 'cancel', 'refund'] },
    changeId: { type: 'string', description: 'The shop change the action is for', example: 'shop-change:42' },
    attempts: { type: 'integer', description: 'Tries so far' },
    reason: { type: 'string', description: 'Why the last try could not request the action' },
    firstDeferredAt: instant('First try: waiting since'),
    nextAttemptAt: instant('When the engine asks again by itself'),
    correlationId: { type: 'string', nullable: true },
    actor: { type: 'string', description: 'Who made the shop change' },
    hint: { type: 'string', description: 'What the operator can do about it' },
  },
};

export const ORDER_DETAIL_SCHEMA: SchemaObject = {
  type: 'object',
  properties: {
    overview: { ...ORDER_OVERVIEW_SCHEMA, nullable: true, description: 'Null while the projection has not caught up' },
    revision: { type: 'integer', description: 'Stream revision (also the ETag, for If-Match on commands)' },
    timeline: TIMELINE_PAGE_SCHEMA,
    deferredActionRequests: {
      type: 'array',
      items: ORDER_DEFERRED_REQUEST_SCHEMA,
      description:
        'Action requests of this order waiting for another try, longest waiting first (also in GET /api/reactions); ' +
        'empty when none',
    },
  },
};

const STATE_COUNTS_PROPERTIES: Record<string, SchemaObject> = {
  total: { type: 'integer' },
  importState: { type: 'object', additionalProperties: { type: 'integer' } },
  actionState: { type: 'object', additionalProperties: { type: 'integer' } },
  progress: { type: 'object', additionalProperties: { type: 'integer' } },
};

export const COUNTERS_SCHEMA: SchemaObject = {
  type: 'object',
  description:
    'Totals by import state, action state, progress, marketplace and Lengow status, and the orders whose stock was ' +
    'not decremented',
  properties: {
    ...STATE_COUNTS_PROPERTIES,
    stockFailed: {
      type: 'integer',
      nullable: true,
      description:
        'Orders whose stock was not decremented (stockState=failed lists them) among those the filters match. ' +
        'Null while the order overview is rebuilt after an upgrade that added the stock columns.',
    },
    stockFailedByCode: {
      type: 'object',
      nullable: true,
      description:
        'stockFailed by failure code (stockFailureCode lists them): every code, 0 when none; they sum to stockFailed. ' +
        'Null while the order overview is rebuilt after an upgrade that added the stock columns or the failure code.',
      properties: Object.fromEntries(STOCK_DECREMENT_FAILURE_CODES.map((code) => [code, { type: 'integer' }])),
      required: [...STOCK_DECREMENT_FAILURE_CODES],
      additionalProperties: { type: 'integer' },
    },
    marketplaces: {
      type: 'array',
      description: 'The same totals for each marketplace with matching orders, most orders first',
      items: {
        type: 'object',
        properties: {
          marketplace: { type: 'string', example: 'amazon_fr' },
          label: { type: 'string', example: 'Amazon FR', description: 'Display name of the marketplace' },
          ...STATE_COUNTS_PROPERTIES,
          stockFailed: {
            type: 'integer',
            nullable: true,
            description:
              "The marketplace's orders whose stock was not decremented; summed over the marketplaces, stockFailed. " +
              'Null when stockFailed is.',
          },
        },
      },
    },
    lengowStatuses: { type: 'array', items: OPEN_OBJECT },
  },
};

export const STATE_AT_SCHEMA: SchemaObject = {
  type: 'object',
  description: 'The order folded up to a revision or an instant, with the overview row it had then',
  properties: {
    stream: { type: 'string' },
    revision: { type: 'integer' },
    position: { type: 'string', nullable: true },
    recordedAt: { type: 'string', nullable: true },
    state: OPEN_OBJECT,
    summary: OPEN_OBJECT,
    overview: { ...ORDER_OVERVIEW_SCHEMA, nullable: true },
    laterEvents: { type: 'integer', description: 'Events recorded after the point' },
  },
};

export const REPLAY_SCHEMA: SchemaObject = {
  type: 'object',
  properties: {
    stream: { type: 'string' },
    steps: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          event: TIMELINE_ENTRY_SCHEMA,
          folded: { type: 'boolean' },
          summary: OPEN_OBJECT,
          overview: ORDER_OVERVIEW_SCHEMA,
          changes: { type: 'array', items: OPEN_OBJECT },
        },
      },
    },
  },
};

export const COMMAND_RESULT_SCHEMA: SchemaObject = {
  type: 'object',
  description: 'What the command did; `commandId` derives from Idempotency-Key when one is sent',
  properties: { commandId: { type: 'string', format: 'uuid' } },
  additionalProperties: true,
};
