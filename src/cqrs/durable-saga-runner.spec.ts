import { Injectable, Module } from '@nestjs/common';
import { Command, CommandHandler, CqrsModule, ofType, type ICommandHandler, type IEvent } from '@nestjs/cqrs';
import { Test } from '@nestjs/testing';
import { filter, map, tap, type Observable } from 'rxjs';
import { InfrastructureModule } from '../boot/infrastructure.module.js';
import type { AppConfig } from '../config/app-config.js';
import { SqliteDatabase } from '../database/sqlite-database.js';
import { SqliteEventStore } from '../event-store/sqlite/sqlite-event-store.js';
import { silentLogger } from '../logging/logger.js';
import { CqrsInfrastructureModule } from './cqrs-infrastructure.module.js';
import { DurableSaga } from './durable-saga.decorator.js';
import { DurableSagaRunner } from './durable-saga-runner.js';
import { defineEventClass } from './event-class-registry.js';

const PingEvent = defineEventClass<{ n: number }>('TestPing');
type PingEvent = InstanceType<typeof PingEvent>;

class AnswerPing extends Command<void> {
  constructor(readonly n: number) {
    super();
  }
}

/** Fails the first attempt of every ping (a transient fault), and always for n = 13 (a poison event). */
@CommandHandler(AnswerPing)
class AnswerPingHandler implements ICommandHandler<AnswerPing> {
  static attempts = new Map<number, number>();
  async execute({ n }: AnswerPing): Promise<void> {
    const attempt = (AnswerPingHandler.attempts.get(n) ?? 0) + 1;
    AnswerPingHandler.attempts.set(n, attempt);
    if (attempt === 1 || n === 13) throw new Error(`ping ${n} not answered`);
    await store
      .append(`pong-${n}`, [{ id: undefined, type: 'TestPong', data: { n } }], { expectedRevision: 'no_stream' })
      .catch(() => undefined);
  }
}

@Injectable()
class PingSagas {
  @DurableSaga()
  answer = (events$: Observable<IEvent>) =>
    events$.pipe(
      ofType(PingEvent),
      filter((e: PingEvent) => e.data.n >= 0),
      map((e: PingEvent) => new AnswerPing(e.data.n)),
    );
}

/** Records every event its pipelines are shown, before `ofType`: what the declaration spares them. */
@Injectable()
class DeclaredSagas {
  static seen: string[] = [];
  @DurableSaga(PingEvent)
  watch = (events$: Observable<IEvent>) =>
    events$.pipe(
      tap((e) => DeclaredSagas.seen.push((e as PingEvent).type)),
      ofType(PingEvent),
      filter(() => false),
      map(() => new AnswerPing(-1)),
    );
}

class NotAnEventClass {}

@Injectable()
class MisdeclaredSagas {
  @DurableSaga(NotAnEventClass as never)
  watch = (events$: Observable<IEvent>) => events$.pipe(filter(() => false));
}

let db: SqliteDatabase;
let store: SqliteEventStore;

describe('DurableSagaRunner', () => {
  beforeEach(async () => {
    AnswerPingHandler.attempts.clear();
    db = new SqliteDatabase({ path: ':memory:' });
    store = new SqliteEventStore(db);
    await store.init();
  });
  afterEach(async () => {
    await store.close();
    await db.close();
  });

  async function boot(providers: unknown[] = [PingSagas, AnswerPingHandler]) {
    @Module({
      imports: [
        InfrastructureModule.register({
          config: {} as AppConfig,
          logger: silentLogger(),
          eventStore: store,
          readModels: db,
        }),
        CqrsModule.forRoot(),
        CqrsInfrastructureModule.register({
          autoStart: true,
          pollIntervalMs: 20,
          retry: { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 5 },
        }),
      ],
      providers: providers as never[],
    })
    class TestModule {}
    const moduleRef = await Test.createTestingModule({ imports: [TestModule] }).compile();
    return moduleRef.init();
  }

  it('executes each event’s commands, retries a failed one, parks a poison event and carries on', async () => {
    for (const n of [1, 13, 2]) await store.append(`ping-${n}`, [{ type: 'TestPing', data: { n } }]);
    const app = await boot();
    const runner = app.get(DurableSagaRunner);
    await runner.waitUntilIdle();
    expect((await store.readStream('pong-1')).length).toBe(1);
    expect((await store.readStream('pong-2')).length).toBe(1);
    expect(await store.readStream('pong-13')).toEqual([]);
    const parked = await runner.consumer('saga:PingSagas')!.listParked();
    expect(parked.map((p) => p.reason)).toEqual([expect.stringContaining('ping 13 not answered')]);
    await app.close();
  });

  it('resumes from its checkpoint after a restart without reacting twice', async () => {
    await store.append('ping-1', [{ type: 'TestPing', data: { n: 1 } }]);
    let app = await boot();
    await app.get(DurableSagaRunner).waitUntilIdle();
    await app.close();
    const attemptsBefore = AnswerPingHandler.attempts.get(1);
    await store.append('ping-2', [{ type: 'TestPing', data: { n: 2 } }]);
    app = await boot();
    await app.get(DurableSagaRunner).waitUntilIdle();
    expect(AnswerPingHandler.attempts.get(1)).toBe(attemptsBefore);
    expect((await store.readStream('pong-2')).length).toBe(1);
    await app.close();
  });

  it('shows a saga that declares its event classes only those, and its consumer skips the rest unread', async () => {
    DeclaredSagas.seen = [];
    await store.append('ping-1', [{ type: 'TestPing', data: { n: 1 } }]);
    await store.append('other-1', [{ type: 'TestOther', data: {} }]);
    await store.append('ping-2', [{ type: 'TestPing', data: { n: 2 } }]);
    const app = await boot([PingSagas, AnswerPingHandler, DeclaredSagas]);
    const runner = app.get(DurableSagaRunner);
    await runner.waitUntilIdle();
    // The undeclared saga answered the pings (it is shown everything, pongs and TestOther included)…
    expect((await store.readStream('pong-2')).length).toBe(1);
    // …while the declared one saw the two pings only, though the log also holds TestOther and two TestPong.
    expect(DeclaredSagas.seen).toEqual(['TestPing', 'TestPing']);
    await app.close();
  });

  it('refuses to boot a saga that declares a class no stored event can be', async () => {
    await expect(boot([MisdeclaredSagas])).rejects.toThrow(
      'saga:MisdeclaredSagas.watch declares a class that is not an event class',
    );
  });
});
