import { Option, type Command } from 'commander';
import type { TimelineEntry } from '../../orders/projections/order-timeline.js';
import { OrderTimeline, MAX_TIMELINE_PAGE } from '../../orders/projections/order-timeline.js';
import { WaitingReactionsReader } from '../../interfaces/catalogue/waiting-reactions.js';
import { OrderAudit, type AuditPoint } from '../../orders/audit/order-audit.js';
import { OrderDomainError } from '../../orders/domain/order-domain-error.js';
import type { OrderKey } from '../../orders/domain/order-key.js';
import { orderStreamName } from '../../orders/domain/order-key.js';
import type { CliContext } from '../cli-context.js';
import { describeOrder, describeWaitingRequests, formatPairs } from '../describe-order.js';
import { cell, formatTable, sanitise } from '../format-table.js';
import { integerIn } from '../parse-integer.js';
import { parseInstant } from '../parse-instant.js';
import { formatOrderKey, parseOrderKey } from '../parse-order-key.js';

const ORDER_ARGUMENT = [
  '<order>',
  'the order as <marketplace>:<marketplace order id>, e.g. amazon_fr:402-1234567-0000001',
] as const;

/** history, state, replay: an order's stream read straight from the event store (never from a read model). */
export function registerOrderReadCommands(program: Command, context: CliContext): void {
  program
    .command('history')
    .description("List an order's events: revision, time, type, actor, correlation and causation ids.")
    .argument(...ORDER_ARGUMENT, parseOrderKey)
    .addHelpText('after', '\nExample:\n  lengow-sync history amazon_fr:402-1234567-0000001 --json')
    .action(async (key: OrderKey) => {
      const entries = await context.withStores(async ({ infrastructure }) => {
        const timeline = new OrderTimeline(infrastructure.eventStore);
        const all: TimelineEntry[] = [];
        for (let from: number | null = 0; from !== null;) {
          const page = await timeline.page(key, { fromRevision: from, limit: MAX_TIMELINE_PAGE });
          all.push(...page.entries);
          from = page.nextRevision;
        }
        return all;
      });
      if (entries.length === 0) throw orderNotFound(key);
      if (context.json) {
        context.printJson({ order: key, stream: orderStreamName(key), events: entries });
        return;
      }
      context.print(
        `order ${sanitise(formatOrderKey(key))}: ${entries.length} event${entries.length === 1 ? '' : 's'}`,
      );
      context.print(
        formatTable(
          ['REV', 'RECORDED AT', 'TYPE', 'ACTOR', 'CORRELATION', 'CAUSATION'],
          entries.map((e) => [
            e.revision,
            e.recordedAt,
            e.type,
            e.actor ?? '-',
            e.correlationId ?? '-',
            e.causationId ?? '-',
          ]),
        ),
      );
    });

  program
    .command('state')
    .description('Show an order as it is now, or as it was at an instant or after a revision (folded from its events).')
    .argument(...ORDER_ARGUMENT, parseOrderKey)
    .addOption(
      new Option('--at <instant>', 'as it was at this instant (ISO 8601, or 30m/6h/2d ago)')
        .argParser((value: string) => parseInstant(value, () => context.now()))
        .conflicts('revision'),
    )
    .addOption(
      new Option('--revision <n>', 'as it was after this revision (0 = first event)').argParser(
        integerIn(0, Number.MAX_SAFE_INTEGER),
      ),
    )
    .addHelpText(
      'after',
      '\nExamples:\n  lengow-sync state cdiscount:12345678ABCDEF\n  lengow-sync state cdiscount:12345678ABCDEF --at 2024-05-01T08:00:00Z',
    )
    .action(async (key: OrderKey, options: { at?: string; revision?: number }) => {
      const point: AuditPoint =
        options.at !== undefined ? { at: options.at } : { revision: options.revision ?? Number.MAX_SAFE_INTEGER };
      // What waits is only known now: shown with the order as it is, never with a past state it may not belong to.
      const current = options.at === undefined && options.revision === undefined;
      const [state, waiting] = await context.withStores(({ infrastructure }) =>
        Promise.all([
          new OrderAudit(infrastructure.eventStore).stateAt(key, point),
          current
            ? new WaitingReactionsReader(infrastructure.readModels).actionRequestsOf(
                orderStreamName(key),
                context.now(),
              )
            : undefined,
        ]),
      );
      if (state.revision < 0 && state.laterEvents === 0) throw orderNotFound(key);
      if (context.json) {
        context.printJson({ order: key, ...state, ...(waiting ? { deferredActionRequests: waiting } : {}) });
        return;
      }
      if (state.revision < 0) {
        context.print(
          `order ${sanitise(formatOrderKey(key))} had no events yet at ${options.at ?? 'that point'} (${state.laterEvents} later)`,
        );
        return;
      }
      const later =
        state.laterEvents > 0
          ? `; ${state.laterEvents} later event${state.laterEvents === 1 ? '' : 's'} not included`
          : '';
      context.print(
        `order ${sanitise(formatOrderKey(key))} at revision ${state.revision} (${state.recordedAt})${later}`,
      );
      context.print(formatPairs(describeOrder(state.summary, state.overview)));
      if (waiting && waiting.length > 0) context.print(describeWaitingRequests(waiting));
    });

  program
    .command('replay')
    .description("Replay an order's events one by one, showing what each changed and the order after it.")
    .argument(...ORDER_ARGUMENT, parseOrderKey)
    .addHelpText('after', '\nExample:\n  lengow-sync replay manomano:M123400000042 --json')
    .action(async (key: OrderKey) => {
      const replay = await context.withStores(({ infrastructure }) =>
        new OrderAudit(infrastructure.eventStore).replay(key),
      );
      if (replay.steps.length === 0) throw orderNotFound(key);
      if (context.json) {
        context.printJson({ order: key, ...replay });
        return;
      }
      context.print(
        `order ${sanitise(formatOrderKey(key))}: replaying ${replay.steps.length} event${replay.steps.length === 1 ? '' : 's'}`,
      );
      for (const step of replay.steps) {
        const { event } = step;
        context.print(`\n#${event.revision}  ${event.recordedAt}  ${cell(event.type)}  by ${cell(event.actor ?? '-')}`);
        if (!step.folded)
          context.print('  (this version of the engine cannot read this event; the state is unchanged)');
        // The first event creates the row: list what it set, not the dozens of fields still empty.
        const changes = step.changes.filter((change) => change.before !== null || !isEmpty(change.after));
        for (const change of changes) {
          context.print(`  ${change.field}: ${showValue(change.before)} -> ${showValue(change.after)}`);
        }
        if (changes.length === 0 && step.folded) context.print('  (no visible change)');
        const s = step.summary;
        context.print(
          `  = import ${s.import.status} | ship ${s.actions.ship.status} | cancel ${s.actions.cancel.status} | refund ${s.actions.refund.status} | ${s.progress}`,
        );
      }
    });
}

function orderNotFound(key: OrderKey): OrderDomainError {
  return new OrderDomainError('ORDER_NOT_FOUND', `order ${formatOrderKey(key)} has no events in the event store`);
}

function isEmpty(value: unknown): boolean {
  return (
    value === null || value === '' || value === 0 || value === 'none' || (Array.isArray(value) && value.length === 0)
  );
}

function showValue(value: unknown): string {
  return cell(value === undefined ? 'undefined' : JSON.stringify(value));
}
