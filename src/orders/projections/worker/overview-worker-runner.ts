import type { Worker } from 'node:worker_threads';
import { siblingModule, startModuleWorker } from '../../../common/start-module-worker.js';
import type { GlobalPosition } from '../../../event-store/event-store.port.js';
import type { ProjectionStatus } from '../../../event-store/projections/projection-status.js';
import type { ReadModelRunner, WaitOptions } from '../../../event-store/projections/read-model-runner.js';
import type { RebuildProgress, RebuildResult } from '../../../event-store/projections/rebuild-progress.js';
import type { Logger } from '../../../logging/logger.js';
import {
  fromWorkerError,
  type FromOverviewWorker,
  type OverviewWorkerData,
  type ToOverviewWorker,
} from './overview-worker-protocol.js';

type Request = ToOverviewWorker extends infer M ? (M extends { id: number } ? Omit<M, 'id'> : never) : never;

const STOP_GRACE_MS = 5_000;
const WORKER_YOUNG_GENERATION_MB = 12;
/**
 * The thread's default niceness below the engine's: the lowest priority there is. The engine's thread runs every
 * command, saga and append: it is the import's serial stage, and it waits for a core while this thread, the
 * connector's and V8's helpers share the other. The read models may lag: the import keeps pace with them anyway. At
 * 20 000 orders on the fast-CPU machine, 19 won six pairs of six against 10 (median 1 005 against 966 orders/s; the
 * wait for a core 0.17–0.21 ms per order against 0.21–0.26), and 10 had shortened that wait from 0.19 to 0.14.
 */
export const READ_MODELS_NICENESS = 19;

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  onProgress?: (progress: RebuildProgress) => void;
}

/**
 * The order read models' runner on a worker thread, behind the same interface as the ProjectionRunner it hosts.
 *
 * Why: on SQLite the overview projection took about a third of the engine's only thread during an import (folding,
 * encoding and writing each order's row, search terms and counters). On its own thread, writing its own file, it
 * runs on the second core; sharing the engine's file instead made both slower, since SQLite lets one connection write
 * at a time and a blocked better-sqlite3 call blocks its whole thread.
 *
 * Status is pushed by the worker whenever it changes (and with every answer), so `status()` stays synchronous. If the
 * worker dies, every waiter is rejected, the projection reads as failed with the reason, and `resume` starts a new
 * worker, which carries on from the stored checkpoint.
 */
export class OverviewWorkerRunner implements ReadModelRunner {
  private worker?: Worker;
  private exited?: Promise<void>;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private statuses: ProjectionStatus[] = [];
  private phase: 'idle' | 'running' | 'stopping' = 'idle';
  private death: string | null = null;

  constructor(
    private readonly data: OverviewWorkerData,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    if (this.phase !== 'idle') throw new Error(`projection runner is already ${this.phase}`);
    this.phase = 'running';
    try {
      await this.launch();
    } catch (error) {
      this.phase = 'idle';
      throw error;
    }
  }

  async stop(): Promise<void> {
    if (this.phase !== 'running') return;
    this.phase = 'stopping';
    const worker = this.worker;
    if (worker && this.death === null) await this.request({ type: 'stop' }).catch(() => undefined);
    // Its batches are finished and its files closed: a thread that still does not exit is ended.
    const ended = setTimeout(() => void worker?.terminate(), STOP_GRACE_MS);
    await this.exited;
    clearTimeout(ended);
    this.worker = undefined;
    this.phase = 'idle';
  }

  status(): ProjectionStatus[] {
    return this.statuses.map((status) => ({ ...status }));
  }

  async waitUntilCaughtUp(position?: GlobalPosition | null, options: WaitOptions = {}): Promise<void> {
    this.assertRunning();
    await this.request({ type: 'wait', position, projections: options.projections, timeoutMs: options.timeoutMs });
  }

