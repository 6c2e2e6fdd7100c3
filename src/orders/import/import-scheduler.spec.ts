import { Writable } from 'node:stream';
import { createLogger } from '../../logging/logger.js';
import type { OrderSettingsSnapshot } from '../../settings/order-settings.port.js';
import { ImportScheduler, type ScheduledImporter } from './import-scheduler.js';
import type { ImportRunReport } from './order-importer.js';

/** A hand-cranked timer: the test decides when each scheduled callback fires. */
class ManualTimers {
  pending: { callback: () => void; ms: number }[] = [];
  set = (callback: () => void, ms: number) => {
    const timer = { callback, ms };
    this.pending.push(timer);
    return timer;
  };
  clear = (timer: unknown) => {
    this.pending = this.pending.filter((t) => t !== timer);
  };
  async fire(): Promise<number> {
    const timer = this.pending.shift();
    if (!timer) throw new Error('no timer pending');
    timer.callback();
    // Let the tick read the interval and plan the next timer.
    for (let i = 0; i < 5; i++) await Promise.resolve();
    return timer.ms;
  }
}

/** An importer whose runs the test finishes by hand, to see what a tick does while one is going. */
class ControllableImporter implements ScheduledImporter {
  runs = 0;
  stops = 0;
  private finish: (() => void) | null = null;
  get runningRunId(): string | null {
    return this.finish ? `run-${this.runs}` : null;
  }
  runScheduled(): Promise<ImportRunReport> {
    this.runs++;
    return new Promise((resolve) => {
      this.finish = () => {
        this.finish = null;
        resolve({} as ImportRunReport);
      };
    });
  }
  finishRun(): void {
    this.finish?.();
  }
  async stop(): Promise<void> {
    this.stops++;
    this.finishRun();
  }
}

function capturedLogger() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { logger: createLogger({ level: 'info', destination }), lines };
}

function settingsWith(intervalSeconds: number | (() => never)) {
  return {
    current: async () =>
      ({
        importIntervalSeconds: typeof intervalSeconds === 'number' ? intervalSeconds : intervalSeconds(),
      }) as OrderSettingsSnapshot,
  };
}

describe('ImportScheduler', () => {
  it('runs soon after start, then every interval read from the settings before each wait', async () => {
    const timers = new ManualTimers();
    const importer = new ControllableImporter();
    let interval = 60;
    const settings = { current: async () => ({ importIntervalSeconds: interval }) as OrderSettingsSnapshot };
    const scheduler = new ImportScheduler(importer, settings, capturedLogger().logger, {
      initialDelayMs: 1500,
      defaultIntervalSeconds: 300,
      setTimer: timers.set,
      clearTimer: timers.clear,
    });
    scheduler.start();
    scheduler.start();
    expect(timers.pending.map((t) => t.ms)).toEqual([1500]);
    await timers.fire();
    expect(importer.runs).toBe(1);
    expect(timers.pending.map((t) => t.ms)).toEqual([60_000]);
    importer.finishRun();
    interval = 30;
    await timers.fire();
    expect(importer.runs).toBe(2);
    expect(timers.pending.map((t) => t.ms)).toEqual([30_000]);
    await scheduler.stop();
  });

  it('skips (and logs) a tick while the previous run is still going, keeping its cadence', async () => {
    const timers = new ManualTimers();
    const importer = new ControllableImporter();
    const { logger, lines } = capturedLogger();
    const scheduler = new ImportScheduler(importer, settingsWith(60), logger, {
      initialDelayMs: 0,
      defaultIntervalSeconds: 300,
      setTimer: timers.set,
      clearTimer: timers.clear,
    });
    scheduler.start();
    await timers.fire();
    await timers.fire();
    expect(importer.runs).toBe(1);
    expect(lines.map((line) => line.msg)).toContain('scheduled import skipped: the previous run is still going');
    expect(timers.pending).toHaveLength(1);
    importer.finishRun();
    await timers.fire();
    expect(importer.runs).toBe(2);
    await scheduler.stop();
  });

  it('falls back to IMPORT_INTERVAL when the settings cannot be read or hold nonsense', async () => {
    for (const settings of [
      settingsWith(() => {
        throw new Error('event store down');
      }),
      settingsWith(0),
      settingsWith(Number.NaN),
    ]) {
      const timers = new ManualTimers();
      const importer = new ControllableImporter();
      const scheduler = new ImportScheduler(importer, settings, capturedLogger().logger, {
        initialDelayMs: 0,
        defaultIntervalSeconds: 300,
        setTimer: timers.set,
        clearTimer: timers.clear,
      });
      scheduler.start();
      await timers.fire();
      expect(timers.pending.map((t) => t.ms)).toEqual([300_000]);
      await scheduler.stop();
    }
  });

  it('stops: no further tick, and the run in progress is stopped and awaited', async () => {
    const timers = new ManualTimers();
    const importer = new ControllableImporter();
    const scheduler = new ImportScheduler(importer, settingsWith(60), capturedLogger().logger, {
      initialDelayMs: 0,
      defaultIntervalSeconds: 300,
      setTimer: timers.set,
      clearTimer: timers.clear,
    });
    scheduler.start();
    await timers.fire();
    expect(scheduler.started).toBe(true);
    await scheduler.stop();
    expect(scheduler.started).toBe(false);
    expect(importer.stops).toBe(1);
    expect(importer.runningRunId).toBeNull();
    expect(timers.pending).toEqual([]);
    await scheduler.tick();
    expect(importer.runs).toBe(1);
  });
});
