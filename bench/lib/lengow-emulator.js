import { fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'emulator-child.js');
const KEEP_OUTPUT = 8 * 1024;

/**
 * The Lengow emulator as a separate process, as production has Lengow on another machine: its order generation and
 * JSON serialisation then no longer compete with the engine for the event loop, and its memory is not the engine's.
 *
 * Resolves once it listens, with its URL. `stop()` ends it (SIGTERM, then SIGKILL); it is also killed when this
 * process exits or is sent SIGTERM/SIGHUP while it runs, and it exits by itself if this process dies.
 */
export async function startEmulatorProcess({ distDir, seed, orders, readyTimeoutMs = 60_000 }) {
  const child = fork(CHILD, [], {
    env: {
      ...process.env,
      BENCH_EMULATOR_MAIN: join(distDir, 'sandbox', 'main.js'),
      SANDBOX_HOST: '127.0.0.1',
      SANDBOX_PORT: '0',
      SANDBOX_SEED: String(seed),
      SANDBOX_ORDERS: String(orders),
      // Its per-request lines would cost its CPU and fill our pipe; warnings and errors are enough to explain a failure.
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    // Not the bench's own flags (--inspect would clash on its port, heap flags are the engine's experiment); its own
    // with BENCH_EMULATOR_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/emulator-prof` to see where its CPU goes).
    execArgv: (process.env.BENCH_EMULATOR_NODE_ARGS ?? '').split(' ').filter(Boolean),
  });
  let output = '';
  const keep = (chunk) => {
    output = (output + chunk).slice(-KEEP_OUTPUT);
  };
  // Always drained: a full pipe would block the emulator mid-answer.
  child.stdout.setEncoding('utf8').on('data', keep);
  child.stderr.setEncoding('utf8').on('data', keep);

  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const alive = () => child.exitCode === null && child.signalCode === null;
  const killNow = () => {
    if (alive()) child.kill('SIGKILL');
  };
  const onSignal = (signal) => {
    killNow();
    release();
    process.kill(process.pid, signal);
  };
  const release = () => {
    process.off('exit', killNow);
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
  };
  process.on('exit', killNow);
  process.once('SIGTERM', onSignal);
  process.once('SIGHUP', onSignal);

  const stop = async () => {
    try {
      if (alive()) {
        child.kill('SIGTERM');
        const timer = setTimeout(killNow, 5000);
        await exited;
        clearTimeout(timer);
      }
    } finally {
      release();
    }
  };

  try {
    const url = await new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`Lengow emulator not listening after ${readyTimeoutMs} ms:\n${output}`)),
        readyTimeoutMs,
      );
      const onData = () => {
        const match = /listening on (http:\/\/\S+)/.exec(output);
        if (!match) return;
        clearTimeout(timer);
        child.stdout.off('data', onData);
        resolve(match[1]);
      };
      child.stdout.on('data', onData);
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      void exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`Lengow emulator exited (${signal ?? `code ${code}`}) before listening:\n${output}`));
      });
    });
    return {
      url,
      pid: child.pid,
      /** The emulator's own CPU time so far ({ user, system } in µs, like process.cpuUsage()). */
      cpuUsage: () =>
        new Promise((resolve, reject) => {
          if (!alive() || !child.connected) return reject(new Error('Lengow emulator is not running'));
          const onMessage = (message) => {
            if (!message?.cpu) return;
            child.off('message', onMessage);
            resolve(message.cpu);
          };
          child.on('message', onMessage);
          void exited.then(() => reject(new Error('Lengow emulator exited before reporting its CPU time')));
          child.send('cpu');
        }),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
