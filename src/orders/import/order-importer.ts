import { randomUUID } from 'node:crypto';
import type { CommandBus } from '@nestjs/cqrs';
import type { EventStore, GlobalPosition } from '../../event-store/event-store.port.js';
import type { LengowOrder, ParsedOrder } from '../../lengow/dto/lengow-order.js';
import type { LengowApi } from '../../lengow/lengow-api.port.js';
import { LengowOrderNotFound } from '../../lengow/lengow-errors.js';
import type { Logger } from '../../logging/logger.js';
import { RecordMarketplaceSeen } from '../../settings/commands/settings-commands.js';
import type { OrderSettingsReader, OrderSettingsSnapshot } from '../../settings/order-settings.port.js';
import type { ShopCatalogue } from '../../shop/shop.port.js';
import type { CommandMetadata } from '../commands/command-metadata.js';
import { ExecuteOrderCommand } from '../commands/execute-order-command.js';
import type { ExecuteOptions, OrderCommandResult } from '../commands/order-command-executor.js';
import { loadOrder } from '../commands/order-stream-reader.js';
import { requireOrderRevision } from '../commands/require-order-revision.js';
import { StaleOrderRevision } from '../commands/stale-order-revision.error.js';
import { streamRevision } from '../../event-store/stream-revision.js';
import { EMPTY_CARRIER_MAPPING } from '../domain/carrier-mapping.js';
import type { Actor } from '../domain/event-metadata.js';
import { importDecision } from '../domain/import-decision.js';
import { importFailures, type ImportFailure } from '../domain/import-failure.js';
import type { ImportLookups } from '../domain/import-lookups.js';
import type { MarketplaceDefinition } from '../domain/marketplace-definition.js';
import type { MarketplaceOrderSnapshot } from '../domain/marketplace-order-snapshot.js';
import type { OrderCommand } from '../domain/order-commands.js';
import { OrderDomainError } from '../domain/order-domain-error.js';
import { orderKeyOf, orderStreamName, type OrderKey } from '../domain/order-key.js';
import { toMarketplaceOrderSnapshot } from '../lengow-mapping/to-marketplace-order-snapshot.js';
import { configurationRevision } from './configuration-revision.js';
import { orderDecisionRevision } from './order-decision-revision.js';
import { ImportCommandInvalid } from './commands/import-command-invalid.error.js';
import { ImportAlreadyRunning } from './import-already-running.error.js';
import { ImportLookupsResolver, type ShopImportContext } from './import-lookups-resolver.js';
import { emptyImportRunCounts, increment, type ImportRunCounts } from './import-run-counts.js';
import type { ImportRunKind, ImportRunLog } from './import-run-log.js';
import {
  coversWindow,
  incrementalImportWindow,
  requestedImportWindow,
  toWholeSeconds,
  type ImportWindow,
  type RequestedWindow,
} from './import-window.js';
import { MarketplaceDirectory } from './marketplace-directory.js';
import { needsLookups } from './needs-lookups.js';
import { outcomeOfEvents, type OrderImportResult } from './order-import-result.js';
import { OrderNotFormatted } from './order-not-formatted.error.js';
import { prefetchNext } from './prefetch-next.js';
import type { ReactionsPace } from './reactions-pace.js';
import { RecentKeys } from './recent-keys.js';
import { ShopUnavailable } from './shop-unavailable.error.js';

export type CommandSender = Pick<CommandBus, 'execute'>;

export interface OrderImporterDependencies {
  readonly api: LengowApi;
  readonly shop: ShopCatalogue;
  readonly settings: OrderSettingsReader;
  /** Order commands go through the bus as `ExecuteOrderCommand`, settings sightings as `RecordMarketplaceSeen`. */
  readonly commandBus: CommandSender;
  readonly store: EventStore;
  readonly runs: ImportRunLog;
  readonly logger: Logger;
  /** The reactions a window run keeps pace with, when the app runs them (looked up when a run starts). */
  readonly pace?: () => ReactionsPace | null;
}

export interface OrderImporterOptions {
  /** Orders (each on its own stream) decided at the same time; 16 by default (the module uses 32 on SQLite). */
  readonly concurrency?: number;
  /** Orders per page asked from Lengow (1–100); the connector's default otherwise. */
  readonly pageSize?: number;
  readonly clock?: () => Date;
  readonly newRunId?: () => string;
  /**
   * Refuse a window run while another engine process runs one (default true). The exactly-once tests turn it off to
   * run two processes' imports truly side by side: the check is no lock, and uniqueness must not depend on it.
   */
  readonly refuseWhileAnotherProcessImports?: boolean;
}

export interface ImportRunError {
  readonly code: string;
  readonly message: string;
  /** Whether the next run can be expected to succeed without anyone doing anything. */
  readonly transient: boolean;
}

