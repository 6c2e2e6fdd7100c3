import { InvalidArgumentError, Option, type Command } from 'commander';
import type { OrderCommandResult } from '../../orders/commands/order-command-executor.js';
import { ACTION_TYPES } from '../../orders/domain/marketplace-definition.js';
import type { OrderKey } from '../../orders/domain/order-key.js';
import type { OrderImportResult } from '../../orders/import/order-import-result.js';
import type { ImportRunReport, ResynchronizeResult } from '../../orders/import/order-importer.js';
import type { CliContext } from '../cli-context.js';
import { CliRefusal } from '../cli-refusal.js';
import { cell, sanitise } from '../format-table.js';
import { parseInstant } from '../parse-instant.js';
import { formatOrderKey, parseOrderKey } from '../parse-order-key.js';

const ORDER_HELP = 'the order as <marketplace>:<marketplace order id>, e.g. amazon_fr:402-1234567-0000001';

/** The catalogue and the command bus, loaded only by the commands that send something. */
async function dispatch<Result>(
  ...args: Parameters<typeof import('../dispatch-command.js').dispatchCommand>
): Promise<Result> {
  const { dispatchCommand } = await import('../dispatch-command.js');
  return dispatchCommand<Result>(...args);
}

/** import, reimport, resync, resend, retry-stock: the operator's order commands, through the shared catalogue. */
export function registerOrderWriteCommands(program: Command, context: CliContext): void {
  program
    .command('import')
    .description(
      'Import orders from Lengow now: the incremental window (like the scheduled poll), a window from --since, or one order.',
    )
    .addOption(
      new Option('--since <when>', 'orders updated since this instant (ISO 8601) or this long ago (30m, 6h, 2d)')
        .argParser((value: string) => parseSince(value, context.now()))
        .conflicts('order'),
    )
    .option('--order <order>', ORDER_HELP, parseOrderKey)
    .addHelpText(
      'after',
      '\nExamples:\n  lengow-sync import\n  lengow-sync import --since 6h\n  lengow-sync import --order amazon_fr:402-1234567-0000001',
    )
    .action(async (options: { since?: string; order?: OrderKey }) => {
      if (options.order) {
        const order = options.order;
        const result = await context.withSession({ lengow: true }, (session) =>
          dispatch<OrderImportResult>(session, 'import-order', reference(order), context.metadata()),
        );
        printImportResult(context, order, result);
        return;
      }
      const payload = options.since === undefined ? {} : { from: options.since };
      const report = await context.withSession({ lengow: true }, (session) =>
        dispatch<ImportRunReport>(session, 'import-orders-now', payload, context.metadata()),
      );
      printRunReport(context, report);
    });

  program
    .command('reimport')
    .description(
      'Fetch an order from Lengow again and re-import it: a failed order is retried, an imported one gets new shop ' +
        'orders replacing the old.',
    )
    .argument('<order>', ORDER_HELP, parseOrderKey)
    .action(async (order: OrderKey) => {
      const result = await context.withSession({ lengow: true }, (session) =>
        dispatch<OrderImportResult>(session, 'reimport-order', reference(order), context.metadata()),
      );
      printImportResult(context, order, result);
    });

  program
    .command('resend')
    .description(
      "Send an order's last failed Lengow action again (a new try, arguments built afresh from the current " +
        'settings); the server posts it to Lengow.',
    )
    .argument('<order>', ORDER_HELP, parseOrderKey)
    .addOption(new Option('--type <type>', 'only an action of this type').choices([...ACTION_TYPES]))
    .option(
      '--choice <name=value>',
      'a merchant choice for the action (carrier, reason, refund_reason…); repeatable',
      collectChoice,
      {} as Record<string, string>,
    )
    .addHelpText(
      'after',
      '\nExamples:\n  lengow-sync resend cdiscount:12345678ABCDEF\n  lengow-sync resend fnac:ABCD000000001 --type ship --choice carrier=COLISSIMO',
    )
    .action(async (order: OrderKey, options: { type?: string; choice: Record<string, string> }) => {
      const payload = {
        ...reference(order),
        ...(options.type ? { actionType: options.type } : {}),
        ...(Object.keys(options.choice).length > 0 ? { choices: options.choice } : {}),
      };
      const result = await context.withSession({ lengow: true }, (session) =>
        dispatch<OrderCommandResult>(session, 'resend-order-action', payload, context.metadata()),
      );
      if (context.json) {
        context.printJson({
          orderKey: result.orderKey,
          revision: result.revision,
          events: result.appended.map((e) => e.type),
        });
        return;
      }
      context.print(
        `${sanitise(formatOrderKey(order))}: new try recorded at revision ${result.revision} ` +
          `[${result.appended.map((event) => event.type).join(', ')}]; the server posts it to Lengow`,
      );
    });

  program
    .command('resync')
    .description('Send the merchant order ids (the shop order references) of an imported order to Lengow again.')
    .argument('<order>', ORDER_HELP, parseOrderKey)
    .action(async (order: OrderKey) => {
      const result = await context.withSession({ lengow: true }, (session) =>
        dispatch<ResynchronizeResult>(session, 'resynchronize-order', reference(order), context.metadata()),
      );
      if (context.json) {
        context.printJson(result);
        return;
      }
      context.print(
        result.requested
          ? `${sanitise(formatOrderKey(order))}: re-synchronisation requested (${result.events.join(', ')}); the server sends the ids to Lengow`
          : `${sanitise(formatOrderKey(order))}: a re-synchronisation is already pending; nothing changed`,
      );
    });

  program
    .command('retry-stock')
    .description(
      "Try an order's stock decrement again once the products its failure named are restocked or back in the shop " +
        'catalogue; the server asks the shop again (the units are taken at most once).',
    )
    .argument('<order>', ORDER_HELP, parseOrderKey)
    .action(async (order: OrderKey) => {
      const result = await context.withSession({ lengow: true }, (session) =>
        dispatch<OrderCommandResult>(session, 'retry-stock-decrement', reference(order), context.metadata()),
      );
      const events = result.appended.map((event) => event.type);
      if (context.json) {
        context.printJson({ orderKey: result.orderKey, revision: result.revision, events });
        return;
      }
      context.print(
        events.length > 0
          ? `${sanitise(formatOrderKey(order))}: stock retry recorded at revision ${result.revision} ` +
              `[${events.join(', ')}]; the server asks the shop again`
          : `${sanitise(formatOrderKey(order))}: a stock retry is already under way; nothing changed`,
      );
    });
}

