import type { EventFilter } from '../event-store.port.js';

/**
 * EventStoreDB writes its own bookkeeping (`$stats-…`, `$projections-…`, links `$>`) into `$all`; every type starting
 * with `$` is the server's, never ours (the client's `excludeSystemEvents()` uses the same rule).
 */
export function isEsdbSystemEvent(event: { type: string }): boolean {
  return event.type.startsWith('$');
}

/**
 * Whether an event passes our filter: not a system event, its stream starts with one of the prefixes (when prefixes
 * are given) and its type is one of the types (when types are given). An absent or empty list does not filter.
 */
export function matchesEventFilter(event: { stream: string; type: string }, filter: EventFilter | undefined): boolean {
  if (isEsdbSystemEvent(event)) return false;
  const prefixes = filter?.streamPrefixes ?? [];
  if (prefixes.length > 0 && !prefixes.some((prefix) => event.stream.startsWith(prefix))) return false;
  const types = filter?.eventTypes ?? [];
  if (types.length > 0 && !types.includes(event.type)) return false;
  return true;
}
