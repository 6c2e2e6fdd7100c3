import type { EventStore, GlobalPosition } from '../event-store/event-store.port.js';

const PAGE = 1000;

/**
 * Events committed after `position`, counted up to `cap` (the store has no cheaper head query common to every
 * adapter). `capped` means "at least count".
 */
export async function countEventsAfter(
  store: EventStore,
  position: GlobalPosition | null,
  cap = 10_000,
): Promise<{ count: number; capped: boolean }> {
  let count = 0;
  let from = position;
  for (;;) {
    const want = Math.min(PAGE, cap - count);
    if (want <= 0) {
      const more = await store.readAll({ fromPosition: from, maxCount: 1 });
      return { count, capped: more.length > 0 };
    }
    const events = await store.readAll({ fromPosition: from, maxCount: want });
    count += events.length;
    if (events.length < want) return { count, capped: false };
    from = events.at(-1)!.position;
  }
}