/** A window that starts in the future reads nothing, which an operator who typed it never meant. */
function parseSince(value: string, now: Date): string {
  const since = parseInstant(value, () => now);
  if (Date.parse(since) > now.getTime()) throw new InvalidArgumentError('the instant is in the future');
  return since;
}

function collectChoice(value: string, previous: Record<string, string>): Record<string, string> {
  const equals = value.indexOf('=');
  if (equals <= 0) throw new InvalidArgumentError('expected <name>=<value>, e.g. carrier=COLISSIMO');
  return { ...previous, [value.slice(0, equals).trim()]: value.slice(equals + 1) };
}

function reference(order: OrderKey): { marketplace: string; marketplaceOrderId: string } {
  return { marketplace: order.marketplace, marketplaceOrderId: order.marketplaceOrderId };
}

/**
 * What happened to one order. Recorded outcomes (planned, ignored, not imported…) are the command doing its job:
 * exit 0. The stream refusing the command or an unreadable Lengow payload is a refusal (3); a shop that could not be
 * reached is a failure (4), even though the engine recorded it and will retry.
 */
function printImportResult(context: CliContext, order: OrderKey, result: OrderImportResult): void {
  const { outcome } = result;
  if (outcome.kind === 'rejected') throw new CliRefusal(outcome.code, outcome.message);
  if (outcome.kind === 'not_formatted') {
    throw new CliRefusal(
      'ORDER_NOT_FORMATTED',
      `Lengow sent an order that cannot be read (${outcome.reason})${outcome.recorded ? '; recorded on the order' : ''}`,
    );
  }
  if (context.json) {
    context.printJson(result);
  } else {
    const events = result.events.length > 0 ? ` [${result.events.join(', ')}]` : '';
    context.print(`${sanitise(formatOrderKey(order))}: ${describeOutcome(outcome)}${events}`);
  }
  if (outcome.kind === 'transient_failure') {
    context.failAfterOutput(`the shop could not be reached (${outcome.message}); the engine retries the import later`);
  }
}

function describeOutcome(outcome: OrderImportResult['outcome']): string {
  switch (outcome.kind) {
    case 'planned':
      return `planned ${outcome.shopOrders} shop order${outcome.shopOrders === 1 ? '' : 's'} (the server's import saga creates them)`;
    case 'ignored':
      return `ignored ${outcome.code}: ${cell(outcome.message)}`;
    case 'failed':
      return `not imported: ${outcome.failures.map((failure) => `${failure.code} ${cell(failure.message)}`).join('; ')}`;
    case 'status_changed':
      return `marketplace status now ${cell(outcome.marketplaceStatus)}${outcome.lengowStatus ? ` (Lengow: ${outcome.lengowStatus})` : ''}`;
    case 'unchanged':
      return 'unchanged (nothing new to record)';
    case 'transient_failure':
      return `shop unreachable, retried later: ${cell(outcome.message)}`;
    default:
      return outcome.kind;
  }
}

function printRunReport(context: CliContext, report: ImportRunReport): void {
  if (context.json) context.printJson(report);
  else {
    const { counts } = report;
    const window = report.window ? `${report.window.from} .. ${report.window.to}` : 'no window';
    const sum = (record: Record<string, number>) => Object.values(record).reduce((a, b) => a + b, 0);
    context.print(
      `import ${report.kind} run ${report.runId} ${report.outcome} in ${(report.durationMs / 1000).toFixed(1)} s (${window})`,
    );
    context.print(
      `  received ${counts.received}: planned ${counts.planned}, ignored ${sum(counts.ignored)}, not imported ${counts.failedOrders}, ` +
        `status changed ${counts.statusChanged}, unchanged ${counts.unchanged}, duplicates ${counts.duplicates}, ` +
        `shop unreachable ${counts.transientFailures}, rejected ${sum(counts.rejected)}, errors ${counts.errors}`,
    );
    const notFormatted =
      counts.notFormatted.recorded + counts.notFormatted.withoutIdentity + counts.notFormatted.notRecorded;
    if (notFormatted > 0) context.print(`  unreadable Lengow payloads: ${notFormatted}`);
  }
  if (report.outcome !== 'succeeded') {
    const reason = report.error ? `${report.error.code}: ${report.error.message}` : 'no reason recorded';
    context.failAfterOutput(`the import run ${report.outcome} (${reason})`);
  }
}
