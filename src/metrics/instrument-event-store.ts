import { AsyncLocalStorage } from 'node:async_hooks';
import type { EventStore } from '../event-store/event-store.port.js';

const TIMED = ['append', 'appendMany', 'readStream', 'readAll', 'health'] as const;
type TimedOperation = (typeof TIMED)[number];

export type ObserveLatency = (operation: TimedOperation, result: 'ok' | 'error', seconds: number) => void;

/**
 * Times the event store's request/response calls on the shared instance itself, so every module's calls are measured
 * without a second provider to inject. `subscribe` is long-lived and left alone. Returns the undo, for shutdown.
 */
export function instrumentEventStore(store: EventStore, observe: ObserveLatency): () => void {
  const originals = new Map<TimedOperation, unknown>();
  const target = store as unknown as Record<TimedOperation, (...args: unknown[]) => Promise<unknown>>;
  // An adapter may implement one call with another (SQLite's append is an appendMany): only the outer one counts.
  const timing = new AsyncLocalStorage<true>();
  for (const operation of TIMED) {
    const original = target[operation];
    if (typeof original !== 'function') continue;
    const hadOwn = Object.prototype.hasOwnProperty.call(store, operation);
    originals.set(operation, hadOwn ? original : undefined);
    target[operation] = async function timed(this: unknown, ...args: unknown[]) {
      if (timing.getStore()) return original.apply(store, args);
      const started = process.hrtime.bigint();
      try {
        const value = await timing.run(true, () => original.apply(store, args));
        observe(operation, 'ok', Number(process.hrtime.bigint() - started) / 1e9);
        return value;
      } catch (error) {
        observe(operation, 'error', Number(process.hrtime.bigint() - started) / 1e9);
        throw error;
      }
    };
  }
  return () => {
    for (const [operation, own] of originals) {
      if (own === undefined) delete (target as Partial<typeof target>)[operation];
      else target[operation] = own as (typeof target)[TimedOperation];
    }
  };
}
