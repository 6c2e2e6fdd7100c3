import type { ReadSideDatabases } from '../projections/testing/read-side-databases.js';
import { openSqlite } from '../projections/testing/read-side-databases.js';
import { OrderStoryWriter } from '../projections/testing/order-stories.js';
import { InvalidOverviewQuery } from '../projections/invalid-overview-query.error.js';
import { OrderAudit } from './order-audit.js';

const KEY = { marketplace: 'demo_market_fr', marketplaceOrderId: 'AUD-1' };
const STREAM = 'order-demo_market_fr-AUD-1';

let sides: ReadSideDatabases;
let audit: OrderAudit;

beforeEach(async () => {
  sides = await openSqlite();
  audit = new OrderAudit(sides.store);
  await new OrderStoryWriter(sides.store).write(KEY, 'shipped');
});

afterEach(() => sides.cleanup());

describe('OrderAudit.stateAt', () => {
  it('folds up to a revision: pending, imported, shipping, shipped', async () => {
    const events = await sides.store.readStream(STREAM);
    expect(events.map((e) => e.type)).toEqual([
      'OrderImportPlanned',
      'OrderImported',
      'ShopOrderShipped',
      'ActionRequested',
      'ActionSent',
      'ActionSent',
      'ActionConfirmed',
      'ActionConfirmed',
    ]);
    const at = (revision: number) => audit.stateAt(KEY, { revision });

    const before = await at(-1);
    expect(before).toMatchObject({ revision: -1, position: null, overview: null, laterEvents: 8 });
    expect(before.summary.import).toEqual({ status: 'not_seen' });
    expect((await at(0)).overview).toMatchObject({ importState: 'pending', shopOrderIds: [] });
    expect((await at(1)).overview).toMatchObject({ importState: 'imported', shipState: 'none' });
    const shipping = await at(4);
    expect(shipping.overview).toMatchObject({ shipState: 'waiting', actionState: 'waiting', streamRevision: 4 });
    expect(shipping).toMatchObject({ revision: 4, position: events[4]!.position, laterEvents: 3 });
    expect(shipping.state.actionRequests).toHaveLength(1);
    expect((await at(7)).overview).toMatchObject({ shipState: 'done', actionState: 'done' });
    expect((await at(99)).revision).toBe(7);
  });

  it('folds up to an instant: the events recorded at or before it', async () => {
    const events = await sides.store.readStream(STREAM);
    expect((await audit.stateAt(KEY, { at: '2000-01-01T00:00:00Z' })).revision).toBe(-1);
    for (const event of [events[0]!, events[3]!, events.at(-1)!]) {
      const state = await audit.stateAt(KEY, { at: event.recordedAt });
      const lastAtOrBefore = events.filter((e) => Date.parse(e.recordedAt) <= Date.parse(event.recordedAt)).at(-1)!;
      expect(state.revision).toBe(lastAtOrBefore.revision);
      expect(state.state).toEqual((await audit.stateAt(KEY, { revision: lastAtOrBefore.revision })).state);
    }
  });

  it('refuses a bad point or key with a typed error', async () => {
    await expect(audit.stateAt(KEY, { at: 'yesterday' })).rejects.toBeInstanceOf(InvalidOverviewQuery);
    // Feb 30 would be read as Mar 2, and a time without offset in the host's zone: neither is the instant asked for.
    await expect(audit.stateAt(KEY, { at: '2025-02-30T10:00:00Z' })).rejects.toBeInstanceOf(InvalidOverviewQuery);
    await expect(audit.stateAt(KEY, { at: '2025-03-10T10:00:00' })).rejects.toBeInstanceOf(InvalidOverviewQuery);
    await expect(audit.stateAt(KEY, { revision: 1.5 })).rejects.toBeInstanceOf(InvalidOverviewQuery);
    await expect(audit.stateAt({ marketplace: '', marketplaceOrderId: 'x' }, { revision: 0 })).rejects.toBeInstanceOf(
      InvalidOverviewQuery,
    );
    await expect(audit.stateAt(null as never, { revision: 0 })).rejects.toBeInstanceOf(InvalidOverviewQuery);
  });
});

describe('OrderAudit.replay', () => {
  it('gives each event with its metadata, the state after it and what it changed', async () => {
    const { stream, steps } = await audit.replay(KEY);
    expect(stream).toBe(STREAM);
    expect(steps).toHaveLength(8);
    for (const [revision, step] of steps.entries()) {
      expect(step.event.revision).toBe(revision);
      expect(step.folded).toBe(true);
      expect(step.overview).toEqual((await audit.stateAt(KEY, { revision })).overview);
      expect(step.event).toMatchObject({ actor: 'operator:tester', correlationId: 'story-AUD-1', schemaVersion: 1 });
      expect(step.event.commandId).toMatch(/^story-/);
    }
    const changed = (i: number) => Object.fromEntries(steps[i]!.changes.map((c) => [c.field, c.after]));
    expect(changed(0)).toMatchObject({
      importState: 'pending',
      marketplaceOrderId: 'AUD-1',
      customerName: 'Anne Martin',
    });
    expect(changed(1)).toEqual({
      importState: 'imported',
      shopOrderIds: ['SO-AUD-1'],
      importedAt: steps[1]!.overview.importedAt,
      stockState: 'pending',
    });
    expect(changed(2)).toEqual({});
    expect(changed(3)).toMatchObject({ shipState: 'waiting', actionState: 'waiting', actionType: 'ship' });
    expect(changed(6)).toEqual({});
    expect(changed(7)).toMatchObject({ shipState: 'done', actionState: 'done', actionWaitingSince: null });
    expect(steps[7]!.summary.actions.ship).toEqual({ status: 'done' });
  });

  it('replays a range of revisions', async () => {
    const { steps } = await audit.replay(KEY, { fromRevision: 2, toRevision: 4 });
    expect(steps.map((s) => s.event.revision)).toEqual([2, 3, 4]);
    expect(steps[0]!.changes).toEqual([]);
  });

  it('skips and flags events this code cannot read, without failing', async () => {
    await sides.store.append(STREAM, [
      { type: 'OrderArchivedInTheFuture', data: { why: 'newer deployment' } },
      { type: 'OrderImportPlanned', data: { orderKey: 'no plan at all' }, metadata: { schemaVersion: 1 } },
      { type: 'OrderImported', data: {}, metadata: { schemaVersion: 99 } },
    ]);
    const { steps } = await audit.replay(KEY, { fromRevision: 7 });
    expect(steps.map((s) => s.folded)).toEqual([true, false, false, false]);
    expect(steps.at(-1)!.overview).toMatchObject({ unreadableEvents: 3, shipState: 'done', streamRevision: 10 });
    expect(steps.at(-1)!.changes.map((c) => c.field)).toEqual(['unreadableEvents']);
  });
});
