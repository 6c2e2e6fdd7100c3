import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SQL_DATABASE, type SqlDatabase } from '../../src/database/sql-database.port.js';
import { ParkedEvents } from '../../src/event-store/consumers/parked-events.js';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '../../src/event-store/event-store.port.js';
import { openCliSession } from '../../src/cli/cli-session.js';
import {
  CapturedStream,
  runCaptured,
  startCliEnvironment,
  type CliEnvironment,
} from '../../src/cli/testing/cli-harness.js';

describe('lengow-sync reactions parked / replay', () => {
  let environment: CliEnvironment;
  let parked: RecordedEvent;

  beforeAll(async () => {
    environment = await startCliEnvironment({ seed: 11, orderCount: 1 });
    // An event the stock saga does not react to, parked by hand as if its commands had kept failing: replaying it
    // hands it to the saga consumer again, which has nothing to do for it, so it is handled.
    const session = await openCliSession({
      stdout: new CapturedStream(),
      stderr: new CapturedStream(),
      env: environment.env,
    });
    try {
      const store = session.app.get<EventStore>(EVENT_STORE);
      const db = session.app.get<SqlDatabase>(SQL_DATABASE);
      await store.append('cli-reactions-test', [{ type: 'CliReactionsProbe', data: { n: 1 } }]);
      [parked] = await store.readStream('cli-reactions-test');
      const table = new ParkedEvents();
      await table.ensureSchema(db);
      await table.park(db, 'saga:ShopOrderSagas', parked, 'shop said 503\nretry later', 5);
    } finally {
      await session.close();
    }
  });
  afterAll(async () => {
    await environment.close();
  });

  it('lists the parked event with its reason and the counts, for humans and as JSON', async () => {
    const human = await runCaptured(['reactions', 'parked'], environment.env);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^parked events: 1, parked shop changes: 0, deferred action requests: 0$/m);
    expect(human.stdout).toContain('saga:ShopOrderSagas');
    expect(human.stdout).toContain(parked.id);
    // The reason's newline never reaches the terminal.
    expect(human.stdout).toContain('shop said 503 retry later');

    const json = await runCaptured(['reactions', 'parked', '--json', '--limit', '5'], environment.env);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      counts: { parked_event: 1, parked_shop_change: 0, deferred_action_request: 0 },
      parkedEvents: [
        {
          consumer: 'saga:ShopOrderSagas',
          eventId: parked.id,
          stream: 'cli-reactions-test',
          type: 'CliReactionsProbe',
          attempts: 5,
        },
      ],
    });
  });

  it('refuses unknown consumers and events (exit 3), server-only consumers, and bad options (exit 2)', async () => {
    const unknown = await runCaptured(['reactions', 'replay', 'saga:NoSuchSaga'], environment.env);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toMatch(/^refused: UNKNOWN_REACTION_CONSUMER: no consumer saga:NoSuchSaga runs/);

    const noEvent = await runCaptured(
      ['reactions', 'replay', 'saga:ShopOrderSagas', '--event', 'nope', '--json'],
      environment.env,
    );
    expect(noEvent.code).toBe(3);
    expect(JSON.parse(noEvent.stdout)).toEqual({
      error: { code: 'PARKED_EVENT_NOT_FOUND', message: 'no event nope is parked for saga:ShopOrderSagas' },
    });

    const bus = await runCaptured(['reactions', 'replay', 'event-bus'], environment.env);
    expect(bus.code).toBe(3);
    expect(bus.stderr).toMatch(/^refused: REPLAY_ON_SERVER: /);

    const noChange = await runCaptured(['reactions', 'replay-shop-changes', '--change', '7'], environment.env);
    expect(noChange.code).toBe(3);
    expect(noChange.stderr).toBe('refused: PARKED_SHOP_CHANGE_NOT_FOUND: no shop change 7 is parked\n');

    expect((await runCaptured(['reactions', 'parked', '--limit', '0'], environment.env)).code).toBe(2);
    expect((await runCaptured(['reactions', 'replay-shop-changes', '--change', 'x'], environment.env)).code).toBe(2);
    expect((await runCaptured(['reactions', 'replay'], environment.env)).code).toBe(2);
  });

  it('replays the parked event: handled, and the list is empty afterwards', async () => {
    const run = await runCaptured(
      ['reactions', 'replay', 'saga:ShopOrderSagas', '--event', parked.id, '--json'],
      environment.env,
    );
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      consumer: 'saga:ShopOrderSagas',
      outcomes: [{ eventId: parked.id, outcome: 'handled' }],
      stillParked: 0,
    });
    const after = await runCaptured(['reactions', 'parked', '--json'], environment.env);
    expect(JSON.parse(after.stdout)).toMatchObject({ counts: { parked_event: 0 }, parkedEvents: [] });

    const shop = await runCaptured(['reactions', 'replay-shop-changes'], environment.env);
    expect(shop.code).toBe(0);
    expect(shop.stdout).toMatch(/^0 shop change\(s\) still parked$/m);
  });
});
