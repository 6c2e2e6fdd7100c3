import type { EventStore } from '../event-store/event-store.port.js';

const TIMED = ['append', 'appendMany', 'readStream', 'readAll', 'headPosition', 'health'] as const;
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
  // Adapters make that inner call before their first await, so a depth held while the outer call starts is enough.
  // Not an AsyncLocalStorage: on Node 20 its first use installs promise hooks, a cost on every promise of the process
  // (an allocation per promise: a few hundred MB of garbage per 10 000 imported orders, and its CPU time).
  let depth = 0;
  for (const operation of TIMED) {
    const original = target[operation];
    if (typeof original !== 'function') continue;
    const hadOwn = Object.prototype.hasOwnProperty.call(store, operation);
    originals.set(operation, hadOwn ? original : undefined);
    target[operation] = async function timed(this: unknown, ...args: unknown[]) {
      if (depth > 0) return original.apply(store, args);
      const started = process.hrtime.bigint();
      try {
        let call: Promise<unknown>;
        depth++;
        try {
          call = original.apply(store, args);
        } finally {
          depth--;
        }
        const value = await call;
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
