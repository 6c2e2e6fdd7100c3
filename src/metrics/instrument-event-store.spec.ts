import { SqliteDatabase } from '../database/sqlite-database.js';
import { SqliteEventStore } from '../event-store/sqlite/sqlite-event-store.js';
import { instrumentEventStore } from './instrument-event-store.js';

describe('instrumentEventStore', () => {
  let db: SqliteDatabase;
  let store: SqliteEventStore;

  beforeEach(async () => {
    db = new SqliteDatabase({ path: ':memory:' });
    store = new SqliteEventStore(db);
    await store.init();
  });
  afterEach(async () => {
    await store.close();
    await db.close();
  });

  it('times each call with its outcome, passing results and errors through', async () => {
    const seen: string[] = [];
    const undo = instrumentEventStore(store, (operation, result, seconds) => {
      expect(seconds).toBeGreaterThanOrEqual(0);
      seen.push(`${operation}:${result}`);
    });
    const appended = await store.append('s-1', [{ type: 'A', data: {} }], { expectedRevision: 'no_stream' });
    expect(appended.nextExpectedRevision).toBe(0);
    await expect(store.append('s-1', [{ type: 'A', data: {} }], { expectedRevision: 'no_stream' })).rejects.toThrow();
    expect(await store.readStream('s-1')).toHaveLength(1);
    await store.readAll({});
    expect(await store.headPosition()).toBe(appended.position);
    await store.health();
    expect(seen).toEqual(['append:ok', 'append:error', 'readStream:ok', 'readAll:ok', 'headPosition:ok', 'health:ok']);

    // Concurrent calls are each an outer call.
    seen.length = 0;
    await Promise.all([store.readStream('s-1'), store.append('s-2', [{ type: 'A', data: {} }]), store.readAll({})]);
    expect(seen.sort()).toEqual(['append:ok', 'readAll:ok', 'readStream:ok']);

    undo();
    await store.readStream('s-1');
    expect(seen).toHaveLength(3);
    expect(Object.prototype.hasOwnProperty.call(store, 'readStream')).toBe(false);
  });
});
