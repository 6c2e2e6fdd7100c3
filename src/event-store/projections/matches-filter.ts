import type { EventFilter, RecordedEvent } from '../event-store.port.js';

/**
 * Whether an event passes a filter: every list that is present must match (stream prefixes AND event types). An
 * absent list does not constrain; an empty list matches nothing, so a filter built from an empty configuration
 * selects no events rather than all of them.
 */
export function matchesFilter(filter: EventFilter | undefined, event: Pick<RecordedEvent, 'stream' | 'type'>): boolean {
  if (!filter) return true;
  if (filter.eventTypes && !filter.eventTypes.includes(event.type)) return false;
  if (filter.streamPrefixes && !filter.streamPrefixes.some((prefix) => event.stream.startsWith(prefix))) return false;
  return true;
}
