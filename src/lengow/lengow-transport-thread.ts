import type { Worker } from 'node:worker_threads';
import { siblingModule, startModuleWorker } from '../common/start-module-worker.js';
import { silentLogger, type Logger } from '../logging/logger.js';
import {
  LengowTransportTimeout,
  type LengowTransport,
  type LengowTransportRequest,
  type LengowTransportResponse,
} from './lengow-transport.js';
import type {
  FromTransportThread,
  ToTransportThread,
  TransportThreadAnswer,
  TransportThreadError,
  TransportThreadRequest,
} from './lengow-transport-protocol.js';
import { ResponseHeaders } from './response-headers.js';

/** A request was in flight when the thread ended: it may or may not have reached Lengow. */
export const TRANSPORT_THREAD_EXITED = 'LENGOW_TRANSPORT_THREAD_EXITED';
/** The transport was closed: like a closed agent, later calls fail as network failures. */
export const TRANSPORT_CLOSED = 'LENGOW_TRANSPORT_CLOSED';

/**
 * The thread holds little (a request's objects, a page of orders as text at most). With V8's default young generation
 * the engine's peak RSS at 20 000 orders was ≈ 50 MB higher than with the transport on the engine's thread; 8 MB
 * brought that to ≈ 30, 2 MB to ≈ 20, at the same speed.
 */
const THREAD_YOUNG_GENERATION_MB = 2;

interface Pending {
  resolve: (response: LengowTransportResponse) => void;
  reject: (error: Error) => void;
}

/**
 * The connector's default transport: undici's request API on a keep-alive agent, run on a thread of its own.
 *
 * Why: the engine's thread runs every command, saga and append, and it is the import's serial stage. It made one moi
 * PATCH per imported order in undici and the socket; handed to this thread, a request costs it a share of two batched
 * messages (`npm run bench -- connector-moi`: 11 µs of the calling thread's CPU per moi against 32.5, for 48 µs of the
 * process's against 36). At 20 000 orders, with the read models' thread at a lower priority too, the engine's thread
 * ran 0.65–0.75 ms per order instead of 0.69–0.85 (eight alternating pairs, median 0.69 against 0.79).
 *
 * The thread starts on the first request and again after it died (its requests in flight then fail as network
 * failures, `LENGOW_TRANSPORT_THREAD_EXITED`, which the connector's retry rules treat as possibly sent). It keeps the
 * process alive only while a request is in flight. Bodies are read whole on the thread, within the route's timeout.
 */
export class LengowTransportThread {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private outbox: TransportThreadRequest[] = [];
  private closing: Promise<void> | null = null;

  readonly transport: LengowTransport = (url, request) => this.send(url, request);

  /** `logger` hears why the thread ended, which its failed requests only name by code. */
  constructor(private readonly logger: Logger = silentLogger()) {}

  /** Lets the requests in flight finish, closes the connections and ends the thread; later calls fail. */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.ref();
    this.flush();
    worker.postMessage({ type: 'close' } satisfies ToTransportThread);
    await exited;
  }

  private send(url: string, request: LengowTransportRequest): Promise<LengowTransportResponse> {
    if (this.closing) return Promise.reject(threadError({ name: 'Error', code: TRANSPORT_CLOSED }));
    const worker = this.worker ?? this.start();
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      if (this.pending.size === 0) worker.ref();
      this.pending.set(id, { resolve, reject });
      this.outbox.push({ id, url, request });
      if (this.outbox.length === 1) setImmediate(this.flush);
    });
  }

  private readonly flush = (): void => {
    if (this.outbox.length === 0) return;
    const requests = this.outbox;
    this.outbox = [];
    // Requests queued for a thread that has died since were failed with it: the ones left go to a live thread.
    const live = requests.filter(({ id }) => this.pending.has(id));
    if (live.length === 0) return;
    (this.worker ?? this.start()).postMessage({ type: 'requests', requests: live } satisfies ToTransportThread);
  };

  private start(): Worker {
    const worker = startModuleWorker(siblingModule(import.meta.url, 'lengow-transport-worker'), {
      resourceLimits: { maxYoungGenerationSizeMb: THREAD_YOUNG_GENERATION_MB },
    });
    this.worker = worker;
    worker.unref();
    worker.on('message', (message: FromTransportThread) => this.receive(message));
    // An error ends the thread: 'exit' follows, and fails what was in flight.
    worker.on('error', (error) =>
      this.logger.error({ err: { name: error.name, message: error.message } }, 'Lengow transport thread failed'),
    );
    worker.once('exit', () => {
      if (this.worker !== worker) return;
      this.worker = null;
      const failed = [...this.pending.values()];
      this.pending.clear();
      for (const { reject } of failed) reject(threadError({ name: 'Error', code: TRANSPORT_THREAD_EXITED }));
    });
    return worker;
  }

  private receive(message: FromTransportThread): void {
    if (message.type === 'closed') return;
    for (const answer of message.answers) this.settle(answer);
    if (this.pending.size === 0) this.worker?.unref();
  }

  private settle(answer: TransportThreadAnswer): void {
    const pending = this.pending.get(answer.id);
    if (!pending) return;
    this.pending.delete(answer.id);
    if (!answer.ok) {
      pending.reject(threadError(answer.error));
      return;
    }
    const { status, headers, body } = answer;
    pending.resolve({
      status,
      headers: new ResponseHeaders(headers),
      text: () => Promise.resolve(body),
    });
  }
}

/** The thread's failure as the connector classifies it: a LengowTransportTimeout, or an error with its code. */
function threadError(error: TransportThreadError): Error {
  if (error.timeoutMs !== undefined) return new LengowTransportTimeout(error.timeoutMs);
  const rebuilt = new Error(error.code) as Error & { code: string };
  rebuilt.name = error.name;
  rebuilt.code = error.code;
  return rebuilt;
}
