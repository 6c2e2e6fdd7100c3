import { EventEmitter } from 'node:events';
import { jest } from '@jest/globals';
import { stopOnSignals, type StoppableEngine } from './stop-on-signals.js';

/** A process stand-in: signals are events, `exit` is recorded. */
function fakeProcess() {
  const emitter = new EventEmitter();
  const exits: number[] = [];
  return {
    exits,
    signal: (name: 'SIGINT' | 'SIGTERM') => emitter.emit(name),
    target: {
      on: (event: string, listener: () => void) => emitter.on(event, listener),
      exit: (code?: number) => void exits.push(code ?? 0),
    } as unknown as Pick<NodeJS.Process, 'on' | 'exit'>,
  };
}

function engine(close: () => Promise<void>): StoppableEngine & { warnings: string[] } {
  const warnings: string[] = [];
  return {
    warnings,
    logger: {
      info: () => undefined,
      warn: (_fields: unknown, message?: string) => void warnings.push(String(message)),
    },
    close,
  } as unknown as StoppableEngine & { warnings: string[] };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('stopOnSignals', () => {
  afterEach(() => jest.useRealTimers());

  it('exits 0 once the engine closed', async () => {
    const proc = fakeProcess();
    const closes: number[] = [];
    stopOnSignals(
      engine(async () => void closes.push(1)),
      { target: proc.target },
    );
    proc.signal('SIGTERM');
    await flush();
    expect([closes, proc.exits]).toEqual([[1], [0]]);
  });

  it('exits 1 at the deadline when the graceful stop hangs', async () => {
    jest.useFakeTimers();
    const proc = fakeProcess();
    const hung = engine(() => new Promise<void>(() => undefined));
    stopOnSignals(hung, { target: proc.target, deadlineMs: 5_000 });
    proc.signal('SIGTERM');
    jest.advanceTimersByTime(4_999);
    expect(proc.exits).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(proc.exits).toEqual([1]);
    expect(hung.warnings[0]).toMatch(/graceful stop took too long/);
  });

  it('exits at once on a second signal, closing only once', async () => {
    const proc = fakeProcess();
    let closes = 0;
    stopOnSignals(
      engine(() => {
        closes += 1;
        return new Promise<void>(() => undefined);
      }),
      { target: proc.target, deadlineMs: 60_000 },
    );
    proc.signal('SIGINT');
    proc.signal('SIGTERM');
    expect([closes, proc.exits]).toEqual([1, [1]]);
  });

  it('exits 1 when the graceful stop fails', async () => {
    const proc = fakeProcess();
    stopOnSignals(
      engine(() => Promise.reject(new Error('database gone'))),
      { target: proc.target },
    );
    proc.signal('SIGTERM');
    await flush();
    expect(proc.exits).toEqual([1]);
  });
});
