import { Doorbell } from './doorbell.js';

describe('Doorbell', () => {
  it('does not lose a ring that happens between taking a ticket and waiting', async () => {
    const bell = new Doorbell();
    const ticket = bell.ticket();
    bell.ring();
    let woke = false;
    await bell.wait(ticket, 60_000).then(() => (woke = true));
    expect(woke).toBe(true);
  });

  it('wakes every waiter on a ring, and times out without one', async () => {
    const bell = new Doorbell();
    const woken: number[] = [];
    const waits = [1, 2, 3].map((n) => bell.wait(bell.ticket(), 60_000).then(() => woken.push(n)));
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(woken).toEqual([]);
    bell.ring();
    await Promise.all(waits);
    expect(woken.sort()).toEqual([1, 2, 3]);

    const started = Date.now();
    await bell.wait(bell.ticket(), 20);
    expect(Date.now() - started).toBeGreaterThanOrEqual(15);
  });

  it('returns at once for an aborted signal and wakes on abort', async () => {
    const bell = new Doorbell();
    const controller = new AbortController();
    const wait = bell.wait(bell.ticket(), 60_000, controller.signal);
    controller.abort();
    await wait;
    await bell.wait(bell.ticket(), 60_000, controller.signal);
  });
});