export interface ImportRunReport {
  readonly runId: string;
  readonly kind: ImportRunKind;
  readonly actor: Actor;
  readonly window: { readonly from: string; readonly to: string } | null;
  readonly outcome: 'succeeded' | 'failed' | 'aborted';
  readonly counts: ImportRunCounts;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly durationMs: number;
  readonly error: ImportRunError | null;
}

export interface ResynchronizeResult {
  readonly orderKey: OrderKey;
  /** False when a re-synchronisation is already pending: asking again changed nothing. */
  readonly requested: boolean;
  readonly events: readonly string[];
}

/** Everything one run (or one operator command) decides with, read once. */
interface ImportSession {
  readonly runId: string;
  readonly trigger: 'poll' | 'operator';
  readonly actor: Actor;
  readonly correlationId: string;
  /** The operator command that asked for the run, if any: the cause of every order command it sends. */
  causationId?: string;
  readonly settings: OrderSettingsSnapshot;
  readonly shop: ShopImportContext;
  readonly configurationRevision: string;
  readonly marketplaces: MarketplaceDirectory;
  /** (marketplace, country) pairs already reported to the settings in this run. */
  readonly sightings: Set<string>;
  sightingsDone: Promise<void>;
}

interface RunningImport {
  readonly runId: string;
  readonly abort: AbortController;
  readonly done: Promise<ImportRunReport>;
}

/**
 * Order versions a run remembers to count repeats as duplicates. Offset paging repeats the previous pages' last
 * orders, far fewer than this; a repeat from further back is decided again, which its run-scoped command id makes
 * a no-op (counted unchanged), so a backfill does not keep one key per order it read.
 */
const RECENT_VERSIONS = 5000;

/**
 * Pages the reactions may lag behind a window run: a few hundred orders, far fewer than their caches hold (thousands),
 * yet enough for the run to keep deciding orders while they work through the previous pages' events.
 */
const PACE_PAGES = 2;

const EMPTY_LOOKUPS: ImportLookups = {
  products: {},
  currencyAvailable: false,
  countries: {},
  carrierMapping: EMPTY_CARRIER_MAPPING,
};

/** Stable, so that a shop outage repeated on every poll is one failure waiting for its backoff, not a new one each time. */
const SHOP_UNAVAILABLE_FAILURE: ImportFailure = {
  code: 'SHOP_UNAVAILABLE',
  message: 'the shop could not be reached to look up the order’s products',
};

function describeError(error: unknown): ImportRunError {
  const candidate = error as { code?: unknown; transient?: unknown; message?: unknown } | null;
  return {
    code: typeof candidate?.code === 'string' ? candidate.code : 'INTERNAL_ERROR',
    message: typeof candidate?.message === 'string' ? candidate.message : String(error),
    transient: candidate?.transient === true,
  };
}

/**
 * The import pipeline: pages through Lengow's orders for a window, turns each into an `ImportOrder` sent through the
 * CommandBus (lookups gathered through the shop port, definitions and settings read once per run) and counts what
 * the order streams decided. Identity and idempotency live in the event store: two runs (in one process or two) over
 * the same orders give one plan per order; a run only advances the incremental window when every order was decided.
 */
export class OrderImporter {
  private readonly lookups: ImportLookupsResolver;
  private readonly concurrency: number;
  private readonly clock: () => Date;
  private readonly newRunId: () => string;
  private running: RunningImport | null = null;

  constructor(
    private readonly deps: OrderImporterDependencies,
    private readonly options: OrderImporterOptions = {},
  ) {
    this.lookups = new ImportLookupsResolver(deps.shop);
    this.concurrency = Math.max(1, Math.floor(options.concurrency ?? 16));
    this.clock = options.clock ?? (() => new Date());
    this.newRunId = options.newRunId ?? randomUUID;
  }

  /** The id of the window run in progress in this process, if any. */
  get runningRunId(): string | null {
    return this.running?.runId ?? null;
  }

  /** The scheduled poll: the incremental window, as the system. */
  runScheduled(): Promise<ImportRunReport> {
    return this.runWindow({}, { actor: 'system' }, 'scheduled');
  }

  /**
   * One window run. With nothing asked, the incremental window (settings' days, resumed 2 h before the last successful
   * run); otherwise the operator's window. Refused with `ImportAlreadyRunning` while another run of this process, or a
   * window run of another engine process on the same database, is going. Lengow errors end the run as failed (its
   * window is read again by the next one); they are not thrown.
   */
  runWindow(
    request: RequestedWindow,
    metadata: Pick<CommandMetadata, 'actor'> & Partial<CommandMetadata>,
    kind: Exclude<ImportRunKind, 'one_order'> = 'window',
  ): Promise<ImportRunReport> {
    // A window starting later than now is empty: said so, rather than run as a "succeeded" run that read nothing.
    if (request.from && request.from.getTime() >= this.clock().getTime()) {
      return Promise.reject(
        new ImportCommandInvalid([
          { field: 'payload.from', message: 'from is in the future: no order is updated then yet' },
        ]),
      );
    }
    if (this.running) return Promise.reject(new ImportAlreadyRunning(this.running.runId));
    const runId = this.newRunId();
    const abort = new AbortController();
    const done = this.executeRun(runId, kind, request, metadata, abort.signal).finally(() => {
      if (this.running?.runId === runId) this.running = null;
    });
    this.running = { runId, abort, done };
    return done;
  }

