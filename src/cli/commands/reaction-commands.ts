import type { Command } from 'commander';
import type {
  ReplayParkedEventsResult,
  ReplayParkedShopChangesResult,
} from '../../interfaces/catalogue/reaction-commands.js';
import { WaitingReactionsReader, type WaitingReactions } from '../../interfaces/catalogue/waiting-reactions.js';
import type { CliContext } from '../cli-context.js';
import { CliRefusal } from '../cli-refusal.js';
import { formatTable, sanitise } from '../format-table.js';
import { integerIn } from '../parse-integer.js';

/** The catalogue and the command bus, loaded only by the commands that send something. */
async function dispatch<Result>(
  ...args: Parameters<typeof import('../dispatch-command.js').dispatchCommand>
): Promise<Result> {
  const { dispatchCommand } = await import('../dispatch-command.js');
  return dispatchCommand<Result>(...args);
}

/**
 * The bridge hands events to the in-process EventBus handlers: replayed here, only this short-lived process would hear
 * them, and the row would be gone for the server's. It is replayed through the server (HTTP or NATS) instead.
 */
const SERVER_ONLY_CONSUMERS = new Set(['event-bus', 'nats-publisher']);

/** reactions parked | replay | replay-shop-changes: what the reactions left waiting, and its re-drive. */
export function registerReactionCommands(program: Command, context: CliContext): void {
  const reactions = program
    .command('reactions')
    .description(
      'What the reactions could not finish on their own (parked events, parked shop changes, deferred action ' +
        'requests), and its replay once the cause is fixed.',
    );

  reactions
    .command('parked')
    .description(
      'List what waits: events a consumer parked, shop changes the feed could not record, and Lengow action ' +
        'requests deferred (those the engine retries by itself), each with its reason.',
    )
    .option('--limit <n>', 'rows listed per kind (default 200); the counts cover every row', integerIn(1, 1000))
    .action(async (options: { limit?: number }) => {
      const waiting = await context.withStores(({ infrastructure }) =>
        new WaitingReactionsReader(infrastructure.readModels).list(options.limit),
      );
      if (context.json) {
        context.printJson(waiting);
        return;
      }
      printWaiting(context, waiting);
    });

  reactions
    .command('replay')
    .description(
      "Hand a consumer's parked events (one with --event, else all in log order) to its handler again, in this " +
        'process; handled ones leave the list, failing ones stay parked with the new reason. Exits 0 either way: ' +
        'the outcomes say which.',
    )
    .argument('<consumer>', 'the consumer, as "reactions parked" names it (e.g. saga:ShopOrderSagas)')
    .option('--event <id>', 'only this parked event')
    .action(async (consumer: string, options: { event?: string }) => {
      if (SERVER_ONLY_CONSUMERS.has(consumer)) {
        throw new CliRefusal(
          'REPLAY_ON_SERVER',
          `${consumer} hands events to the server's own process: replay it there ` +
            `(POST /api/reactions/parked-events/${consumer}/replay, or the bus's replay-parked-events)`,
        );
      }
      const payload = options.event === undefined ? { consumer } : { consumer, eventId: options.event };
      const result = await context.withSession({ lengow: true }, (session) =>
        dispatch<ReplayParkedEventsResult>(session, 'replay-parked-events', payload, context.metadata()),
      );
      printReplay(
        context,
        result,
        ['EVENT', 'OUTCOME', 'REASON'],
        result.outcomes.map((o) => [o.eventId, o.outcome, o.reason ?? '']),
        `${result.stillParked} event(s) of ${sanitise(result.consumer)} still parked`,
      );
    });

  reactions
    .command('replay-shop-changes')
    .description(
      'Record parked shop changes (one with --change, else all) on their orders again; recorded ones leave the list.',
    )
    .option('--change <id>', 'only this change of the shop feed', integerIn(1, Number.MAX_SAFE_INTEGER))
    .action(async (options: { change?: number }) => {
      const payload = options.change === undefined ? {} : { changeId: options.change };
      const result = await context.withSession({ lengow: true }, (session) =>
        dispatch<ReplayParkedShopChangesResult>(session, 'replay-parked-shop-changes', payload, context.metadata()),
      );
      printReplay(
        context,
        result,
        ['CHANGE', 'OUTCOME'],
        result.outcomes.map((o) => [o.changeId, o.outcome]),
        `${result.stillParked} shop change(s) still parked`,
      );
    });
}

function printWaiting(context: CliContext, waiting: WaitingReactions): void {
  const { counts } = waiting;
  context.print(
    `parked events: ${counts.parked_event}, parked shop changes: ${counts.parked_shop_change}, ` +
      `deferred action requests: ${counts.deferred_action_request}`,
  );
  if (waiting.parkedEvents.length > 0) {
    context.print('\nParked events (replay: lengow-sync reactions replay <consumer> [--event <id>])');
    context.print(
      formatTable(
        ['CONSUMER', 'EVENT', 'TYPE', 'STREAM', 'REV', 'ATTEMPTS', 'PARKED AT', 'REASON'],
        waiting.parkedEvents.map((e) => [
          e.consumer,
          e.eventId,
          e.type,
          e.stream,
          e.revision,
          e.attempts,
          e.parkedAt,
          e.reason,
        ]),
      ),
    );
  }
  if (waiting.parkedShopChanges.length > 0) {
    context.print('\nParked shop changes (replay: lengow-sync reactions replay-shop-changes [--change <id>])');
    context.print(
      formatTable(
        ['CHANGE', 'KIND', 'ORDER', 'SHOP ORDER', 'CODE', 'ATTEMPTS', 'PARKED AT', 'REASON'],
        waiting.parkedShopChanges.map((c) => [
          c.changeId,
          c.kind,
          `${c.marketplace}:${c.marketplaceOrderId}`,
          c.shopOrderId,
          c.code ?? '',
          c.attempts,
          c.parkedAt,
          c.reason,
        ]),
      ),
    );
  }
  if (waiting.deferredActionRequests.length > 0) {
    context.print('\nDeferred action requests (retried by the engine with backoff)');
    context.print(
      formatTable(
        ['STREAM', 'ACTION', 'CHANGE', 'ATTEMPTS', 'NEXT ATTEMPT', 'REASON'],
        waiting.deferredActionRequests.map((r) => [
          r.stream,
          r.actionType,
          r.changeId,
          r.attempts,
          r.nextAttemptAt,
          r.reason,
        ]),
      ),
    );
  }
}

/** A replay's answer: as JSON, or a table of what became of each item and what is still parked. */
function printReplay(
  context: CliContext,
  result: object,
  heads: readonly string[],
  rows: ReadonlyArray<ReadonlyArray<unknown>>,
  stillParked: string,
): void {
  if (context.json) {
    context.printJson(result);
    return;
  }
  context.print(formatTable(heads, rows));
  context.print(stillParked);
}
