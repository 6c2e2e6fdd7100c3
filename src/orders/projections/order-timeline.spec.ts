import { InvalidOverviewQuery } from './invalid-overview-query.error.js';
import { OrderTimeline } from './order-timeline.js';
import { OrderStoryWriter } from './testing/order-stories.js';
import { openSqlite, type ReadSideDatabases } from './testing/read-side-databases.js';

const KEY = { marketplace: 'demo_market_fr', marketplaceOrderId: 'TL-1' };

describe('OrderTimeline', () => {
  let sides: ReadSideDatabases;
  let timeline: OrderTimeline;

  beforeEach(async () => {
    sides = await openSqlite();
    timeline = new OrderTimeline(sides.store);
    await new OrderStoryWriter(sides.store).write(KEY, 'shipped');
  });

  afterEach(() => sides.cleanup());

  it('pages through every event with who, when and why', async () => {
    const revisions: number[] = [];
    let from: number | undefined = 0;
    let pages = 0;
    while (from !== undefined) {
      const page = await timeline.page(KEY, { fromRevision: from, limit: 3 });
      expect(page.stream).toBe('order-demo_market_fr-TL-1');
      revisions.push(...page.entries.map((entry) => entry.revision));
      from = page.nextRevision ?? undefined;
      pages += 1;
    }
    expect(revisions).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(pages).toBe(3);

    const [first] = (await timeline.page(KEY, { limit: 1 })).entries;
    const [stored] = await sides.store.readStream('order-demo_market_fr-TL-1', { maxCount: 1 });
    expect(first).toEqual({
      id: stored!.id,
      revision: 0,
      position: stored!.position,
      type: 'OrderImportPlanned',
      recordedAt: stored!.recordedAt,
      actor: 'operator:tester',
      correlationId: 'story-TL-1',
      causationId: stored!.metadata.causationId,
      commandId: stored!.metadata.commandId,
      schemaVersion: 1,
      data: stored!.data,
      metadata: stored!.metadata,
    });
  });

  it('reads backwards from the newest event', async () => {
    const page = await timeline.page(KEY, { direction: 'backwards', limit: 5 });
    expect(page.entries.map((entry) => entry.revision)).toEqual([7, 6, 5, 4, 3]);
    expect(page.nextRevision).toBe(2);
    const rest = await timeline.page(KEY, { direction: 'backwards', fromRevision: 2, limit: 5 });
    expect(rest.entries.map((entry) => entry.revision)).toEqual([2, 1, 0]);
    expect(rest.nextRevision).toBeNull();
  });

  it('answers an unknown order with an empty page, and bad input with a typed error', async () => {
    expect(await timeline.page({ marketplace: 'demo_market_fr', marketplaceOrderId: 'nope' })).toMatchObject({
      entries: [],
      nextRevision: null,
    });
    for (const options of [{ limit: 0 }, { limit: 501 }, { fromRevision: -1 }, { direction: 'up' as never }]) {
      await expect(timeline.page(KEY, options)).rejects.toBeInstanceOf(InvalidOverviewQuery);
    }
    await expect(timeline.page({ marketplace: ' ', marketplaceOrderId: 'x' })).rejects.toBeInstanceOf(
      InvalidOverviewQuery,
    );
    // All of a request's bad options at once.
    await expect(timeline.page(KEY, { limit: 0, fromRevision: -1, direction: 'up' as never })).rejects.toMatchObject({
      problems: [
        { field: 'direction', message: 'must be forwards or backwards' },
        { field: 'limit', message: 'must be an integer from 1 to 500' },
        { field: 'fromRevision', message: 'must be a revision (an integer from 0)' },
      ],
    });
  });
});