  /** Stops the run in progress (no new order is started, those in flight finish) and waits for it. */
  async stop(): Promise<void> {
    const running = this.running;
    if (!running) return;
    running.abort.abort();
    await running.done.catch(() => undefined);
  }

  /**
   * One-order mode of the API (`ImportOneOrder`): fetched by (marketplace, id), imported as the operator asked. With
   * `options.expectedRevision` (see {@link OrderImporter.reimport}), a stale revision is refused before the run is
   * recorded or Lengow asked.
   */
  async importOne(
    marketplace: string,
    marketplaceOrderId: string,
    metadata: CommandMetadata,
    options: ExecuteOptions = {},
  ): Promise<OrderImportResult> {
    const requested = orderKeyOf(marketplace, marketplaceOrderId);
    if (options.expectedRevision !== undefined) {
      const stream = orderStreamName(requested);
      requireOrderRevision(stream, options.expectedRevision, await streamRevision(this.deps.store, stream));
    }
    const runId = this.newRunId();
    const startedAt = this.clock();
    const { runs } = this.deps;
    let session: ImportSession | null = null;
    try {
      session = await this.openSession(runId, 'operator', metadata.actor, metadata.correlationId ?? metadata.commandId);
      await runs.start({
        id: runId,
        kind: 'one_order',
        actor: metadata.actor,
        window: null,
        advancesCheckpoint: false,
        configurationRevision: session.configurationRevision,
        startedAt,
      });
      const parsed = await this.fetchOne(requested);
      const result = await this.importParsed(parsed, session, () => metadata.commandId, metadata.causationId, options);
      await session.sightingsDone;
      const counts = emptyImportRunCounts();
      counts.received = 1;
      countResult(counts, result);
      await runs.finish(runId, { outcome: 'succeeded', finishedAt: this.clock(), counts, error: null });
      this.deps.logger.info(
        { runId, orderKey: result.orderKey, outcome: result.outcome.kind, actor: metadata.actor },
        'one-order import done',
      );
      return result;
    } catch (error) {
      const described = describeError(error);
      await this.recordFailedRun(runId, 'one_order', metadata.actor, null, session, startedAt, described);
      throw error;
    }
  }

  /**
   * `ReimportOrderNow`: the order is fetched again from Lengow and decided with fresh lookups (`ReimportOrder`). Only
   * for an order the engine has seen: otherwise `OrderDomainError` ORDER_NOT_FOUND, before Lengow is even asked.
   *
   * `options.expectedRevision` is the revision the operator decided on (If-Match). It is checked here, so a stale
   * request asks nothing of Lengow or the shop, and again as the expected revision of the `ReimportOrder` append,
   * which closes the gap while they are asked. That append is the command's first and only one on the order stream:
   * retiring the old shop orders and creating the new ones are the sagas' reactions to it, so the revision stops there.
   */
  async reimport(
    marketplace: string,
    marketplaceOrderId: string,
    metadata: CommandMetadata,
    options: ExecuteOptions = {},
  ): Promise<OrderImportResult> {
    const requested = orderKeyOf(marketplace, marketplaceOrderId);
    const stream = orderStreamName(requested);
    const revision = await streamRevision(this.deps.store, stream);
    requireOrderRevision(stream, options.expectedRevision, revision);
    if (revision === -1) {
      throw new OrderDomainError(
        'ORDER_NOT_FOUND',
        `order ${stream} has never been seen: import it first (ImportOneOrder), then re-import it`,
      );
    }
    const session = await this.openSession(
      this.newRunId(),
      'operator',
      metadata.actor,
      metadata.correlationId ?? metadata.commandId,
    );
    const parsed = await this.fetchOne(requested);
    if (!parsed.ok) throw new OrderNotFormatted(requested, parsed.reason);
    const known = await session.marketplaces.find(parsed.order.marketplace);
    const snapshot = toMarketplaceOrderSnapshot(parsed.order, known?.lengow ?? null);
    // An operator waiting for an answer is told the shop is unreachable (ShopUnavailable) rather than parked.
    const lookups = known ? await this.resolveLookups(snapshot, known.domain, session) : EMPTY_LOOKUPS;
    const result = await this.send(
      {
        type: 'ReimportOrder',
        data: {
          snapshot,
          definition: known?.domain ?? null,
          lookups,
          settings: session.settings.import,
          configurationRevision: orderDecisionRevision(session.configurationRevision, snapshot),
          now: this.clock().toISOString(),
        },
      },
      { ...metadata },
      options,
    );
    return { orderKey: result.orderKey, outcome: outcomeOfEvents(result.appended), events: types(result) };
  }

