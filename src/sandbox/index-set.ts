/**
 * A set of integers in [0, capacity) that answers "how many members are below x" in O(log n) (a Fenwick tree over
 * 0/1 flags). The order store uses it to skip generated orders that moved or changed without scanning them.
 */
export class IndexSet {
  private tree: Int32Array;
  private flags: Uint8Array;
  private members = 0;

  constructor(private capacity = 0) {
    this.tree = new Int32Array(capacity + 1);
    this.flags = new Uint8Array(capacity);
  }

  get size(): number {
    return this.members;
  }

  has(index: number): boolean {
    return index >= 0 && index < this.capacity && this.flags[index] === 1;
  }

  add(index: number): void {
    this.ensureCapacity(index + 1);
    if (this.flags[index] === 1) return;
    this.flags[index] = 1;
    this.members++;
    this.update(index, 1);
  }

  delete(index: number): void {
    if (!this.has(index)) return;
    this.flags[index] = 0;
    this.members--;
    this.update(index, -1);
  }

  /** Members strictly below `index`. */
  countBelow(index: number): number {
    let i = Math.min(index, this.capacity);
    let sum = 0;
    while (i > 0) {
      sum += this.tree[i];
      i -= i & -i;
    }
    return sum;
  }

  /** Grows to hold indices below `capacity`; rebuilding is O(n), and happens only when more orders are generated. */
  ensureCapacity(capacity: number): void {
    if (capacity <= this.capacity) return;
    const next = Math.max(capacity, Math.ceil(this.capacity * 1.5), 16);
    const flags = new Uint8Array(next);
    flags.set(this.flags);
    this.flags = flags;
    this.capacity = next;
    this.tree = new Int32Array(next + 1);
    for (let i = 0; i < next; i++) {
      if (flags[i] === 1) this.update(i, 1);
    }
  }

  private update(index: number, delta: number): void {
    for (let i = index + 1; i <= this.capacity; i += i & -i) this.tree[i] += delta;
  }
}
