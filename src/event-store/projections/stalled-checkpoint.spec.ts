import { StalledCheckpoint } from './stalled-checkpoint.js';

describe('StalledCheckpoint', () => {
  it('is due once events have waited the whole delay behind a checkpoint that did not move', () => {
    const stalled = new StalledCheckpoint(100);
    expect(stalled.observe('p1', true, 1_000)).toBeNull();
    expect(stalled.observe('p1', true, 1_099)).toBeNull();
    expect(stalled.observe('p1', true, 1_100)).toBe(100);
  });

  it('starts over when the checkpoint moves (the other instance is at work)', () => {
    const stalled = new StalledCheckpoint(100);
    stalled.observe('p1', true, 1_000);
    expect(stalled.observe('p2', true, 1_150)).toBeNull();
    expect(stalled.observe('p2', true, 1_249)).toBeNull();
    expect(stalled.observe('p2', true, 1_250)).toBe(100);
  });

  it('never counts an idle log, however long the checkpoint stays put', () => {
    const stalled = new StalledCheckpoint(100);
    expect(stalled.observe(null, false, 0)).toBeNull();
    expect(stalled.observe(null, false, 10_000)).toBeNull();
    // The first event after the quiet spell starts the wait; it is not overdue at once.
    expect(stalled.observe(null, true, 10_001)).toBeNull();
    expect(stalled.observe(null, true, 10_101)).toBe(100);
  });
});
