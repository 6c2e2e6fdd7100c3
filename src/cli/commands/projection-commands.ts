import { Argument, type Command } from 'commander';
import { orderReadModelsOf } from '../../boot/infrastructure.js';
import type { SqlDatabase } from '../../database/sql-database.port.js';
import type { EventStore } from '../../event-store/event-store.port.js';
import { ProjectionCatalog } from '../../event-store/projections/projection-catalog.js';
import { ProjectionRunner } from '../../event-store/projections/projection-runner.js';
import type { RebuildProgress, RebuildResult } from '../../event-store/projections/rebuild-progress.js';
import { OverviewDriftCheck, type DriftReport } from '../../orders/audit/overview-drift-check.js';
import { ORDER_OVERVIEW_PROJECTION } from '../../orders/projections/overview-projection.js';
import type { CliContext } from '../cli-context.js';
import { CliRefusal } from '../cli-refusal.js';
import { countEventsAfter } from '../count-events-after.js';
import { ExitCode } from '../exit-codes.js';
import { cell, formatTable } from '../format-table.js';
import { knownProjections } from '../known-projections.js';
import { createProgressReporter, type ProgressReporter } from '../progress-reporter.js';
import { runningServerUrl } from '../server-probe.js';

/** Differences listed by a human-readable verify; JSON gets up to the drift check's own bound. */
const SHOWN_DIFFERENCES = 50;

export function registerProjectionCommands(program: Command, context: CliContext): void {
  const projections = program
    .command('projections')
    .description('Inspect, check and rebuild the read models (the order overview).');

  projections
    .command('status')
    .description('Per projection: code and live version, state, checkpoint, events behind, rebuild in progress.')
    .action(async () => {
      const rows = await context.withStores(({ infrastructure }) =>
        projectionStatus(orderReadModelsOf(infrastructure), infrastructure.eventStore),
      );
      if (context.json) {
        context.printJson({ projections: rows });
        return;
      }
      context.print(
        formatTable(
          ['NAME', 'VERSION', 'LIVE', 'STATE', 'CHECKPOINT', 'BEHIND', 'REBUILD', 'LAST ERROR'],
          rows.map((row) => [
            row.name,
            row.version,
            row.liveVersion ?? '-',
            row.state,
            row.position ?? '-',
            `${row.behind.count}${row.behind.capped ? '+' : ''}`,
            row.rebuild ? `${row.rebuild.processed} events, since ${row.rebuild.startedAt}` : '-',
            row.lastError ?? '',
          ]),
        ),
      );
    });

  projections
    .command('verify')
    .description(
      'Drift check: compare every overview row with a fresh fold of its events. Exits 1 when drift is found.',
    )
    .action(async () => {
      const report = await context.withStores(async ({ infrastructure }) => {
        const readModels = orderReadModelsOf(infrastructure);
        const checkpoint = await new ProjectionCatalog()
          .checkpoint(readModels, ORDER_OVERVIEW_PROJECTION)
          .catch(() => undefined);
        if (!checkpoint) {
          throw new CliRefusal(
            'PROJECTION_NOT_BUILT',
            `${ORDER_OVERVIEW_PROJECTION} has never run on this database: start the server or run ` +
              `"lengow-sync projections rebuild ${ORDER_OVERVIEW_PROJECTION}" first`,
          );
        }
        // A bar on a terminal only: the outcome is the exit status and the report, not a log of percentages.
        const reporter = context.io.stderr.isTTY
          ? createProgressReporter(context.io.stderr, { label: `verify ${ORDER_OVERVIEW_PROJECTION}` })
          : undefined;
        const result = await new OverviewDriftCheck(readModels, infrastructure.eventStore).run({
          onProgress: (progress) =>
            reporter?.update({ processed: progress.checked, target: progress.total, phase: progress.phase }),
        });
        reporter?.finish();
        return result;
      });
      if (report.drifted > 0) context.exitCode = ExitCode.driftFound;
      if (context.json) {
        context.printJson({ projection: ORDER_OVERVIEW_PROJECTION, clean: report.drifted === 0, ...report });
        return;
      }
      printDrift(context, report);
    });

  projections
    .command('rebuild')
    .description(
      'Rebuild a projection from the first event into new tables, then switch readers over in one transaction.',
    )
    .addArgument(
      new Argument('<name>', 'the projection to rebuild').choices(
        knownProjections().map((projection) => projection.name),
      ),
    )
    .option('--force', 'rebuild even though a server answers on this configuration (restart it afterwards)')
    .addHelpText(
      'after',
      '\nWhile the server runs, its projection runner owns the checkpoints: a rebuild from a second process makes the' +
        '\nserver\'s runner stand down ("superseded") until events have waited 30 s behind the checkpoint, or until it' +
        '\nrestarts. Stop the server first, or use --force and restart it afterwards.',
    )
    .action(async (name: string, options: { force?: boolean }) => {
      const result = await context.withStores(async ({ config, infrastructure, logger }) => {
        const server = await runningServerUrl(config);
        if (server && !options.force) {
          throw new CliRefusal(
            'SERVER_RUNNING',
            `the engine at ${server} runs this projection; stop it first (or pass --force and restart it afterwards)`,
          );
        }
        // Progress on stdout like the result, unless stdout carries JSON: then on stderr.
        const stream = context.json ? context.io.stderr : context.io.stdout;
        const reporter = createProgressReporter(stream, { label: `rebuild ${name}` });
        let lastProgress: RebuildProgress | undefined;
        const readModels = orderReadModelsOf(infrastructure);
        const runner = new ProjectionRunner({
          store: infrastructure.eventStore,
          db: readModels,
          projections: knownProjections(),
          pollIntervalMs: 100,
          logger: logger.child({ component: 'cli-rebuild' }),
          // Every rebuild reports here, including one the runner starts by itself for a new projection version.
          onRebuildProgress: (progress) => {
            lastProgress = progress;
            reportRebuild(reporter, progress);
          },
        });
        await runner.start();
        try {
          return await rebuild(runner, name, readModels, () => lastProgress?.processed ?? 0);
        } finally {
          await runner.stop();
        }
      });
      if (context.json) {
        context.printJson(result);
        return;
      }
      context.print(
        `rebuilt ${result.projection} (version ${result.version}, generation ${result.generation}): ` +
          `${result.processed} events scanned, checkpoint ${result.position ?? '-'}`,
      );
    });
}

