import type { EventStore, RecordedEvent } from '../../event-store/event-store.port.js';

const PAGE = 1000;

/** The whole stream in revision order, read in pages so a very long stream never needs one huge read. */
export async function readOrderStream(store: EventStore, stream: string): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for (;;) {
    const page = await store.readStream(stream, { fromRevision: events.length, maxCount: PAGE });
    events.push(...page);
    if (page.length < PAGE) return events;
  }
}
