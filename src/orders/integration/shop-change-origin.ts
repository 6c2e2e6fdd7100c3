import type { ShopChangeOrigin } from '../../shop/shop-status-change.js';
import type { CommandMetadata } from '../commands/command-metadata.js';
import { isActor } from '../domain/event-metadata.js';

/**
 * What the shop keeps of a command that asks it for a change. Built field by field from the metadata, so nothing else a
 * door might carry reaches the shop; the doors already name an API key by its id (`api-key:<key id>`).
 */
export function shopChangeOriginOf(metadata: CommandMetadata): ShopChangeOrigin {
  return {
    actor: metadata.actor,
    commandId: metadata.commandId,
    correlationId: metadata.correlationId ?? null,
    causationId: metadata.causationId ?? null,
  };
}

/**
 * The command a stored origin stands for. Null when its actor is none the engine writes: the shop's table is outside
 * the engine's control, and an event's actor must stay one the timeline and the audit understand.
 */
export function commandOfOrigin(origin: ShopChangeOrigin): CommandMetadata | null {
  if (!isActor(origin.actor)) return null;
  return {
    commandId: origin.commandId,
    ...(origin.correlationId === null ? {} : { correlationId: origin.correlationId }),
    ...(origin.causationId === null ? {} : { causationId: origin.causationId }),
    actor: origin.actor,
  };
}