  /**
   * `ResynchronizeOrderNow`: asks for the moi to be sent again; the moi saga does the call, after this command's one
   * append, which is why the operator's revision (`options.expectedRevision`) needs checking on that append only.
   */
  async resynchronize(
    marketplace: string,
    marketplaceOrderId: string,
    metadata: CommandMetadata,
    options: ExecuteOptions = {},
  ): Promise<ResynchronizeResult> {
    const orderKey = orderKeyOf(marketplace, marketplaceOrderId);
    const result = await this.send(
      { type: 'ResynchronizeOrder', data: { orderKey, now: this.clock().toISOString() } },
      metadata,
      options,
    );
    return { orderKey: result.orderKey, requested: result.appended.length > 0, events: types(result) };
  }

  // ------------------------------------------------------------------ runs

  private async executeRun(
    runId: string,
    kind: Exclude<ImportRunKind, 'one_order'>,
    request: RequestedWindow,
    metadata: Pick<CommandMetadata, 'actor'> & Partial<CommandMetadata>,
    signal: AbortSignal,
  ): Promise<ImportRunReport> {
    const startedAt = this.clock();
    const counts = emptyImportRunCounts();
    const { runs, logger } = this.deps;
    const actor = metadata.actor;
    // Two processes reading the same window would do no harm (the streams keep orders unique) but twice the work and
    // twice Lengow's quota, as the plugins' in-progress lock avoids. Checked, not locked: two starting in the same
    // instant both run, harmlessly. A history that cannot be read does not stop the import.
    if (this.options.refuseWhileAnotherProcessImports !== false) {
      const elsewhere = await runs.windowRunElsewhere().catch(() => null);
      if (elsewhere !== null) throw new ImportAlreadyRunning(elsewhere, true);
    }
    let session: ImportSession | null = null;
    let window: ImportWindow | null = null;
    try {
      const checkpoint = await runs.checkpoint();
      session = await this.openSession(
        runId,
        'poll',
        actor,
        metadata.correlationId ?? metadata.commandId ?? `import-run:${runId}`,
      );
      session.causationId = metadata.commandId;
      const incremental = incrementalImportWindow({
        now: startedAt,
        windowDays: session.settings.importWindowDays,
        checkpoint,
        configurationRevision: session.configurationRevision,
      });
      window = toWholeSeconds(requestedImportWindow(request, startedAt) ?? incremental);
      await runs.start({
        id: runId,
        kind,
        actor,
        window,
        advancesCheckpoint: coversWindow(window, toWholeSeconds(incremental)),
        configurationRevision: session.configurationRevision,
        startedAt,
      });
    } catch (error) {
      const described = describeError(error);
      await this.recordFailedRun(runId, kind, actor, window, session, startedAt, described);
      return this.report(runId, kind, actor, window, 'failed', counts, startedAt, described);
    }

    logger.info(
      { runId, kind, actor, from: window.from.toISOString(), to: window.to.toISOString() },
      'import run started',
    );
    let listingError: ImportRunError | null = null;
    let retryFrom: Date | null = null;
    try {
      retryFrom = await this.importWindow(window, session, counts, signal);
    } catch (error) {
      listingError = describeError(error);
    }
    await session.sightingsDone;

    const outcome = signal.aborted ? 'aborted' : listingError || counts.errors > 0 ? 'failed' : 'succeeded';
    const error: ImportRunError | null =
      listingError ??
      (counts.errors > 0
        ? { code: 'ORDERS_NOT_DECIDED', message: `${counts.errors} order(s) could not be decided`, transient: true }
        : null);
    const finishedAt = this.clock();
    await runs
      .finish(runId, {
        outcome,
        finishedAt,
        counts,
        retryFrom,
        error: error ? `${error.code}: ${error.message}` : null,
      })
      .catch((cause: unknown) =>
        logger.error({ runId, err: describeError(cause) }, 'import run could not be recorded as finished'),
      );
    const report = this.report(runId, kind, actor, window, outcome, counts, startedAt, error, finishedAt);
    const log = { runId, kind, outcome, counts, durationMs: report.durationMs, error };
    if (outcome === 'succeeded') logger.info(log, 'import run finished');
    else logger.warn(log, 'import run did not complete; its window will be read again');
    return report;
  }

