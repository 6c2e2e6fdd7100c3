/** Serialises async work per key within this process (e.g. the saga and a poller re-driving the same attempt). */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();

  async runExclusive<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    await previous;
    try {
      return await work();
    } finally {
      release();
      // The last one out removes the key, so the map does not grow with every attempt ever sent.
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
