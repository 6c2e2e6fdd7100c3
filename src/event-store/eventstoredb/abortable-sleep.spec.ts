import { abortableSleep } from './abortable-sleep.js';

describe('abortableSleep', () => {
  it('waits the given time', async () => {
    const started = Date.now();
    await abortableSleep(50, new AbortController().signal);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
  });

  it('returns as soon as the signal aborts', async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 20);
    await abortableSleep(10_000, controller.signal);
    // Far below the 10 s it was asked to sleep, with room for a loaded machine.
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('returns at once when already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    // Ordered, not timed: it settles before the event loop's next turn, which a timer of any length cannot.
    const first = await Promise.race([
      abortableSleep(10_000, controller.signal).then(() => 'returned'),
      new Promise((resolve) => setImmediate(() => resolve('next turn'))),
    ]);
    expect(first).toBe('returned');
  });
});
