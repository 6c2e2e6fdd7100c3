import type { LengowApi } from '../../lengow/lengow-api.port.js';
import { LengowUnknownMarketplace } from '../../lengow/lengow-errors.js';
import type { Logger } from '../../logging/logger.js';
import { SettingsDomainError } from '../domain/settings-error.js';
import { marketplaceCode } from '../domain/settings-input.js';
import { marketplaceSettings, type OrderSettingsState } from '../domain/settings-state.js';

/**
 * How long a settings command waits for Lengow's marketplace list. The connector's own retries can take a minute
 * during an outage; an operator saving a form should not, and without a list the command is accepted anyway.
 */
export const MARKETPLACE_LIST_WAIT_MS = 5_000;

export interface MarketplaceSources {
  /** The connector: its marketplace list, in memory or restored from the copy kept in the database. */
  readonly lengow: Pick<LengowApi, 'getMarketplaces' | 'getMarketplace'>;
  /** The settings as they are now: a marketplace seen in an order exists, whatever the list says. */
  readonly state: OrderSettingsState;
  readonly logger: Pick<Logger, 'warn'>;
  readonly waitMs?: number;
}

/**
 * Refuses a settings command naming a marketplace Lengow does not have: a typo ("amazon_frr") would be stored and
 * never matched by any order, the real marketplace staying unmapped. Like the shop carriers, this asks a port, so it
 * is checked at the edge, not in the settings rules. With no list at all (Lengow unreachable and nothing kept), the
 * command is accepted with a warning, as codes are when no catalogue is at hand: refusing would block every mapping
 * for the length of an outage.
 */
export async function requireKnownMarketplace(
  sources: MarketplaceSources,
  value: unknown,
  field = 'marketplace',
): Promise<void> {
  // A malformed code gets the rules' own INVALID_SETTING, before anything is asked.
  const code = marketplaceCode(value, field);
  if (marketplaceSettings(sources.state, code).seen) return;
  const waitMs = sources.waitMs ?? MARKETPLACE_LIST_WAIT_MS;
  let list;
  try {
    list = await within(sources.lengow.getMarketplaces(), waitMs);
  } catch (error) {
    sources.logger.warn(
      { marketplace: code, err: describe(error) },
      'lengow marketplace list unavailable: settings command accepted without checking its marketplace',
    );
    return;
  }
  if (list.definitions.has(code)) return;
  try {
    // The list may predate a marketplace added to the account since: the connector downloads it again once.
    await within(sources.lengow.getMarketplace(code), waitMs);
    return;
  } catch (error) {
    // Lengow unreachable for that refresh: the list at hand is still the best knowledge, and it lacks the code.
    if (!(error instanceof LengowUnknownMarketplace)) {
      sources.logger.warn({ marketplace: code, err: describe(error) }, 'lengow marketplace list refresh failed');
    }
  }
  const near = closestCodes(code, [...list.definitions.keys()]);
  throw new SettingsDomainError(
    'UNKNOWN_MARKETPLACE',
    field,
    `${field} "${code}" is not a Lengow marketplace: not in Lengow's marketplace list (downloaded ${list.fetchedAt}) ` +
      `nor seen in an order${near.length > 0 ? `; did you mean ${near.join(' or ')}?` : ''}`,
  );
}

async function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
    // Left running past the wait, its failure is the connector's to log, not an unhandled rejection.
    promise.catch(() => undefined);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message || error.name : String(error);
}

/** Up to three codes at most two edits away: the typos an operator makes. */
function closestCodes(code: string, codes: readonly string[]): string[] {
  return codes
    .map((candidate) => ({ candidate, distance: editDistance(code, candidate) }))
    .filter(({ distance }) => distance <= 2)
    .sort((a, b) => a.distance - b.distance || a.candidate.localeCompare(b.candidate))
    .slice(0, 3)
    .map(({ candidate }) => candidate);
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
