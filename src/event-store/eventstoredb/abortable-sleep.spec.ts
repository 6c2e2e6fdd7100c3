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
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('returns at once when already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const started = Date.now();
    await abortableSleep(10_000, controller.signal);
    expect(Date.now() - started).toBeLessThan(100);
  });
});
