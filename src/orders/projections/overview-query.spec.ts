import { InvalidOverviewQuery } from './invalid-overview-query.error.js';
import { normaliseFilter, normaliseListQuery, type OverviewListQuery } from './overview-query.js';

function problemsOf(run: () => unknown): { field: string; message: string }[] {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidOverviewQuery) return [...error.problems];
    throw error;
  }
  throw new Error('expected an InvalidOverviewQuery');
}

describe('normaliseListQuery', () => {
  it('names every parameter at fault in one error', () => {
    const query = {
      sort: 'customer',
      limit: 0,
      importState: ['imported', 'done'],
      orderDateFrom: 'yesterday',
      search: 'a b c d e f g h i',
    } as unknown as OverviewListQuery;
    expect(problemsOf(() => normaliseListQuery(query))).toEqual([
      { field: 'sort', message: 'must be one of order_date, last_event_at, marketplace_order_id' },
      { field: 'limit', message: 'must be an integer from 1 to 500' },
      { field: 'importState', message: 'must be one of pending, imported, not_imported, ignored' },
      { field: 'orderDateFrom', message: 'must be an ISO 8601 date, or a timestamp with an offset' },
      { field: 'search', message: 'at most 8 words' },
    ]);
  });

  it('refuses order dates the calendar lacks and timestamps without an offset, and reads the rest to UTC', () => {
    for (const orderDateFrom of ['2025-02-30', '2025-02-30T00:00:00Z', '2025-03-10T10:00:00']) {
      expect(problemsOf(() => normaliseListQuery({ orderDateFrom } as OverviewListQuery))).toEqual([
        { field: 'orderDateFrom', message: 'must be an ISO 8601 date, or a timestamp with an offset' },
      ]);
    }
    expect(
      normaliseListQuery({ orderDateFrom: '2025-03-10T10:00:00+01:00' } as OverviewListQuery).filter.orderDateFrom,
    ).toBe('2025-03-10T09:00:00.000Z');
  });

  it('keeps the first problem as the field and joins them all in the message', () => {
    const query = { direction: 'up', marketplace: [''] } as unknown as OverviewListQuery;
    let caught: unknown;
    try {
      normaliseListQuery(query);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidOverviewQuery);
    expect(caught).toMatchObject({
      field: 'direction',
      message: 'direction: must be asc or desc; marketplace: must be non-empty texts',
    });
  });

  it('answers a valid query normalised, as before', () => {
    expect(
      normaliseListQuery({
        importState: ['imported', 'imported'],
        marketplace: ' Amazon_FR ',
        orderDateTo: '2026-11-01',
        search: 'Dupont',
      }),
    ).toEqual({
      filter: {
        importStates: ['imported'],
        marketplaces: ['amazon_fr'],
        orderDateTo: '2026-11-01T00:00:00.000Z',
        searchWords: ['dupont'],
      },
      sort: 'order_date',
      direction: 'desc',
      limit: 50,
      cursor: null,
    });
  });
});

describe('normaliseFilter', () => {
  it('reports each bad filter of the counters too', () => {
    const filter = { actionType: 'accept', progress: 'halfway', stockFailureCode: 'NOPE' } as never;
    expect(problemsOf(() => normaliseFilter(filter)).map((p) => p.field)).toEqual([
      'actionType',
      'stockFailureCode',
      'progress',
    ]);
  });
});
