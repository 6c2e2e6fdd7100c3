import { describe, expect, it } from '@jest/globals';
import { CapturedStream } from './testing/cli-harness.js';
import { createProgressReporter } from './progress-reporter.js';

describe('progress reporter on a stream that is not a terminal', () => {
  it('prints a line per phase change and per 10 % step, not per update', () => {
    const stream = new CapturedStream(false);
    // The clock stands still: only phase changes and steps may print.
    const reporter = createProgressReporter(stream, { label: 'rebuild x', intervalMs: 1000, now: () => 0 });
    for (let processed = 0; processed <= 1000; processed += 10) {
      reporter.update({ processed, target: 1000, phase: 'building' });
    }
    reporter.update({ processed: 1000, target: 1000, phase: 'switching' });
    reporter.finish({ processed: 1000, target: 1000, phase: 'done' });
    const lines = stream.text.trim().split('\n');
    expect(lines[0]).toBe('rebuild x: building 0/1000 events (0%)');
    expect(lines.filter((line) => line.includes('building'))).toHaveLength(11);
    expect(lines.slice(-2)).toEqual([
      'rebuild x: switching 1000/1000 events (100%)',
      'rebuild x: done 1000/1000 events (100%)',
    ]);
  });

  it('without a target, prints at the interval only', () => {
    const stream = new CapturedStream(false);
    let clock = 0;
    const reporter = createProgressReporter(stream, { label: 'scan', intervalMs: 1000, now: () => clock });
    for (let processed = 0; processed < 50; processed++) {
      clock += 100;
      reporter.update({ processed, target: null, phase: 'building' });
    }
    // The first line, then one a second for five seconds.
    expect(stream.text.trim().split('\n')).toHaveLength(5);
    expect(stream.text).toMatch(/^scan: building 0 events\n/);
  });

  it('draws a bar in place on a terminal', () => {
    const stream = new CapturedStream(true);
    const reporter = createProgressReporter(stream, { label: 'rebuild x' });
    reporter.update({ processed: 5, target: 10, phase: 'building' });
    reporter.finish({ processed: 10, target: 10, phase: 'done' });
    expect(stream.text).toMatch(/rebuild x \[[█░]{40}\] 100% \| 10\/10 events \| done/);
    expect(stream.text).not.toMatch(/\n.*\n.*\n/);
  });
});
