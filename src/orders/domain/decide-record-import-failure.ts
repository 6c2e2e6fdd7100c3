import { checkOrderKey } from './command-guards.js';
import { sameFailures } from './import-failure.js';
import { backoffSeconds } from './import-settings.js';
import { addSeconds, parseInstant, toIso, tryParseInstant } from './instant.js';
import type { RecordImportFailure } from './order-commands.js';
import { OrderDomainError } from './order-domain-error.js';
import { lengowStatusOf } from './lengow-status.js';
import { orderEvent, type OrderEvent } from './order-events.js';
import { orderFactsOf, type OrderFacts } from './order-facts.js';
import { orderKeyOf, sameOrderKey, type OrderKey } from './order-key.js';
import type { OrderState } from './order-state.js';
import { nextGeneration } from './run-import.js';

/**
 * The shop refused or could not be reached while creating, or the wiring could not gather lookups. Transient failures
 * get the next attempt time from the retry policy and are parked once the budget is spent; permanent ones wait for a
 * fix. A repeat of the failure already recorded (same failures, retry not yet due) changes nothing.
 */
export function decideRecordImportFailure(command: RecordImportFailure, state: OrderState): OrderEvent[] {
  const { data } = command;
  const nowMs = parseInstant(data.now);
  const orderKey = checkOrderKey(state, data.orderKey);
  if (!Array.isArray(data.failures) || data.failures.length === 0)
    throw new OrderDomainError('INVALID_COMMAND', 'an import failure needs at least one reason');
  const pending = state.pendingImport;
  if (state.import.status === 'imported' && pending === null)
    throw new OrderDomainError('ORDER_ALREADY_IMPORTED', 'the order is imported and no import is pending');
  if (pending !== null && data.generation !== null && data.generation !== pending.plan.generation) {
    throw new OrderDomainError(
      'IMPORT_GENERATION_MISMATCH',
      `pending import is generation ${pending.plan.generation}, not ${data.generation}`,
    );
  }

  const current = state.import;
  if (
    pending === null &&
    current.status === 'not_imported' &&
    current.kind === data.kind &&
    sameFailures(current.failures, data.failures)
  ) {
    const due = tryParseInstant(current.nextAttemptAt);
    if (current.kind === 'permanent' || current.parked || (due !== null && nowMs < due)) return [];
  }

  const previous = current.status === 'not_imported' && current.kind === data.kind ? current.attempt : 0;
  const attempt = previous + 1;
  const parked = data.kind === 'transient' && attempt >= data.retryPolicy.maxAttempts;
  const nextAttemptAt =
    data.kind === 'transient' && !parked ? toIso(addSeconds(nowMs, backoffSeconds(data.retryPolicy, attempt))) : null;
  return [
    orderEvent('OrderImportFailed', {
      orderKey,
      generation: pending?.plan.generation ?? data.generation ?? nextGeneration(state),
      kind: data.kind,
      failures: data.failures,
      attempt,
      nextAttemptAt,
      parked,
      configurationRevision: data.configurationRevision,
      marketplaceStatus: state.marketplaceStatus,
      lengowStatus: state.lengowStatus,
      filledIn: pending?.plan.filledIn ?? [],
      facts: failureFacts(data, orderKey),
      at: toIso(nowMs),
    }),
  ];
}

/** Facts of the order the command brought along; none when it brought none (or another order's, a wiring slip). */
function failureFacts(data: RecordImportFailure['data'], orderKey: OrderKey): OrderFacts | null {
  const snapshot = data.snapshot;
  if (typeof snapshot !== 'object' || snapshot === null) return null;
  let key: OrderKey;
  try {
    key = orderKeyOf(snapshot.marketplace, snapshot.marketplaceOrderId);
  } catch {
    return null;
  }
  if (!sameOrderKey(key, orderKey)) return null;
  const status = typeof snapshot.marketplaceStatus === 'string' ? snapshot.marketplaceStatus : null;
  const lengowStatus = lengowStatusOf(data.definition?.statusTable, status) ?? snapshot.lengowStatus ?? null;
  return orderFactsOf(snapshot, lengowStatus);
}
