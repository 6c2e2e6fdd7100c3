import { execFile } from 'node:child_process';
import { Writable } from 'node:stream';
import type { Worker } from 'node:worker_threads';
import { freePort } from '../../test/support/free-port.js';
import { RecordingHttpServer } from '../../test/support/recording-http-server.js';
import { createLogger } from '../logging/logger.js';
import { LengowTransportTimeout, type LengowTransportRequest } from './lengow-transport.js';
import { LengowTransportThread, TRANSPORT_CLOSED, TRANSPORT_THREAD_EXITED } from './lengow-transport-thread.js';
import { networkFailure } from './network-failure.js';

let server: RecordingHttpServer;
let thread: LengowTransportThread;

beforeEach(async () => {
  server = await RecordingHttpServer.start();
  thread = new LengowTransportThread();
});

afterEach(async () => {
  // The server first: a request still in flight then fails instead of holding the thread's close.
  await server.close();
  await thread.close();
});

function send(path: string, init: Partial<LengowTransportRequest> = {}, url = `${server.url}${path}`) {
  return thread.transport(url, { method: 'GET', headers: {}, timeoutMs: 10_000, ...init });
}

/** The thread's worker, to end it from outside as a crash would. */
function workerOf(transportThread: LengowTransportThread): Worker | null {
  return (transportThread as unknown as { worker: Worker | null }).worker;
}

describe('LengowTransportThread (undici on the connector’s own thread)', () => {
  it('carries the request and brings back the status, the headers and the whole body', async () => {
    server.answer = (_request, response) => {
      response.setHeader('Retry-After', '7');
      response.setHeader('X-Many', ['a', 'b']);
      response.statusCode = 429;
      response.end('{"detail":"slow down"}');
    };
    const response = await send('/v3.0/orders/moi/', {
      method: 'PATCH',
      headers: { Authorization: 'token', 'Content-Type': 'application/json' },
      body: '{"merchant_order_id":["42"]}',
    });

    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('7');
    expect(response.headers.get('Retry-After')).toBe('7');
    expect(response.headers.get('x-many')).toBe('a, b');
    expect(response.headers.get('x-absent')).toBeNull();
    expect(response.headers.get('constructor')).toBeNull();
    expect(await response.text()).toBe('{"detail":"slow down"}');
    expect(server.seen).toEqual([
      expect.objectContaining({
        method: 'PATCH',
        url: '/v3.0/orders/moi/',
        body: '{"merchant_order_id":["42"]}',
        headers: expect.objectContaining({ authorization: 'token', 'content-type': 'application/json' }),
      }),
    ]);
  });

  it('answers concurrent requests each with its own response', async () => {
    server.answer = (request, response) => {
      // The later requests are answered first.
      setTimeout(() => response.end(request.url), 40 - 10 * Number(request.url.slice(1)));
    };
    const texts = await Promise.all(
      [0, 1, 2, 3].map(async (i) => {
        const response = await send(`/${i}`);
        return response.text();
      }),
    );
    expect(texts).toEqual(['/0', '/1', '/2', '/3']);
  });

  it('rejects with LengowTransportTimeout when no complete answer comes within the timeout', async () => {
    server.answer = (_request, response) => {
      response.writeHead(200);
      response.write('{"half":'); // and never the rest
    };
    const failure = await send('/stalls', { timeoutMs: 150 }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(LengowTransportTimeout);
    expect((failure as LengowTransportTimeout).timeoutMs).toBe(150);
  });

  it('rejects a refused connection with its network code, which the connector knows was never sent', async () => {
    const failure = await send('', {}, `http://127.0.0.1:${await freePort()}/v3.0/orders`).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(Error);
    expect(failure).not.toBeInstanceOf(LengowTransportTimeout);
    expect(networkFailure(failure)).toMatchObject({ code: 'ECONNREFUSED', unsent: true });
  });

  it('when its thread dies: the requests in flight fail as possibly sent, and the next request starts a new thread', async () => {
    let arrived!: () => void;
    const requestArrived = new Promise<void>((resolve) => (arrived = resolve));
    server.answer = () => arrived(); // never answered
    const inFlight = send('/hangs').catch((error: unknown) => error);
    await requestArrived;
    const first = workerOf(thread)!;
    await first.terminate();

    const failure = await inFlight;
    expect(networkFailure(failure)).toMatchObject({ code: TRANSPORT_THREAD_EXITED, unsent: false });

    server.answer = (_request, response) => response.end('back');
    const response = await send('/again');
    expect(await response.text()).toBe('back');
    expect(workerOf(thread)).not.toBe(first);
  });

  it('on close, lets the request in flight finish, ends its thread, and fails later calls', async () => {
    let release!: () => void;
    const requestArrived = new Promise<void>((resolve) => {
      server.answer = (_request, response) => {
        release = () => response.end('late but whole');
        resolve();
      };
    });
    const inFlight = send('/slow');
    await requestArrived;
    const worker = workerOf(thread)!;
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    const closed = thread.close();
    release();
    expect(await (await inFlight).text()).toBe('late but whole');
    await closed;
    await exited;

    const later = await send('/after').catch((error: unknown) => error);
    expect(networkFailure(later)).toMatchObject({ code: TRANSPORT_CLOSED });
    expect(server.seen.map((request) => request.url)).toEqual(['/slow']);
  });

  it('logs why its thread failed, which the failed requests only name by code', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logged = new LengowTransportThread(createLogger({ destination, level: 'info' }));
    try {
      await (await logged.transport(`${server.url}/warm`, { method: 'GET', headers: {}, timeoutMs: 10_000 })).text();
      workerOf(logged)!.emit('error', new Error('out of memory in the transport thread'));
      expect(lines.map((line) => JSON.parse(line) as Record<string, unknown>)).toEqual([
        expect.objectContaining({
          msg: 'Lengow transport thread failed',
          err: expect.objectContaining({ message: 'out of memory in the transport thread' }),
        }),
      ]);
    } finally {
      await logged.close();
    }
  });

  it('does not keep its process alive once no request is in flight', async () => {
    server.answer = (_request, response) => response.end('answered');
    const script = new URL('./testing/idle-transport-thread.ts', import.meta.url);
    const register = new URL('../../test/support/ts-worker-register.mjs', import.meta.url);
    const outcome = await new Promise<{ code: number | null; signal: string | null; stdout: string }>((resolve) => {
      const child = execFile(
        process.execPath,
        ['--import', register.href, script.pathname, `${server.url}/idle`],
        { timeout: 15_000 },
        (_error, stdout) => resolve({ code: child.exitCode, signal: child.signalCode, stdout }),
      );
    });
    // A thread left referenced would hold the process until the timeout killed it.
    expect(outcome).toEqual({ code: 0, signal: null, stdout: '200 answered\n' });
  });

  it('closes at once when it never started a thread', async () => {
    const idle = new LengowTransportThread();
    await idle.close();
    expect(workerOf(idle)).toBeNull();
  });
});
