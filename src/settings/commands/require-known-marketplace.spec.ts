import { SqliteDatabase } from '../../database/sqlite-database.js';
import { HttpLengowApi } from '../../lengow/http-lengow-api.js';
import type { MarketplaceCatalog } from '../../lengow/lengow-api.port.js';
import { LengowUnavailable, LengowUnknownMarketplace } from '../../lengow/lengow-errors.js';
import { catalogueSourceOf, SqlMarketplaceCatalogueStore } from '../../lengow/marketplace-catalogue-store.js';
import type { MarketplaceDefinition } from '../../lengow/marketplace-definition.js';
import { silentLogger } from '../../logging/logger.js';
import { defaultMarketplaces } from '../../sandbox/marketplaces.js';
import { decideSettings } from '../domain/decide-settings.js';
import { evolveSettings } from '../domain/evolve-settings.js';
import { initialSettingsState, type OrderSettingsState } from '../domain/settings-state.js';
import { SettingsDomainError } from '../domain/settings-error.js';
import { requireKnownMarketplace, type MarketplaceSources } from './require-known-marketplace.js';

const CODES = ['amazon_fr', 'amazon_de', 'cdiscount', 'fnac'];

function catalog(codes = CODES): MarketplaceCatalog {
  return {
    fetchedAt: '2025-06-01T08:00:00.000Z',
    stale: false,
    definitions: new Map(codes.map((code) => [code, { code } as unknown as MarketplaceDefinition])),
  };
}

/** A connector answering from `codes`; `getMarketplace` refreshes to `refreshed` as the real one would. */
function connector(codes = CODES, refreshed = codes) {
  const calls: string[] = [];
  return {
    calls,
    getMarketplaces: async () => {
      calls.push('list');
      return catalog(codes);
    },
    getMarketplace: async (code: string) => {
      calls.push(`one:${code}`);
      if (!refreshed.includes(code)) throw new LengowUnknownMarketplace(code);
      return { code } as unknown as MarketplaceDefinition;
    },
  };
}

function seen(marketplace: string): OrderSettingsState {
  const events = decideSettings(
    { type: 'RecordMarketplaceSeen', data: { marketplace, country: 'FR', source: 'order', label: null } },
    initialSettingsState(),
  );
  return events.reduce(evolveSettings, initialSettingsState());
}

function sources(overrides: Partial<MarketplaceSources> = {}) {
  const warnings: unknown[][] = [];
  const all: MarketplaceSources = {
    lengow: connector(),
    state: initialSettingsState(),
    logger: { warn: (...args: unknown[]) => warnings.push(args) },
    waitMs: 200,
    ...overrides,
  };
  return { all, warnings };
}

async function refusal(run: Promise<void>): Promise<SettingsDomainError> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SettingsDomainError);
  return error as SettingsDomainError;
}

