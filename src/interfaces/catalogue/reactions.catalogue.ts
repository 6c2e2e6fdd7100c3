import { defineCommand } from './catalogue-entry.js';
import { ListWaitingReactions, ReplayParkedEvents, ReplayParkedShopChanges } from './reaction-commands.js';
import {
  ListWaitingReactionsPayloadDto,
  ReplayParkedEventsPayloadDto,
  ReplayParkedShopChangesPayloadDto,
} from './reaction-payloads.js';

/**
 * What the reactions could not finish on their own: read by anyone who can read orders, re-driven by operators once
 * the cause is fixed. A replay only hands the events (or shop changes) to the same idempotent handlers again.
 */

export const LIST_WAITING_REACTIONS = defineCommand({
  name: 'list-waiting-reactions',
  description:
    'What the reactions left waiting: events a consumer parked, shop changes the feed could not record, and Lengow ' +
    'action requests deferred until they can be built, each with its reason',
  payload: ListWaitingReactionsPayloadDto,
  role: 'viewer',
  concurrency: 'none',
  build: (payload, metadata) => new ListWaitingReactions({ ...payload }, metadata),
});

export const REPLAY_PARKED_EVENTS = defineCommand({
  name: 'replay-parked-events',
  description:
    'Hand a consumer’s parked events (one, or all in log order) to its handler again once the cause is fixed; ' +
    'handled ones leave the list, failing ones stay parked with the new reason',
  payload: ReplayParkedEventsPayloadDto,
  role: 'operator',
  concurrency: 'none',
  build: (payload, metadata) => new ReplayParkedEvents({ ...payload }, metadata),
});

export const REPLAY_PARKED_SHOP_CHANGES = defineCommand({
  name: 'replay-parked-shop-changes',
  description:
    'Record parked shop changes (one, or all) on their orders again once the cause is fixed; recorded ones leave ' +
    'the list',
  payload: ReplayParkedShopChangesPayloadDto,
  role: 'operator',
  concurrency: 'none',
  build: (payload, metadata) => new ReplayParkedShopChanges({ ...payload }, metadata),
});
