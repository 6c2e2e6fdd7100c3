import type { ImportIgnoreCode, ImportTrigger } from './import-events.js';
import { quoted } from './import-failure.js';
import type { ImportSettings } from './import-settings.js';
import { subtractMonths, tryParseInstant } from './instant.js';
import { lengowStatusOf, type LengowStatus } from './lengow-status.js';
import type { MarketplaceDefinition } from './marketplace-definition.js';
import { isShippedByMarketplace, type MarketplaceOrderSnapshot } from './marketplace-order-snapshot.js';
import type { ImportState } from './order-state.js';

export type ImportDecision =
  /** Nothing to do now; the reason is for logs and metrics. */
  | {
      readonly kind: 'wait';
      readonly reason: 'import_in_progress' | 'already_imported' | 'failed_permanently' | 'retry_not_due';
    }
  | {
      readonly kind: 'ignore';
      readonly code: ImportIgnoreCode;
      readonly message: string;
      readonly lengowStatus: LengowStatus | null;
    }
  | {
      readonly kind: 'import';
      readonly lengowStatus: LengowStatus;
      readonly shippedByMarketplace: boolean;
      readonly decrementStock: boolean;
    };

export interface ImportDecisionInput {
  readonly current: ImportState;
  readonly importInProgress: boolean;
  readonly snapshot: MarketplaceOrderSnapshot;
  readonly definition: MarketplaceDefinition | null;
  readonly settings: ImportSettings;
  readonly nowMs: number;
  readonly trigger: ImportTrigger;
  /** Revision of settings and catalogue the wiring decided with; when it moved, a parked failure is tried again. */
  readonly configurationRevision: string | null;
  /** Explicit hook: the operator fixed what made the import fail. */
  readonly retryAfterFix: boolean;
}

/** Enough to find the shop order another connector made; the rest is counted, so a long list cannot swell the reason. */
const LISTED_ELSEWHERE_IDS = 5;

/**
 * The merchant order ids already on the order, as a reason lists them. They are Lengow's values, quoted like any
 * (control characters escaped, each bounded): the reason is stored in the order's events and the overview.
 */
function elsewhereIds(ids: readonly string[]): string {
  const listed = ids.slice(0, LISTED_ELSEWHERE_IDS).map((id) => quoted(id));
  const more = ids.length - LISTED_ELSEWHERE_IDS;
  return more > 0 ? `${listed.join(', ')} and ${more} more` : listed.join(', ');
}

const ignore = (code: ImportIgnoreCode, message: string, lengowStatus: LengowStatus | null): ImportDecision => ({
  kind: 'ignore',
  code,
  message,
  lengowStatus,
});

/** A permanent failure waits for a fix; a transient one for its backoff; both move on when the configuration changed. */
function failureStillBlocks(
  current: Extract<ImportState, { status: 'not_imported' }>,
  input: ImportDecisionInput,
): ImportDecision | null {
  if (input.retryAfterFix) return null;
  if (input.configurationRevision !== null && input.configurationRevision !== current.configurationRevision)
    return null;
  if (current.kind === 'permanent' || current.parked) return { kind: 'wait', reason: 'failed_permanently' };
  const due = tryParseInstant(current.nextAttemptAt);
  return due !== null && input.nowMs < due ? { kind: 'wait', reason: 'retry_not_due' } : null;
}

/**
 * Whether this sighting of the order should create shop orders (lengow-api.md §9 "What is imported and why").
 * Polls apply every gate; an operator's one-order import skips the "first sighting" gates and the retry policy; a
 * re-import additionally goes past "already imported". Status comes from the definition's table, never `lengow_status`.
 */
export function importDecision(input: ImportDecisionInput): ImportDecision {
  const { current, snapshot, definition, settings, trigger } = input;
  if (input.importInProgress) return { kind: 'wait', reason: 'import_in_progress' };
  if (current.status === 'imported' && trigger !== 'reimport') return { kind: 'wait', reason: 'already_imported' };
  if (definition === null)
    return ignore(
      'MARKETPLACE_UNKNOWN',
      `Lengow error: ${quoted(snapshot.marketplace)} does not feature in the marketplace list`,
      null,
    );

  const lengowStatus = lengowStatusOf(definition.statusTable, snapshot.marketplaceStatus);
  const neverCreated = current.status === 'not_seen' || current.status === 'ignored';
  if (trigger === 'poll' && neverCreated) {
    if (snapshot.anonymized) return ignore('ANONYMIZED', 'order is anonymized and has not been imported', lengowStatus);
    const orderDate = tryParseInstant(snapshot.orderDate) ?? tryParseInstant(snapshot.importedAt);
    // "≥ 3 months" (§9 step 4): an order exactly that old is already too old; the message keeps the plugins' wording.
    if (orderDate !== null && orderDate <= subtractMonths(input.nowMs, settings.maxOrderAgeMonths)) {
      return ignore(
        'TOO_OLD',
        `order is older than ${settings.maxOrderAgeMonths} months and has not been imported`,
        lengowStatus,
      );
    }
    const elsewhere = (snapshot.merchantOrderIds ?? []).filter((id) => typeof id === 'string' && id.trim() !== '');
    if (elsewhere.length > 0)
      return ignore(
        'ALREADY_IMPORTED_ELSEWHERE',
        `already imported in the shop with the order ID ${elsewhereIds(elsewhere)}`,
        lengowStatus,
      );
  }

  if (lengowStatus === null || !settings.importableStatuses.includes(lengowStatus)) {
    return ignore(
      'STATUS_NOT_IMPORTABLE',
      `current order's status [${quoted(snapshot.marketplaceStatus)}] makes it unavailable to import for marketplace ${quoted(snapshot.marketplace)}`,
      lengowStatus,
    );
  }
  // Amounts and shipping are not final while a line awaits acceptance (Magento plugin #89): wait for the next poll.
  const lines = (snapshot.packages ?? []).flatMap((item) => item?.lines ?? []);
  if (lines.some((line) => lengowStatusOf(definition.statusTable, line.marketplaceStatus) === 'waiting_acceptance')) {
    return ignore(
      'LINES_WAITING_ACCEPTANCE',
      'order lines are waiting for acceptance: the order will be imported once every line is accepted',
      lengowStatus,
    );
  }

  if (current.status === 'not_imported' && trigger === 'poll') {
    const blocked = failureStillBlocks(current, input);
    if (blocked) return blocked;
  }

  const shippedByMarketplace = isShippedByMarketplace(snapshot);
  if (shippedByMarketplace && !settings.createShippedByMarketplace)
    return ignore('SHIPPED_BY_MARKETPLACE', `order shipped by ${quoted(definition.label)}`, lengowStatus);
  return {
    kind: 'import',
    lengowStatus,
    shippedByMarketplace,
    decrementStock: !shippedByMarketplace || settings.decrementStockShippedByMarketplace,
  };
}
