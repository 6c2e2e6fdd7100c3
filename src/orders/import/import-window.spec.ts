import {
  clampWindowDays,
  coversWindow,
  incrementalImportWindow,
  requestedImportWindow,
  toWholeSeconds,
  type ImportCheckpoint,
} from './import-window.js';

const NOW = new Date('2025-03-10T12:00:00.000Z');
const hoursAgo = (hours: number) => new Date(NOW.getTime() - hours * 3600_000);
const daysAgo = (days: number) => hoursAgo(days * 24);
const window = (checkpoint: ImportCheckpoint | null, windowDays = 3, configurationRevision: string | null = 'cfg-1') =>
  incrementalImportWindow({ now: NOW, windowDays, checkpoint, configurationRevision });

describe('import window', () => {
  it('clamps the configured days to 1–10 and falls back to 3 for a value that is not a number', () => {
    expect([0, 0.5, 1, 3, 10, 11, 400, -2].map(clampWindowDays)).toEqual([1, 1, 1, 3, 10, 10, 10, 1]);
    expect([Number.NaN, Number.POSITIVE_INFINITY, undefined, null].map(clampWindowDays)).toEqual([3, 3, 3, 3]);
  });

  it('covers the configured days up to now on a first run', () => {
    expect(window(null)).toEqual({ from: daysAgo(3), to: NOW });
    expect(window(null, 25)).toEqual({ from: daysAgo(10), to: NOW });
    expect(window(null, 0)).toEqual({ from: daysAgo(1), to: NOW });
  });

  it('resumes 2 h before the end of the last successful run', () => {
    const checkpoint = { windowTo: hoursAgo(0.25), configurationRevision: 'cfg-1' };
    expect(window(checkpoint)).toEqual({ from: hoursAgo(2.25), to: NOW });
  });

  it('keeps reading from the oldest order still waiting for a retry, within the configured days', () => {
    const waiting = { windowTo: hoursAgo(0.25), configurationRevision: 'cfg-1', retryFrom: hoursAgo(30) };
    expect(window(waiting)).toEqual({ from: hoursAgo(30), to: NOW });
    expect(window({ ...waiting, retryFrom: daysAgo(9) })).toEqual({ from: daysAgo(3), to: NOW });
    expect(window({ ...waiting, retryFrom: hoursAgo(1) })).toEqual({ from: hoursAgo(2.25), to: NOW });
  });

  it('never looks back further than the configured days, however old the last run', () => {
    const checkpoint = { windowTo: daysAgo(30), configurationRevision: 'cfg-1' };
    expect(window(checkpoint)).toEqual({ from: daysAgo(3), to: NOW });
  });

  it('reads the whole window again when the configuration changed since the last run', () => {
    const checkpoint = { windowTo: hoursAgo(0.25), configurationRevision: 'cfg-0' };
    expect(window(checkpoint)).toEqual({ from: daysAgo(3), to: NOW });
  });

  it('still looks 2 h back when the last run ended in our future (another process’s clock ahead)', () => {
    const checkpoint = { windowTo: new Date(NOW.getTime() + 3600_000), configurationRevision: 'cfg-1' };
    expect(window(checkpoint)).toEqual({ from: hoursAgo(2), to: NOW });
  });

  it('overlaps 2 real hours across a change to summer time, not 2 hours of a wall clock', () => {
    // given the last run ended at 03:30 Paris time (+02:00) on 2025-03-30, one hour after clocks went from 02:00 to 03:00
    const now = new Date('2025-03-30T03:45:00+02:00');
    const checkpoint = { windowTo: new Date('2025-03-30T03:30:00+02:00'), configurationRevision: 'cfg-1' };
    // when the next run starts, then it reads from 00:30 +01:00 (3 wall-clock hours earlier, 2 elapsed hours)
    const next = incrementalImportWindow({ now, windowDays: 3, checkpoint, configurationRevision: 'cfg-1' });
    expect(next).toEqual({ from: new Date('2025-03-30T00:30:00+01:00'), to: now });
    expect(next.from.toISOString()).toBe('2025-03-29T23:30:00.000Z');
  });

  it('lets an operator ask explicit bounds wider than 10 days (a backfill), where days stay clamped', () => {
    expect(requestedImportWindow({ from: daysAgo(30), to: daysAgo(5) }, NOW)).toEqual({
      from: daysAgo(30),
      to: daysAgo(5),
    });
    expect(requestedImportWindow({ days: 11 }, NOW)).toEqual({ from: daysAgo(10), to: NOW });
  });

  it('gives an operator days back from now (clamped), explicit bounds, or nothing to use the incremental window', () => {
    expect(requestedImportWindow({ days: 5 }, NOW)).toEqual({ from: daysAgo(5), to: NOW });
    expect(requestedImportWindow({ days: 30 }, NOW)).toEqual({ from: daysAgo(10), to: NOW });
    expect(requestedImportWindow({ from: daysAgo(40) }, NOW)).toEqual({ from: daysAgo(40), to: NOW });
    expect(requestedImportWindow({ to: daysAgo(1) }, NOW)).toEqual({ from: daysAgo(4), to: daysAgo(1) });
    expect(requestedImportWindow({}, NOW)).toBeNull();
  });

  it('asks Lengow for whole seconds, widening the window rather than cutting its last fraction of a second', () => {
    const window = { from: new Date('2025-03-10T09:00:00.999Z'), to: new Date('2025-03-10T12:00:00.001Z') };
    expect(toWholeSeconds(window)).toEqual({
      from: new Date('2025-03-10T09:00:00.000Z'),
      to: new Date('2025-03-10T12:00:01.000Z'),
    });
    expect(toWholeSeconds({ from: NOW, to: NOW })).toEqual({ from: NOW, to: NOW });
  });

  it('moves the checkpoint only for a run that covered the whole incremental window', () => {
    const incremental = window({ windowTo: hoursAgo(1), configurationRevision: 'cfg-1' });
    expect(coversWindow(incremental, incremental)).toBe(true);
    expect(coversWindow({ from: daysAgo(3), to: NOW }, incremental)).toBe(true);
    expect(coversWindow({ from: hoursAgo(1), to: NOW }, incremental)).toBe(false);
    expect(coversWindow({ from: daysAgo(3), to: hoursAgo(1) }, incremental)).toBe(false);
  });
});