  /**
   * Streams the window's pages and decides their orders, at most `concurrency` at a time; orders of one stream are
   * decided one after the other. The next page is asked for while one is dispatched, so a backfill of any size holds
   * two pages plus the orders in flight. Before a page is dispatched, the reactions are let catch up with the log as
   * it was PACE_PAGES pages earlier (see ReactionsPace).
   */
  private async importWindow(
    window: ImportWindow,
    session: ImportSession,
    counts: ImportRunCounts,
    signal: AbortSignal,
  ): Promise<Date | null> {
    let retryFrom: number | null = null;
    const inFlight = new Set<Promise<void>>();
    const lastOfStream = new Map<string, Promise<void>>();
    const versionsSeen = new RecentKeys(RECENT_VERSIONS);
    const pace = this.deps.pace?.() ?? null;
    const marks: GlobalPosition[] = [];
    const pages = prefetchNext(
      this.deps.api.listOrders({
        updatedFrom: window.from,
        updatedTo: window.to,
        ordering: 'updated_at',
        pageSize: this.options.pageSize,
      }),
    );
    try {
      pages: for await (const page of pages) {
        if (pace) {
          const mark = await pace.mark();
          if (mark !== null) marks.push(mark);
          if (marks.length > PACE_PAGES) await pace.keepUpWith(marks.shift()!, signal);
        }
        for (const parsed of page.orders) {
          if (signal.aborted) break pages;
          counts.received += 1;
          const identity = identityOf(parsed);
          if (parsed.ok) {
            // The same version again (offset paging shifted, or Lengow repeated it): already decided in this run.
            const version = `${identity}\u0000${parsed.order.updatedAt ?? ''}`;
            if (versionsSeen.has(version)) {
              counts.duplicates += 1;
              continue;
            }
            versionsSeen.add(version);
          }
          while (inFlight.size >= this.concurrency) await Promise.race(inFlight);
          const previous = identity === null ? undefined : lastOfStream.get(identity);
          const task: Promise<void> = (previous ?? Promise.resolve())
            .then(() =>
              this.importParsed(
                parsed,
                session,
                (key) => this.runCommandId(session.runId, key, parsed),
                session.causationId,
              ),
            )
            .then(
              (result) => {
                countResult(counts, result);
                if (!result.retryPending) return;
                counts.awaitingRetry += 1;
                const updatedAt = parsed.ok && parsed.order.updatedAt ? Date.parse(parsed.order.updatedAt) : NaN;
                // Without a date, the start of this window keeps it covered.
                const at = Number.isNaN(updatedAt) ? window.from.getTime() : updatedAt;
                retryFrom = retryFrom === null ? at : Math.min(retryFrom, at);
              },
              (error: unknown) => {
                counts.errors += 1;
                this.deps.logger.error(
                  { runId: session.runId, order: identity, err: describeError(error) },
                  'order could not be decided; the run will not advance its window',
                );
              },
            )
            .finally(() => {
              inFlight.delete(task);
              if (identity !== null && lastOfStream.get(identity) === task) lastOfStream.delete(identity);
            });
          inFlight.add(task);
          if (identity !== null) lastOfStream.set(identity, task);
        }
      }
    } finally {
      await Promise.all(inFlight);
    }
    return retryFrom === null ? null : new Date(retryFrom);
  }

  /** The id of the order command a run sends: one per run, order and Lengow version, so a repeat is a no-op. */
  private runCommandId(runId: string, key: OrderKey, parsed: ParsedOrder): string {
    const version = parsed.ok ? (parsed.order.updatedAt ?? '') : 'not-formatted';
    return `import:${runId}:${orderStreamName(key)}:${version}`;
  }

  private async openSession(runId: string, trigger: ImportSession['trigger'], actor: Actor, correlationId: string) {
    const [settings, shop, marketplaces] = await Promise.all([
      this.deps.settings.current(),
      this.lookups.loadContext(),
      MarketplaceDirectory.open(this.deps.api),
    ]);
    const session: ImportSession = {
      runId,
      trigger,
      actor,
      correlationId,
      settings,
      shop,
      configurationRevision: configurationRevision(settings, shop),
      marketplaces,
      sightings: new Set(),
      sightingsDone: Promise.resolve(),
    };
    return session;
  }

  // ------------------------------------------------------------------ one order

  /**
   * Decides one result of a page. Throws only for unexpected errors (store, bus) and a stale operator revision
   * (`options`, one-order mode); verdicts are outcomes. Whichever order command it sends is its only append to the
   * order stream, so that is the one the operator's revision goes on (the marketplace sighting goes to the settings).
   */
  private async importParsed(
    parsed: ParsedOrder,
    session: ImportSession,
    commandIdFor: (key: OrderKey) => string,
    causationId?: string,
    options: ExecuteOptions = {},
  ): Promise<OrderImportResult> {
    if (!parsed.ok) return this.recordNotFormatted(parsed, session, commandIdFor, causationId, options);
    const { order } = parsed;
    const known = await session.marketplaces.find(order.marketplace);
    const snapshot = toMarketplaceOrderSnapshot(order, known?.lengow ?? null);
    const orderKey = safeOrderKey(snapshot.marketplace, snapshot.marketplaceOrderId);
    if (!orderKey) return rejected(null, 'INVALID_ORDER_KEY', 'the order has no usable identity');
    const metadata: CommandMetadata = {
      commandId: commandIdFor(orderKey),
      correlationId: session.correlationId,
      causationId,
      actor: session.actor,
    };
    if (known) this.reportSighting(session, snapshot.marketplace, order, known.domain.label);

    const now = () => this.clock().toISOString();
    const revision = orderDecisionRevision(session.configurationRevision, snapshot);
    const importCommand = (lookups: ImportLookups): OrderCommand => ({
      type: 'ImportOrder',
      data: {
        snapshot,
        definition: known?.domain ?? null,
        lookups,
        settings: session.settings.import,
        configurationRevision: revision,
        now: now(),
        trigger: session.trigger,
      },
    });
    // Unknown marketplace, or an order the rules will not create whatever its stream holds: nothing to look up.
    if (!known || !needsLookups(snapshot, known.domain, session.settings.import))
      return this.tryOrderCommand(orderKey, importCommand(EMPTY_LOOKUPS), metadata, options);
    let lookups: ImportLookups;
    try {
      lookups = await this.resolveLookups(snapshot, known.domain, session);
    } catch (error) {
      if (!(error instanceof ShopUnavailable)) throw error;
      this.deps.logger.warn(
        { runId: session.runId, orderKey, operation: error.operation, err: error.message },
        'shop unreachable while importing an order',
      );
      return this.withoutShop(orderKey, snapshot, known.domain, session, revision, metadata, importCommand, options);
    }
    return this.tryOrderCommand(orderKey, importCommand(lookups), metadata, options);
  }

