import { performance } from 'node:perf_hooks';
import { EMPTY_CARRIER_MAPPING, type CarrierMappingView } from '../orders/domain/carrier-mapping.js';
import type { EventStore, RecordedEvent } from '../event-store/event-store.port.js';
import type { Logger } from '../logging/logger.js';
import { evolveSettings } from './domain/evolve-settings.js';
import { ORDER_SETTINGS_STREAM, toSettingsEvent } from './domain/settings-events.js';
import { historyEntryOf, type SettingsHistoryEntry } from './domain/settings-history.js';
import { toOrderSettingsSnapshot } from './domain/settings-snapshot.js';
import { initialSettingsState, type OrderSettingsState } from './domain/settings-state.js';
import type { OrderSettingsReader, OrderSettingsSnapshot } from './order-settings.port.js';

/**
 * How stale `current()` may be by default: another process's change is seen at most this long (plus one stream read)
 * after it was appended. Changes made through this process are seen at once (the executor refreshes after appending).
 */
export const DEFAULT_SETTINGS_CACHE_MAX_AGE_MS = 1000;

export interface OrderSettingsCacheOptions {
  /** IMPORT_INTERVAL of the deployment, in seconds: the interval while no event pinned one. */
  readonly defaultIntervalSeconds: number;
  /** See DEFAULT_SETTINGS_CACHE_MAX_AGE_MS; 0 reads the stream tail on every call. */
  readonly maxAgeMs?: number;
  readonly logger?: Logger;
  /** Monotonic milliseconds; tests replace it. */
  readonly now?: () => number;
}

/** The folded stream at one revision. */
export interface LoadedSettings {
  readonly state: OrderSettingsState;
  /** Stream revision of the last event folded; -1 when the stream is empty. */
  readonly revision: number;
  readonly snapshot: OrderSettingsSnapshot;
  /** The audit trail, oldest first (replaced, never mutated, on refresh). */
  readonly history: readonly SettingsHistoryEntry[];
}

interface RunningRead {
  readonly startedAt: number;
  readonly done: Promise<void>;
}

/**
 * The OrderSettingsReader: the settings stream folded in memory and kept up to date by reading only the events after
 * the cached revision (`readStream` from revision + 1), so a refresh with nothing new costs one indexed read returning
 * nothing. The snapshot object is built once per revision and shared (it is frozen).
 *
 * Freshness is by age of the last read, measured from when that read *started*: `current()` re-reads when the last
 * read started more than `maxAgeMs` ago. Reads are serialised (each folds from where the previous one stopped), and
 * concurrent callers share a running read when it is fresh enough for them — so a burst of imports asking per order
 * costs one read per `maxAgeMs`, not one per order.
 */
export class OrderSettingsCache implements OrderSettingsReader {
  private state = initialSettingsState();
  private revision = -1;
  private history: readonly SettingsHistoryEntry[] = [];
  private snapshot: OrderSettingsSnapshot;
  private lastReadStartedAt = Number.NEGATIVE_INFINITY;
  private running: RunningRead | null = null;
  private readonly maxAgeMs: number;
  private readonly now: () => number;

  constructor(
    private readonly store: EventStore,
    private readonly options: OrderSettingsCacheOptions,
  ) {
    this.maxAgeMs = Math.max(0, options.maxAgeMs ?? DEFAULT_SETTINGS_CACHE_MAX_AGE_MS);
    this.now = options.now ?? (() => performance.now());
    this.snapshot = this.buildSnapshot();
  }

  async current(): Promise<OrderSettingsSnapshot> {
    await this.refresh(this.maxAgeMs);
    return this.snapshot;
  }

  async carrierMapping(marketplace: string): Promise<CarrierMappingView> {
    const { carrierMappings } = await this.current();
    const code = typeof marketplace === 'string' ? marketplace.trim().toLowerCase() : '';
    return Object.hasOwn(carrierMappings, code) ? carrierMappings[code] : EMPTY_CARRIER_MAPPING;
  }

  /** The folded state, no older than `maxAgeMs` (0: includes everything appended before the call). */
  async load(maxAgeMs = 0): Promise<LoadedSettings> {
    await this.refresh(maxAgeMs);
    return { state: this.state, revision: this.revision, snapshot: this.snapshot, history: this.history };
  }

  /**
   * Makes sure a read that started no earlier than `maxAgeMs` before this call has been folded. With 0, only a read
   * started after the call counts, so everything appended before the call is seen (read-your-writes).
   */
  async refresh(maxAgeMs: number): Promise<void> {
    const requestedAt = this.now();
    const freshEnough = (startedAt: number) =>
      maxAgeMs > 0 ? startedAt >= requestedAt - maxAgeMs : startedAt > requestedAt;
    for (;;) {
      if (freshEnough(this.lastReadStartedAt)) return;
      const running = this.running;
      if (running) {
        if (freshEnough(running.startedAt)) return running.done;
        // Too old for us: wait for it (reads fold in sequence), then look again.
        await running.done.catch(() => undefined);
        continue;
      }
      return this.startRead();
    }
  }

  private startRead(): Promise<void> {
    const startedAt = this.now();
    const done = this.readTail(startedAt).finally(() => {
      this.running = null;
    });
    this.running = { startedAt, done };
    return done;
  }

  private async readTail(startedAt: number): Promise<void> {
    const from = this.revision + 1;
    let events = await this.store.readStream(ORDER_SETTINGS_STREAM, { fromRevision: from });
    if (events.length > 0 && events[0].revision !== from) {
      // The stream is not the one we folded (recreated under us): fold it again from the start.
      this.state = initialSettingsState();
      this.revision = -1;
      this.history = [];
      events = await this.store.readStream(ORDER_SETTINGS_STREAM);
    }
    if (events.length > 0) {
      for (const recorded of events) this.apply(recorded);
      this.history = this.history.concat(events.map(historyEntryOf));
      this.snapshot = this.buildSnapshot();
    }
    this.lastReadStartedAt = Math.max(this.lastReadStartedAt, startedAt);
  }

  private apply(recorded: RecordedEvent): void {
    const event = toSettingsEvent({
      type: recorded.type,
      data: recorded.data,
      schemaVersion: recorded.metadata.schemaVersion,
    });
    if (event) {
      this.state = evolveSettings(this.state, event);
    } else {
      this.options.logger?.warn(
        { stream: recorded.stream, revision: recorded.revision, type: recorded.type },
        'settings event not understood by this version; skipped',
      );
    }
    this.revision = recorded.revision;
  }

  private buildSnapshot(): OrderSettingsSnapshot {
    return toOrderSettingsSnapshot(this.state, this.revision, {
      importIntervalSeconds: this.options.defaultIntervalSeconds,
    });
  }
}