function reportRebuild(reporter: ProgressReporter, progress: RebuildProgress): void {
  const update = { processed: progress.processed, target: progress.target, phase: progress.phase };
  if (progress.phase === 'done') reporter.finish(update);
  else reporter.update(update);
}

/**
 * Rebuilds `name`, or — when the runner found the live tables built by another version and already rebuilds them —
 * waits for that rebuild, which is the same work.
 */
async function rebuild(
  runner: ProjectionRunner,
  name: string,
  db: SqlDatabase,
  processed: () => number,
): Promise<RebuildResult> {
  const status = () => runner.status().find((candidate) => candidate.name === name);
  if (status()?.state !== 'rebuilding') return runner.rebuild(name);
  let last = status();
  while (last?.state === 'rebuilding') {
    await new Promise((resolve) => setTimeout(resolve, 100));
    last = status();
  }
  if (!last || last.state !== 'running') {
    throw new Error(
      `the rebuild of ${name} stopped in state ${last?.state ?? 'unknown'}: ${last?.lastError ?? 'no error recorded'}`,
    );
  }
  const checkpoint = await new ProjectionCatalog().checkpoint(db, name);
  return {
    projection: name,
    version: last.version,
    generation: checkpoint?.generation ?? 0,
    position: last.position,
    processed: processed(),
  };
}

interface StatusRow {
  name: string;
  version: number;
  liveVersion: number | null;
  state: 'never run' | 'running' | 'failed' | 'needs rebuild';
  position: string | null;
  behind: { count: number; capped: boolean };
  generation: number | null;
  lastError: string | null;
  failedPosition: string | null;
  updatedAt: string | null;
  rebuild: {
    version: number;
    generation: number;
    processed: number;
    startedAt: string;
    position: string | null;
  } | null;
}

/** Read from the runner's own tables: the server's runner is in another process, this is what it leaves behind. */
async function projectionStatus(db: SqlDatabase, store: EventStore): Promise<StatusRow[]> {
  const catalog = new ProjectionCatalog();
  const rows: StatusRow[] = [];
  for (const projection of knownProjections()) {
    // The bookkeeping tables do not exist before the first run anywhere: that is "never run", not an error.
    const checkpoint = await catalog.checkpoint(db, projection.name).catch(() => undefined);
    const build = await catalog.build(db, projection.name).catch(() => undefined);
    const state: StatusRow['state'] = !checkpoint
      ? 'never run'
      : checkpoint.status === 'failed'
        ? 'failed'
        : checkpoint.version !== projection.version
          ? 'needs rebuild'
          : 'running';
    rows.push({
      name: projection.name,
      version: projection.version,
      liveVersion: checkpoint?.version ?? null,
      state,
      position: checkpoint?.position ?? null,
      behind: await countEventsAfter(store, checkpoint?.position ?? null),
      generation: checkpoint?.generation ?? null,
      lastError: checkpoint?.lastError ?? null,
      failedPosition: checkpoint?.failedPosition ?? null,
      updatedAt: checkpoint?.updatedAt ?? null,
      rebuild: build
        ? {
            version: build.version,
            generation: build.generation,
            processed: build.processed,
            startedAt: build.startedAt,
            position: build.position,
          }
        : null,
    });
  }
  return rows;
}

function printDrift(context: CliContext, report: DriftReport): void {
  const where = `checkpoint ${report.checkpoint ?? '-'}`;
  if (report.drifted === 0) {
    context.print(`${ORDER_OVERVIEW_PROJECTION}: ${report.checked} rows checked, no drift (${where})`);
    return;
  }
  context.print(
    `${ORDER_OVERVIEW_PROJECTION}: DRIFT in ${report.drifted} of ${report.checked} rows (${where}); ` +
      `${report.differences.length}${report.truncated ? '+' : ''} differences`,
  );
  const shown = report.differences.slice(0, SHOWN_DIFFERENCES);
  context.print(
    formatTable(
      ['STREAM', 'FIELD', 'COLUMN', 'LIVE', 'FRESH'],
      shown.map((d) => [d.stream, d.field, d.column, clip(d.live), clip(d.fresh)]),
    ),
  );
  if (report.differences.length > shown.length) {
    context.print(`… ${report.differences.length - shown.length} more (use --json for all)`);
  }
}

function clip(value: unknown): string {
  const text = cell(value === undefined ? 'undefined' : JSON.stringify(value));
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