  /**
   * The shop could not be asked. The rules decide on the order's current state whether lookups matter: an imported
   * order (status changes), one being created, ignored or waiting for its retry goes through ImportOrder as usual,
   * without lookups. Only an order the rules would create now gets a transient failure (the retry policy's backoff
   * applies: the same failure before its retry is due records nothing). Both are sent against the revision the
   * decision was made on; if the stream moved meanwhile, the order is looked at again — unless the operator named a
   * revision: a stream past it is their StaleOrderRevision, never a reason to decide on a newer state for them.
   */
  private async withoutShop(
    orderKey: OrderKey,
    snapshot: MarketplaceOrderSnapshot,
    definition: MarketplaceDefinition,
    session: ImportSession,
    decidedOn: string,
    metadata: CommandMetadata,
    importCommand: (lookups: ImportLookups) => OrderCommand,
    options: ExecuteOptions,
  ): Promise<OrderImportResult> {
    for (let attempt = 1; ; attempt++) {
      const { stream, state, revision } = await loadOrder(this.deps.store, orderKey);
      requireOrderRevision(stream, options.expectedRevision, revision);
      const now = this.clock();
      const decision = importDecision({
        current: state.import,
        importInProgress: state.pendingImport !== null,
        snapshot,
        definition,
        settings: session.settings.import,
        nowMs: now.getTime(),
        trigger: session.trigger,
        configurationRevision: decidedOn,
        retryAfterFix: false,
      });
      const command: OrderCommand =
        decision.kind === 'import'
          ? {
              type: 'RecordImportFailure',
              data: {
                orderKey,
                generation: null,
                kind: 'transient',
                failures: [SHOP_UNAVAILABLE_FAILURE],
                retryPolicy: session.settings.import.retryPolicy,
                configurationRevision: decidedOn,
                // The order's facts go on the failure, so read models can show an order that was never planned.
                snapshot,
                definition,
                now: now.toISOString(),
              },
            }
          : importCommand(EMPTY_LOOKUPS);
      try {
        const result = await this.tryOrderCommand(orderKey, command, metadata, { expectedRevision: revision });
        if (command.type === 'ImportOrder' || result.outcome.kind === 'rejected') return result;
        return { ...result, outcome: { kind: 'transient_failure', message: SHOP_UNAVAILABLE_FAILURE.message } };
      } catch (error) {
        const retry = error instanceof StaleOrderRevision && options.expectedRevision === undefined;
        if (!retry || attempt >= 3) throw error;
      }
    }
  }

  private resolveLookups(
    snapshot: MarketplaceOrderSnapshot,
    definition: MarketplaceDefinition,
    session: ImportSession,
  ): Promise<ImportLookups> {
    const mapping = session.settings.carrierMappings[snapshot.marketplace] ?? EMPTY_CARRIER_MAPPING;
    return this.lookups.resolve(snapshot, definition, session.shop, mapping);
  }

