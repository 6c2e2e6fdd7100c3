/**
 * A map that keeps at most `capacity` entries, dropping the least recently *written* first: `set` makes an entry the
 * newest, `get` does not (the bounded caches of folded state are refreshed by what they store, not by lookups).
 * A capacity of 0 keeps nothing.
 */
export class LruMap<K, V> {
  // Map iteration follows insertion order: re-inserting on set keeps the oldest entry first.
  private readonly entries = new Map<K, V>();

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 0) throw new RangeError('capacity must be an integer >= 0');
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: K): V | undefined {
    return this.entries.get(key);
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as K);
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  keys(): IterableIterator<K> {
    return this.entries.keys();
  }
}
