import { eventTypeFilter, excludeSystemEvents, streamNameFilter, type Filter } from '@eventstore/db-client';
import type { EventFilter } from '../event-store.port.js';

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The server-side filter for `subscribeToAll`. The server accepts one filter, on stream names or on event types, so it
 * is only a coarse pre-selection that saves bandwidth; `matchesEventFilter` then applies our exact filter on the client.
 */
export function toEsdbSubscriptionFilter(filter: EventFilter | undefined): Filter {
  const prefixes = filter?.streamPrefixes ?? [];
  if (prefixes.length > 0) return streamNameFilter({ prefixes });
  const types = filter?.eventTypes ?? [];
  // A regex, not `prefixes`: a prefix filter on `OrderShip` would also let `OrderShipped` through.
  if (types.length > 0) return eventTypeFilter({ regex: `^(?:${types.map(escapeRegex).join('|')})$` });
  return excludeSystemEvents();
}