  /**
   * A payload Lengow sent that cannot be represented. With an identity, the reason is recorded on the order's stream
   * as a permanent import failure — unless the order already has shop orders or a creation under way, which a garbled
   * copy must not disturb. The failure carries no configuration revision: it depends on Lengow's data only, so the
   * next well-formed copy of the order is decided afresh. Without an identity there is no stream to write to: the
   * payload is counted and logged with its reason.
   */
  private async recordNotFormatted(
    parsed: Extract<ParsedOrder, { ok: false }>,
    session: ImportSession,
    commandIdFor: (key: OrderKey) => string,
    causationId: string | undefined,
    options: ExecuteOptions,
  ): Promise<OrderImportResult> {
    const { logger } = this.deps;
    const known = parsed.marketplace ? await session.marketplaces.find(parsed.marketplace) : null;
    const orderKey = safeOrderKey(known?.domain.code ?? parsed.marketplace, parsed.marketplaceOrderId);
    if (!orderKey) {
      logger.warn(
        { runId: session.runId, reason: parsed.reason, field: parsed.field },
        'Lengow order not formatted and without identity: counted, nothing to record it on',
      );
      return { orderKey: null, outcome: { kind: 'not_formatted', reason: parsed.reason, recorded: false }, events: [] };
    }
    const { stream, state, revision } = await loadOrder(this.deps.store, orderKey);
    // Checked even when nothing is recorded: the operator's answer must not depend on what Lengow sent.
    requireOrderRevision(stream, options.expectedRevision, revision);
    if (state.import.status === 'imported' || state.pendingImport !== null) {
      logger.warn(
        { runId: session.runId, orderKey, reason: parsed.reason },
        'Lengow sent an unreadable copy of an order already imported (or being imported); kept as it was',
      );
      return { orderKey, outcome: { kind: 'not_formatted', reason: parsed.reason, recorded: false }, events: [] };
    }
    const result = await this.tryOrderCommand(
      orderKey,
      {
        type: 'RecordImportFailure',
        data: {
          orderKey,
          generation: null,
          kind: 'permanent',
          failures: notFormattedFailures(parsed),
          retryPolicy: session.settings.import.retryPolicy,
          configurationRevision: null,
          now: this.clock().toISOString(),
        },
      },
      { commandId: commandIdFor(orderKey), correlationId: session.correlationId, causationId, actor: session.actor },
      options,
    );
    logger.warn({ runId: session.runId, orderKey, reason: parsed.reason }, 'Lengow order not formatted');
    if (result.outcome.kind === 'rejected') return result;
    return { ...result, outcome: { kind: 'not_formatted', reason: parsed.reason, recorded: true } };
  }

  /** Sends an order command; a refusal by the order's stream is an outcome, anything else propagates. */
  private async tryOrderCommand(
    orderKey: OrderKey,
    command: OrderCommand,
    metadata: CommandMetadata,
    options: ExecuteOptions = {},
  ): Promise<OrderImportResult> {
    try {
      const result = await this.send(command, metadata, options);
      const { import: state, pendingImport } = result.state;
      return {
        orderKey: result.orderKey,
        outcome: outcomeOfEvents(result.appended),
        events: types(result),
        retryPending:
          pendingImport === null && state.status === 'not_imported' && state.kind === 'transient' && !state.parked,
      };
    } catch (error) {
      if (!(error instanceof OrderDomainError)) throw error;
      this.deps.logger.warn(
        { orderKey, command: command.type, code: error.code, err: error.message },
        'order command refused by the order stream',
      );
      return rejected(orderKey, error.code, error.message);
    }
  }

  private send(
    command: OrderCommand,
    metadata: CommandMetadata,
    options: ExecuteOptions = {},
  ): Promise<OrderCommandResult> {
    return this.deps.commandBus.execute(new ExecuteOrderCommand(command, metadata, options));
  }

  /**
   * Tells the settings which marketplaces and delivery countries orders come from (carrier mapping coverage): once
   * per (marketplace, country) per run, one command at a time (they all write the settings stream). A failure costs
   * only the notice, never the order.
   */
  private reportSighting(session: ImportSession, marketplace: string, order: LengowOrder, label: string): void {
    // A country that is no alpha-2 code fails the order (INVALID_COUNTRY); it is no country to flag for a mapping.
    const countryOf = (code: string | null | undefined) => {
      const country = code?.trim().toUpperCase() ?? '';
      return /^[A-Z]{2}$/.test(country) ? country : null;
    };
    const countries = new Set(order.packages.map((item) => countryOf(item.delivery.countryIsoA2)));
    for (const country of countries) {
      const key = `${marketplace}\u0000${country ?? ''}`;
      if (session.sightings.has(key)) continue;
      session.sightings.add(key);
      const command = new RecordMarketplaceSeen(
        { marketplace, country, source: 'order', label },
        {
          commandId: `marketplace-seen:${session.runId}:${marketplace}:${country ?? '-'}`,
          correlationId: session.correlationId,
          actor: session.actor,
        },
      );
      session.sightingsDone = session.sightingsDone.then(() =>
        this.deps.commandBus.execute(command).then(
          () => undefined,
          (error: unknown) =>
            this.deps.logger.warn(
              { runId: session.runId, marketplace, country, err: describeError(error) },
              'could not record the marketplace as seen',
            ),
        ),
      );
    }
  }

