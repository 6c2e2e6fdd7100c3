import type { EventStore } from './event-store.port.js';

/** Revision of the stream's last event, -1 when it has none: one backwards read of a single event. */
export async function streamRevision(store: Pick<EventStore, 'readStream'>, stream: string): Promise<number> {
  const [last] = await store.readStream(stream, { direction: 'backwards', maxCount: 1 });
  return last?.revision ?? -1;
}