describe('requireKnownMarketplace', () => {
  it("accepts a code in Lengow's list, whatever its case and spaces", async () => {
    const { all } = sources();
    await expect(requireKnownMarketplace(all, ' Amazon_FR ')).resolves.toBeUndefined();
  });

  it('refuses a typo naming the field, the list it checked and the codes it was likely meant as', async () => {
    const lengow = connector();
    const error = await refusal(requireKnownMarketplace(sources({ lengow }).all, 'amazon_frr'));
    expect(error).toMatchObject({ code: 'UNKNOWN_MARKETPLACE', field: 'marketplace' });
    expect(error.message).toBe(
      'marketplace "amazon_frr" is not a Lengow marketplace: not in Lengow\'s marketplace list (downloaded ' +
        '2025-06-01T08:00:00.000Z) nor seen in an order; did you mean amazon_fr?',
    );
    // The list was asked to refresh once before refusing.
    expect(lengow.calls).toEqual(['list', 'one:amazon_frr']);
    const two = await refusal(requireKnownMarketplace(sources().all, 'amazon_fe'));
    expect(two.message).toMatch(/; did you mean amazon_de or amazon_fr\?$/);
    const far = await refusal(requireKnownMarketplace(sources().all, 'zalando_it'));
    expect(far.message).not.toMatch(/did you mean/);
  });

  it('accepts a marketplace added to the account since the list was downloaded', async () => {
    const { all } = sources({ lengow: connector(CODES, [...CODES, 'leroymerlin']) });
    await expect(requireKnownMarketplace(all, 'leroymerlin')).resolves.toBeUndefined();
  });

  it('accepts a marketplace already seen in an order, without asking Lengow', async () => {
    const lengow = connector();
    await expect(
      requireKnownMarketplace(sources({ lengow, state: seen('private_market') }).all, 'private_market'),
    ).resolves.toBeUndefined();
    expect(lengow.calls).toEqual([]);
  });

  it('refuses a malformed code with the rules’ own INVALID_SETTING, before asking anything', async () => {
    const lengow = connector();
    const error = await refusal(requireKnownMarketplace(sources({ lengow }).all, 'amazon fr!'));
    expect(error).toMatchObject({ code: 'INVALID_SETTING', field: 'marketplace' });
    expect(lengow.calls).toEqual([]);
  });

  it('accepts, with a warning, when no list can be had at all', async () => {
    const down = new LengowUnavailable('marketplaces: HTTP 503', 'marketplaces', 'server_error', 4, 503);
    const { all, warnings } = sources({
      lengow: { getMarketplaces: () => Promise.reject(down), getMarketplace: () => Promise.reject(down) },
    });
    await expect(requireKnownMarketplace(all, 'amazon_frr')).resolves.toBeUndefined();
    expect(warnings).toEqual([
      [
        { marketplace: 'amazon_frr', err: 'marketplaces: HTTP 503' },
        'lengow marketplace list unavailable: settings command accepted without checking its marketplace',
      ],
    ]);
  });

  it('does not keep the operator waiting on a list that does not come', async () => {
    const { all, warnings } = sources({
      lengow: {
        getMarketplaces: () => new Promise(() => undefined),
        getMarketplace: () => new Promise(() => undefined),
      },
      waitMs: 50,
    });
    const started = Date.now();
    await expect(requireKnownMarketplace(all, 'amazon_frr')).resolves.toBeUndefined();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(warnings[0][0]).toEqual({ marketplace: 'amazon_frr', err: 'no answer within 50 ms' });
  });

  describe('with the connector and the list kept in the database, Lengow unreachable', () => {
    const baseUrl = 'http://127.0.0.1:9/lengow';
    let db: SqliteDatabase;
    beforeEach(() => {
      db = new SqliteDatabase({ path: ':memory:' });
    });
    afterEach(() => db.close());

    const unreachable = (store?: SqlMarketplaceCatalogueStore) =>
      new HttpLengowApi({
        baseUrl,
        accessToken: 'token',
        secret: 'secret',
        logger: silentLogger(),
        retry: { maxAttempts: 1 },
        fetch: () => Promise.reject(new TypeError('fetch failed')),
        ...(store ? { catalogueStore: store } : {}),
      });

    it('refuses from the kept list, and accepts what it lists', async () => {
      const store = new SqlMarketplaceCatalogueStore(db);
      await store.save(catalogueSourceOf(baseUrl), { body: defaultMarketplaces(), fetchedAt: '2025-05-30T00:00:00Z' });
      const { all } = sources({ lengow: unreachable(store) });
      const error = await refusal(requireKnownMarketplace(all, 'cdiscountt'));
      expect(error).toMatchObject({ code: 'UNKNOWN_MARKETPLACE', field: 'marketplace' });
      expect(error.message).toMatch(
        /downloaded 2025-05-30T00:00:00.000Z\) nor seen in an order; did you mean cdiscount\?$/,
      );
      await expect(requireKnownMarketplace(all, 'cdiscount')).resolves.toBeUndefined();
    });

    it('accepts with a warning when nothing was kept', async () => {
      const { all, warnings } = sources({ lengow: unreachable(new SqlMarketplaceCatalogueStore(db)) });
      await expect(requireKnownMarketplace(all, 'cdiscountt')).resolves.toBeUndefined();
      expect(warnings).toHaveLength(1);
    });
  });
});
