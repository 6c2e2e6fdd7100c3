import type { ModuleRef } from '@nestjs/core';
import { SqliteDatabase } from '../../database/sqlite-database.js';
import { silentLogger } from '../../logging/logger.js';
import { DeferredActionRequests } from '../integration/deferred-action-requests.js';
import { DEFAULT_ORDERS_REACTIONS_OPTIONS } from '../integration/reactions-options.js';
import { RequestLengowAction } from '../integration/request-lengow-action.js';
import { OrderReadSide } from './order-read-side.js';

describe('OrderReadSide: the action requests an order waits on', () => {
  let db: SqliteDatabase;
  let now: Date;
  let readSide: OrderReadSide;
  let deferred: DeferredActionRequests;
  const order = { marketplace: 'amazon_fr', marketplaceOrderId: '402-1' };
  const stream = 'order-amazon_fr-402-1';
  const metadata = { commandId: 'cmd-1', correlationId: 'corr-1', actor: 'saga:ShopChangeSagas' as const };

  beforeEach(() => {
    db = new SqliteDatabase({ path: ':memory:' });
    now = new Date('2025-06-01T10:00:00.000Z');
    readSide = new OrderReadSide({} as ModuleRef, db);
    deferred = new DeferredActionRequests(
      db,
      { ...DEFAULT_ORDERS_REACTIONS_OPTIONS, clock: () => now },
      silentLogger(),
    );
  });
  afterEach(async () => {
    await db.close();
  });

  it('lists none, and creates no table, where nothing was ever deferred', async () => {
    expect(await readSide.waitingActionRequests(order, now)).toEqual([]);
    expect(await db.query(`SELECT name FROM sqlite_master WHERE type = 'table'`)).toEqual([]);
  });

  it("lists only this order's requests, longest waiting first, with the last reason, the next try and a hint", async () => {
    await deferred.defer(new RequestLengowAction(stream, 'ship', 'shop-change:7', metadata), new Error('HTTP 503'));
    now = new Date('2025-06-01T10:01:00.000Z');
    await deferred.defer(
      new RequestLengowAction('order-amazon_fr-402-2', 'ship', 'shop-change:8', metadata),
      new Error('other order'),
    );
    await deferred.defer(new RequestLengowAction(stream, 'cancel', 'shop-change:9', metadata), new Error('timeout'));
    // The ship tried again a minute later, still failing: one more attempt, the new reason, the same start.
    await deferred.defer(new RequestLengowAction(stream, 'ship', 'shop-change:7', metadata), new Error('HTTP 502'));

    const waiting = await readSide.waitingActionRequests(order, now);
    expect(waiting).toEqual([
      {
        stream,
        actionType: 'ship',
        changeId: 'shop-change:7',
        attempts: 2,
        reason: 'HTTP 502',
        firstDeferredAt: '2025-06-01T10:00:00.000Z',
        nextAttemptAt: '2025-06-01T10:02:00.000Z',
        correlationId: 'corr-1',
        actor: 'saga:ShopChangeSagas',
        hint: expect.stringMatching(/^Nothing to replay: the engine asks again by itself/),
      },
      expect.objectContaining({
        actionType: 'cancel',
        changeId: 'shop-change:9',
        attempts: 1,
        reason: 'timeout',
        firstDeferredAt: '2025-06-01T10:01:00.000Z',
        nextAttemptAt: '2025-06-01T10:01:30.000Z',
      }),
    ]);
    expect(waiting[0].hint).toMatch(/Lengow cannot be reached/);

    await deferred.remove({ stream, actionType: 'ship', changeId: 'shop-change:7' });
    expect((await readSide.waitingActionRequests(order, now)).map((request) => request.changeId)).toEqual([
      'shop-change:9',
    ]);
  });
});
