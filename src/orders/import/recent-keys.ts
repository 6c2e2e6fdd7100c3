/**
 * The last `capacity` keys added, oldest forgotten first: a membership test over a sliding window, for what repeats
 * close together and would otherwise be remembered once per item of an unbounded stream.
 */
export class RecentKeys {
  private readonly keys = new Set<string>();

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive integer');
  }

  get size(): number {
    return this.keys.size;
  }

  has(key: string): boolean {
    return this.keys.has(key);
  }

  add(key: string): void {
    if (this.keys.has(key)) return;
    this.keys.add(key);
    // A Set iterates in insertion order: its first key is the oldest.
    if (this.keys.size > this.capacity) this.keys.delete(this.keys.values().next().value!);
  }
}
