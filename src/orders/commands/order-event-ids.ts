import { nameBasedUuid } from '../../common/name-based-uuid.js';

/** Fixed namespace for the engine's deterministic ids (UUIDv5). */
export const ENGINE_UUID_NAMESPACE = '6f1c1d3e-2b1a-5e55-9a3f-0c5e1f1a7b42';
const engineUuid = nameBasedUuid(ENGINE_UUID_NAMESPACE);

/** Same command id and index → same event id, so a retried append is recognised by the store. */
export function eventIdFor(commandId: string, index: number): string {
  return engineUuid(`${commandId}#${index}`);
}

/** A deterministic id for anything derived from a stable key (e.g. a command a saga issues for an event). */
export function deterministicId(key: string): string {
  return engineUuid(key);
}
