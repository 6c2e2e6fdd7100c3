import { checkOrderKey, requireSeen } from './command-guards.js';
import { importDecision } from './import-decision.js';
import { parseInstant, toIso } from './instant.js';
import { lengowStatusChange } from './lengow-status-change.js';
import type { ImportOrder, ReimportOrder } from './order-commands.js';
import { OrderDomainError } from './order-domain-error.js';
import { orderEvent, type OrderEvent } from './order-events.js';
import { orderFactsOf, type OrderFacts } from './order-facts.js';
import { orderKeyOf, type OrderKey } from './order-key.js';
import type { OrderState } from './order-state.js';
import { runImport } from './run-import.js';
import type { ImportIgnoreCode } from './import-events.js';

function ignored(
  state: OrderState,
  orderKey: OrderKey,
  code: ImportIgnoreCode,
  message: string,
  lengowStatus: string | null,
  marketplaceStatus: string,
  facts: OrderFacts,
  at: string,
): OrderEvent[] {
  // The same verdict on every poll is not news: only a changed reason is recorded.
  if (state.import.status === 'ignored' && state.import.code === code && state.import.message === message) return [];
  return [orderEvent('OrderImportIgnored', { orderKey, code, message, marketplaceStatus, lengowStatus, facts, at })];
}

/** A poll (or operator) saw the order: import it, ignore it, record why it failed, or record its new status. */
export function decideImportOrder(command: ImportOrder, state: OrderState): OrderEvent[] {
  const { data } = command;
  const nowMs = parseInstant(data.now);
  const at = toIso(nowMs);
  const orderKey = checkOrderKey(state, orderKeyOf(data.snapshot?.marketplace, data.snapshot?.marketplaceOrderId));
  if (state.import.status === 'imported')
    return state.pendingImport ? [] : lengowStatusChange(state, data.snapshot, data.definition, at);

  const decision = importDecision({
    current: state.import,
    importInProgress: state.pendingImport !== null,
    snapshot: data.snapshot,
    definition: data.definition,
    settings: data.settings,
    nowMs,
    trigger: data.trigger,
    configurationRevision: data.configurationRevision,
    retryAfterFix: data.retryAfterFix === true,
  });
  if (decision.kind === 'wait') return [];
  if (decision.kind === 'ignore')
    return ignored(
      state,
      orderKey,
      decision.code,
      decision.message,
      decision.lengowStatus,
      data.snapshot.marketplaceStatus,
      orderFactsOf(data.snapshot, decision.lengowStatus),
      at,
    );
  if (data.definition === null) return [];
  return runImport(state, { ...data, orderKey, definition: data.definition, trigger: data.trigger, decision, at });
}

/**
 * Explicit re-import (lengow-api.md §11): a failed or ignored order is tried again now with the command's lookups; an
 * imported order gets new shop orders of a new generation. Refused for an order never seen or already being imported.
 */
export function decideReimportOrder(command: ReimportOrder, state: OrderState): OrderEvent[] {
  const { data } = command;
  const nowMs = parseInstant(data.now);
  const at = toIso(nowMs);
  const orderKey = requireSeen(state, orderKeyOf(data.snapshot?.marketplace, data.snapshot?.marketplaceOrderId));
  if (state.pendingImport !== null)
    throw new OrderDomainError('IMPORT_IN_PROGRESS', 'an import of this order is already in progress');

  const decision = importDecision({
    current: state.import,
    importInProgress: false,
    snapshot: data.snapshot,
    definition: data.definition,
    settings: data.settings,
    nowMs,
    trigger: 'reimport',
    configurationRevision: data.configurationRevision,
    retryAfterFix: true,
  });
  if (decision.kind === 'wait')
    throw new OrderDomainError('IMPORT_IN_PROGRESS', 'an import of this order is already in progress');
  if (decision.kind === 'ignore') {
    if (state.import.status === 'imported')
      throw new OrderDomainError('REIMPORT_NOT_ALLOWED', decision.message, { code: decision.code });
    return ignored(
      state,
      orderKey,
      decision.code,
      decision.message,
      decision.lengowStatus,
      data.snapshot.marketplaceStatus,
      orderFactsOf(data.snapshot, decision.lengowStatus),
      at,
    );
  }
  if (data.definition === null) return [];
  return runImport(state, { ...data, orderKey, definition: data.definition, trigger: 'reimport', decision, at });
}
