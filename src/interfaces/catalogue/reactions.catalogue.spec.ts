import { mapCommandError } from '../../bus/map-command-error.js';
import { SqliteDatabase } from '../../database/sqlite-database.js';
import { ParkedEvents } from '../../event-store/consumers/parked-events.js';
import type { RecordedEvent } from '../../event-store/event-store.port.js';
import { errorToProblem } from '../../http/error-to-problem.js';
import { commandEntry } from '../command-catalogue.js';
import './index.js';
import { ParkedEventNotFound, ParkedShopChangeNotFound, UnknownReactionConsumer } from './reaction-commands.js';
import { validatePayload } from './validate-payload.js';
import { WaitingReactionsReader } from './waiting-reactions.js';

const event = (id: string, position: string): RecordedEvent => ({
  id,
  stream: 'order-amazon_fr-1',
  revision: Number(position),
  position,
  type: 'OrderImported',
  data: {},
  metadata: {},
  recordedAt: '2025-06-01T10:00:00.000Z',
});

describe('waiting reactions', () => {
  let db: SqliteDatabase;
  beforeEach(() => {
    db = new SqliteDatabase({ path: ':memory:' });
  });
  afterEach(async () => {
    await db.close();
  });

  it('counts zero and lists nothing while no table exists, without creating any', async () => {
    const reader = new WaitingReactionsReader(db);
    expect(await reader.counts()).toEqual({ parked_event: 0, parked_shop_change: 0, deferred_action_request: 0 });
    expect(await reader.list()).toEqual({
      counts: { parked_event: 0, parked_shop_change: 0, deferred_action_request: 0 },
      parkedEvents: [],
      parkedShopChanges: [],
      deferredActionRequests: [],
    });
    expect(await db.query(`SELECT name FROM sqlite_master WHERE type = 'table'`)).toEqual([]);
  });

  it('counts every parked event and lists them in log order up to the limit', async () => {
    const parked = new ParkedEvents(() => '2025-06-01T10:00:00.000Z');
    await parked.ensureSchema(db);
    await parked.park(db, 'saga:B', event('e2', '00000000000000000002'), 'shop down', 5);
    await parked.park(db, 'saga:A', event('e1', '00000000000000000001'), 'lengow down', 5);
    const reader = new WaitingReactionsReader(db);
    expect((await reader.counts()).parked_event).toBe(2);
    const listed = await reader.list(1);
    expect(listed.counts.parked_event).toBe(2);
    expect(listed.parkedEvents).toEqual([
      expect.objectContaining({ consumer: 'saga:A', eventId: 'e1', reason: 'lengow down', attempts: 5 }),
    ]);
  });
});

describe('reactions catalogue', () => {
  it('registers the list for viewers and the replays for operators, validating their payloads', () => {
    expect(commandEntry('list-waiting-reactions')?.role).toBe('viewer');
    expect(commandEntry('replay-parked-events')?.role).toBe('operator');
    expect(commandEntry('replay-parked-shop-changes')?.role).toBe('operator');
    const replay = commandEntry('replay-parked-events')!;
    expect(validatePayload(replay.payload, { consumer: 'saga:X', eventId: 'e1' })).toMatchObject({ eventId: 'e1' });
    expect(() => validatePayload(replay.payload, { eventId: 'e1' })).toThrow(/consumer must be a string/);
    expect(() => validatePayload(commandEntry('replay-parked-shop-changes')!.payload, { changeId: '4' })).toThrow(
      /changeId must be a whole number/,
    );
  });

  it('refuses what is not there with a typed code on the bus and a 404 problem over HTTP', () => {
    const cases = [
      [new UnknownReactionConsumer('saga:Nope', ['event-bus', 'saga:A']), 'UNKNOWN_REACTION_CONSUMER'],
      [new ParkedEventNotFound('saga:A', 'e9'), 'PARKED_EVENT_NOT_FOUND'],
      [new ParkedShopChangeNotFound(12), 'PARKED_SHOP_CHANGE_NOT_FOUND'],
    ] as const;
    for (const [error, code] of cases) {
      const bus = mapCommandError(error);
      expect(bus.internal).toBeUndefined();
      expect(bus.error).toMatchObject({ code, message: error.message });
      const http = errorToProblem(error);
      expect(http.unexpected).toBe(false);
      expect(http.problem).toMatchObject({ status: 404, detail: error.message });
    }
    expect(mapCommandError(cases[0][0]).error.details).toEqual({
      consumer: 'saga:Nope',
      known: ['event-bus', 'saga:A'],
    });
  });
});
