import { CatchUpTracker } from './catch-up-tracker.js';

describe('CatchUpTracker', () => {
  it('settles a positional wait once the checkpoint reaches the position, and at once for null', async () => {
    const tracker = new CatchUpTracker('003');
    await tracker.wait(null);
    await tracker.wait('002');
    let done = false;
    const waiting = tracker.wait('005').then(() => (done = true));
    tracker.advance('004');
    await Promise.resolve();
    expect(done).toBe(false);
    tracker.advance('005');
    await waiting;
    expect(done).toBe(true);
  });

  it('does not count an idle read that was already in flight when the wait began', async () => {
    const woken: number[] = [];
    const tracker = new CatchUpTracker(null, () => woken.push(1));
    const inFlight = tracker.beginRead();
    let done = false;
    const waiting = tracker.wait().then(() => (done = true));
    expect(woken).toHaveLength(1);
    tracker.endRead(inFlight, true);
    await Promise.resolve();
    expect(done).toBe(false);
    const full = tracker.beginRead();
    tracker.endRead(full, false);
    await Promise.resolve();
    expect(done).toBe(false);
    tracker.endRead(tracker.beginRead(), true);
    await waiting;
    expect(tracker.idle).toBe(true);
  });

  it('rejects waits on failure until cleared, and on timeout', async () => {
    const tracker = new CatchUpTracker(null);
    const waiting = tracker.wait('001');
    tracker.fail(new Error('poison'));
    await expect(waiting).rejects.toThrow('poison');
    await expect(tracker.wait('001')).rejects.toThrow('poison');
    tracker.clear();
    await expect(tracker.wait('009', 5)).rejects.toThrow(/within 5 ms/);
  });
});