  rebuild(name: string, options: { onProgress?: (progress: RebuildProgress) => void } = {}): Promise<RebuildResult> {
    if (this.phase !== 'running') return Promise.reject(new Error('projection runner is not running'));
    return this.request({ type: 'rebuild', name }, options.onProgress) as Promise<RebuildResult>;
  }

  async resume(name: string): Promise<void> {
    if (this.phase !== 'running') throw new Error('projection runner is not running');
    if (this.death !== null) {
      // The thread is gone: a new one resumes every projection from its stored checkpoint.
      if (!this.statuses.some((s) => s.name === name)) throw new Error(`unknown projection ${name}`);
      await this.launch();
      return;
    }
    await this.request({ type: 'resume', name });
  }

  wake(): void {
    if (this.worker && this.death === null) this.post({ type: 'wake' });
  }

  private async launch(): Promise<void> {
    this.death = null;
    const worker = startModuleWorker(siblingModule(import.meta.url, 'overview-worker'), {
      workerData: { niceness: READ_MODELS_NICENESS, ...this.data } satisfies OverviewWorkerData,
      // V8's default young generation let the thread's heap grow to ≈ 110 MB for ≈ 60 MB in use; 12 MB kept the
      // import as fast and peak RSS 20–40 MB lower (4 MB saved nothing more).
      resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
    });
    this.worker = worker;
    worker.on('message', (message: FromOverviewWorker) => this.receive(message));
    let failure: Error | undefined;
    worker.on('error', (error) => {
      failure = error;
    });
    this.exited = new Promise<void>((resolve) =>
      worker.once('exit', (code) => {
        if (this.worker === worker) this.died(failure, code);
        resolve();
      }),
    );
    try {
      await this.request({ type: 'start' });
    } catch (error) {
      // The runner in the thread could not start (its reason is the error): the thread is ended, not left idle.
      if (this.worker === worker && this.death === null) {
        this.worker = undefined;
        await worker.terminate();
      }
      throw error;
    }
  }

  private died(error: Error | undefined, code: number): void {
    const clean = this.phase === 'stopping' && error === undefined;
    if (clean) return;
    this.death = error
      ? `the read models' worker thread failed: ${error.message}`
      : `the read models' worker thread exited (code ${code})`;
    this.logger.error({ err: error, code }, 'order read models worker stopped');
    this.statuses = this.statuses.map((status) => ({ ...status, state: 'failed', lastError: this.death }));
    for (const [id, pending] of this.pending) {
      this.pending.delete(id);
      pending.reject(new Error(this.death));
    }
  }

  private receive(message: FromOverviewWorker): void {
    switch (message.type) {
      case 'log':
        return this.relog(message.line);
      case 'status':
        this.statuses = message.statuses;
        return;
      case 'rebuild-progress':
        return this.pending.get(message.id)?.onProgress?.(message.progress);
      case 'reply': {
        this.statuses = message.statuses;
        const pending = this.pending.get(message.id);
        if (!pending) return;
        this.pending.delete(message.id);
        if (message.ok) pending.resolve(message.value);
        else pending.reject(fromWorkerError(message.error));
        return;
      }
    }
  }

  private request(request: Request, onProgress?: (progress: RebuildProgress) => void): Promise<unknown> {
    if (this.death !== null) return Promise.reject(new Error(this.death));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onProgress });
      this.post({ ...request, id } as ToOverviewWorker);
    });
  }

  private post(message: ToOverviewWorker): void {
    this.worker!.postMessage(message);
  }

  private assertRunning(): void {
    if (this.phase !== 'running' && this.phase !== 'stopping') throw new Error('projection runner is not running');
  }

  /** A pino line from the worker, written again through the engine's logger (its level, redaction and output). */
  private relog(line: string): void {
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    const { level, msg, time: _time, ...fields } = record;
    const label = this.logger.levels.labels[Number(level)] as 'info' | undefined;
    const log = label && typeof this.logger[label] === 'function' ? this.logger[label].bind(this.logger) : null;
    log?.(fields, typeof msg === 'string' ? msg : '');
  }
}