  /** The requested order in one-order mode; `LengowOrderNotFound` when Lengow does not return it. */
  private async fetchOne(key: OrderKey): Promise<ParsedOrder> {
    let anonymous: ParsedOrder | null = null;
    for await (const page of this.deps.api.listOrders({
      marketplace: key.marketplace,
      marketplaceOrderId: key.marketplaceOrderId,
    })) {
      for (const parsed of page.orders) {
        const marketplace = parsed.ok ? parsed.order.marketplace : parsed.marketplace;
        const orderId = parsed.ok ? parsed.order.marketplaceOrderId : parsed.marketplaceOrderId;
        if (marketplace === undefined && orderId === undefined) {
          anonymous ??= parsed;
          continue;
        }
        if (marketplace?.trim().toLowerCase() === key.marketplace && orderId?.trim() === key.marketplaceOrderId)
          return parsed;
      }
    }
    // Asked for exactly this order, Lengow answered with a payload naming nothing: it is this order, unreadable.
    if (anonymous && !anonymous.ok)
      return { ...anonymous, marketplace: key.marketplace, marketplaceOrderId: key.marketplaceOrderId };
    throw new LengowOrderNotFound(
      `Lengow does not return order ${key.marketplaceOrderId} of marketplace ${key.marketplace}`,
      key.marketplace,
      key.marketplaceOrderId,
    );
  }

  // ------------------------------------------------------------------ bookkeeping

  private async recordFailedRun(
    runId: string,
    kind: ImportRunKind,
    actor: Actor,
    window: ImportWindow | null,
    session: ImportSession | null,
    startedAt: Date,
    error: ImportRunError,
  ): Promise<void> {
    const { runs, logger } = this.deps;
    logger.warn({ runId, kind, actor, error }, 'import run failed before deciding any order');
    try {
      const existing = await runs.get(runId);
      if (!existing) {
        await runs.start({
          id: runId,
          kind,
          actor,
          window,
          advancesCheckpoint: false,
          configurationRevision: session?.configurationRevision ?? null,
          startedAt,
        });
      }
      await runs.finish(runId, {
        outcome: 'failed',
        finishedAt: this.clock(),
        counts: emptyImportRunCounts(),
        error: `${error.code}: ${error.message}`,
      });
    } catch (cause) {
      logger.error({ runId, err: describeError(cause) }, 'import run could not be recorded');
    }
  }

  private report(
    runId: string,
    kind: ImportRunKind,
    actor: Actor,
    window: ImportWindow | null,
    outcome: ImportRunReport['outcome'],
    counts: ImportRunCounts,
    startedAt: Date,
    error: ImportRunError | null,
    finishedAt = this.clock(),
  ): ImportRunReport {
    return {
      runId,
      kind,
      actor,
      window: window ? { from: window.from.toISOString(), to: window.to.toISOString() } : null,
      outcome,
      counts,
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      durationMs: finishedAt.getTime() - startedAt.getTime(),
      error,
    };
  }
}

function types(result: OrderCommandResult): string[] {
  return result.appended.map((event) => event.type);
}

function rejected(orderKey: OrderKey | null, code: string, message: string): OrderImportResult {
  return { orderKey, outcome: { kind: 'rejected', code, message }, events: [] };
}

function safeOrderKey(marketplace: string | undefined, marketplaceOrderId: string | undefined): OrderKey | null {
  try {
    return orderKeyOf(marketplace ?? '', marketplaceOrderId ?? '');
  } catch {
    return null;
  }
}

/** The key orders of one stream are serialised on within a run; null when the payload names no order. */
function identityOf(parsed: ParsedOrder): string | null {
  const key = parsed.ok
    ? safeOrderKey(parsed.order.marketplace, parsed.order.marketplaceOrderId)
    : safeOrderKey(parsed.marketplace, parsed.marketplaceOrderId);
  return key ? orderStreamName(key) : null;
}

/** The plugins' message for what is missing, when they have one, then every problem the connector found. */
function notFormattedFailures(parsed: Extract<ParsedOrder, { ok: false }>): ImportFailure[] {
  const field = parsed.field ?? '';
  const failures: ImportFailure[] = [];
  if (field === 'packages') failures.push(importFailures.noPackage());
  else if (/^packages\[\d+\]\.delivery(\.id)?$/.test(field)) failures.push(importFailures.noDeliveryAddress());
  failures.push(importFailures.notFormatted(parsed.reason));
  return failures;
}

function countResult(counts: ImportRunCounts, { orderKey, outcome }: OrderImportResult): void {
  switch (outcome.kind) {
    case 'planned':
      counts.planned += 1;
      return;
    case 'ignored':
      increment(counts.ignored, outcome.code);
      return;
    case 'failed':
      counts.failedOrders += 1;
      for (const code of new Set(outcome.failures.map((failure) => failure.code))) increment(counts.failed, code);
      return;
    case 'status_changed':
      counts.statusChanged += 1;
      return;
    case 'unchanged':
      counts.unchanged += 1;
      return;
    case 'not_formatted':
      if (outcome.recorded) counts.notFormatted.recorded += 1;
      else if (orderKey === null) counts.notFormatted.withoutIdentity += 1;
      else counts.notFormatted.notRecorded += 1;
      return;
    case 'transient_failure':
      counts.transientFailures += 1;
      return;
    case 'rejected':
      increment(counts.rejected, outcome.code);
      return;
  }
}
