import { Writable } from 'node:stream';
import { Module, type INestApplicationContext } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, CqrsModule, type ICommandHandler } from '@nestjs/cqrs';
import { Test } from '@nestjs/testing';
import { IsOptional, IsString } from 'class-validator';
import { connect, headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import type { CommandReply } from '../../src/bus/bus-reply.js';
import { CLIENT_HEADER, NatsCommandResponder, type CommandCatalogue } from '../../src/bus/nats-command-responder.js';
import { SqliteDatabase } from '../../src/database/sqlite-database.js';
import type { RecordedEvent } from '../../src/event-store/event-store.port.js';
import { IdempotencyStore } from '../../src/interfaces/idempotency-store.js';
import type { CatalogueEntry, CommandOptions } from '../../src/interfaces/catalogue/catalogue-entry.js';
import { orderKeyOf } from '../../src/orders/domain/order-key.js';
import { createLogger } from '../../src/logging/logger.js';
import type { CommandMetadata } from '../../src/orders/commands/command-metadata.js';
import { OrderDomainError } from '../../src/orders/domain/order-domain-error.js';
import { describeWithService } from '../support/services.js';
import { checkNats, freshBusNames, NATS_URL } from '../support/nats.js';

const nats = await checkNats();

/** Commands of this suite only, so what the bus hands the CommandBus can be observed whatever the catalogue holds. */
class NotePayload {
  @IsOptional() @IsString() text?: string;
}
class Note extends Command<{ metadata: CommandMetadata; text?: string }> {
  constructor(
    readonly text: string | undefined,
    readonly metadata: CommandMetadata,
  ) {
    super();
  }
}
class OrderNotePayload {
  @IsString() marketplace: string;
  @IsString() marketplaceOrderId: string;
}
class OrderNote extends Command<CommandOptions> {
  constructor(readonly options: CommandOptions) {
    super();
  }
}
@CommandHandler(OrderNote)
class OrderNoteHandler implements ICommandHandler<OrderNote> {
  async execute({ options }: OrderNote) {
    return options;
  }
}
class Explode extends Command<void> {}
/** Refused with a message and details three times the payload's text: larger than a reply may be. */
class Refuse extends Command<void> {
  constructor(readonly text: string) {
    super();
  }
}
@CommandHandler(Refuse)
class RefuseHandler implements ICommandHandler<Refuse> {
  async execute({ text }: Refuse): Promise<void> {
    throw new OrderDomainError('INVALID_COMMAND', text.repeat(3), { echo: text.repeat(3) });
  }
}
class Slow extends Command<string> {}

@CommandHandler(Note)
class NoteHandler implements ICommandHandler<Note> {
  async execute({ text, metadata }: Note) {
    return { metadata, text };
  }
}
@CommandHandler(Explode)
class ExplodeHandler implements ICommandHandler<Explode> {
  async execute(): Promise<void> {
    throw new Error('disk /srv/lengow/secret.sqlite is full');
  }
}
let slowStarted: () => void = () => undefined;
let releaseSlow: () => void = () => undefined;
@CommandHandler(Slow)
class SlowHandler implements ICommandHandler<Slow> {
  async execute(): Promise<string> {
    slowStarted();
    await new Promise<void>((resolve) => (releaseSlow = resolve));
    return 'done';
  }
}

const entries: CatalogueEntry[] = [
  {
    name: 'note',
    description: '',
    payload: NotePayload,
    role: 'viewer',
    concurrency: 'none',
    build: (p, m) => new Note((p as NotePayload).text, m),
  },
  {
    name: 'order-note',
    description: '',
    payload: OrderNotePayload,
    role: 'operator',
    concurrency: 'order',
    orderKeyOf: (p) => orderKeyOf((p as OrderNotePayload).marketplace, (p as OrderNotePayload).marketplaceOrderId),
    build: (_p, _m, options) => new OrderNote(options ?? {}),
  },
  {
    name: 'explode',
    description: '',
    payload: NotePayload,
    role: 'viewer',
    concurrency: 'none',
    build: () => new Explode(),
  },
  {
    name: 'refuse',
    description: '',
    payload: NotePayload,
    role: 'viewer',
    concurrency: 'none',
    build: (p) => new Refuse((p as NotePayload).text ?? ''),
  },
  { name: 'slow', description: '', payload: NotePayload, role: 'viewer', concurrency: 'none', build: () => new Slow() },
];
const catalogue: CommandCatalogue = {
  entry: (name) => entries.find((e) => e.name === name),
  names: () => entries.map((e) => e.name),
};

function errorOf(reply: CommandReply) {
  if (reply.ok) throw new Error(`expected a refusal, got ${JSON.stringify(reply)}`);
  return reply.error;
}

describeWithService(nats, 'NatsCommandResponder', () => {
  let app: INestApplicationContext;
  let server: NatsConnection;
  let client: NatsConnection;
  let responder: NatsCommandResponder;
  let prefix: string;
  const logLines: Array<Record<string, unknown>> = [];

  /** Set by a test before the responder is built: the commandId memory it then gets. */
  let idempotency: IdempotencyStore | undefined;

  beforeEach(async () => {
    @Module({
      imports: [CqrsModule.forRoot()],
      providers: [NoteHandler, OrderNoteHandler, ExplodeHandler, RefuseHandler, SlowHandler],
    })
    class ResponderTestModule {}
    app = await (await Test.createTestingModule({ imports: [ResponderTestModule] }).compile()).init();
    prefix = freshBusNames().subjectPrefix;
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    responder = new NatsCommandResponder({
      subjectPrefix: prefix,
      queueGroup: 'test',
      commandBus: app.get(CommandBus),
      store: {
        // order-amazon-1 is at revision 4; every other order does not exist yet.
        readStream: async (stream) => (stream === 'order-amazon-1' ? [{ revision: 4 } as RecordedEvent] : []),
      },
      catalogue,
      idempotency,
      logger: createLogger({ level: 'info', destination }),
    });
    server = await connect({ servers: NATS_URL });
    responder.attach(server);
    await server.flush();
    client = await connect({ servers: NATS_URL });
  });
  afterEach(async () => {
    await responder.stop();
    await server.drain();
    await client.drain();
    await app.close();
    logLines.length = 0;
  });

  async function request(name: string, body: unknown, clientName?: string): Promise<CommandReply> {
    const h = natsHeaders();
    if (clientName !== undefined) h.set(CLIENT_HEADER, clientName);
    const reply = await client.request(`${prefix}.cmd.${name}`, JSON.stringify(body), { timeout: 5000, headers: h });
    return reply.json<CommandReply>();
  }

  describe('with a commandId memory', () => {
    const db = new SqliteDatabase({ path: ':memory:' });
    beforeAll(async () => {
      idempotency = new IdempotencyStore(db);
      await idempotency.init();
    });
    afterAll(async () => {
      idempotency = undefined;
      await db.close();
    });

    it('keeps a refusal that is an answer, and replays it', async () => {
      const body = { payload: { text: 'no' }, metadata: { commandId: 'kept-refusal' } };
      const first = await request('refuse', body, 'billing');
      expect(errorOf(first).code).toBe('INVALID_COMMAND');
      expect(await request('refuse', body, 'billing')).toEqual({ ...first, replayed: true });
    });

    it('keeps no failure of the engine: a retry with the same commandId runs the command again', async () => {
      const body = { payload: {}, metadata: { commandId: 'not-kept' } };
      const first = await request('explode', body, 'billing');
      const retry = await request('explode', body, 'billing');
      expect([errorOf(first).code, errorOf(retry).code]).toEqual(['INTERNAL', 'INTERNAL']);
      expect(retry.replayed).toBeUndefined();
      expect(logLines.filter((line) => line.msg === 'bus command failed')).toHaveLength(2);
    });
  });

  const metadataOf = (reply: CommandReply) => (reply as { result: { metadata: CommandMetadata } }).result.metadata;

  it('acts as bus:<client> by default, with a fresh command id that also correlates', async () => {
    const reply = await request('note', { payload: { text: 'hi' } }, 'billing');
    expect(reply).toMatchObject({ ok: true, result: { text: 'hi' } });
    const metadata = metadataOf(reply);
    expect(metadata.actor).toBe('bus:billing');
    expect(metadata.commandId).toMatch(/^[0-9a-f-]{36}$/);
    expect(metadata.correlationId).toBe(metadata.commandId);
    expect((reply as { commandId: string }).commandId).toBe(metadata.commandId);

    const anonymous = metadataOf(await request('note', {}));
    expect(anonymous.actor).toBe('bus:anonymous');
    expect(anonymous.commandId).not.toBe(metadata.commandId);
  });

  it('hands on the caller’s actor, correlation and causation, and derives the command id from its own', async () => {
    const body = {
      metadata: { commandId: 'c-7', correlationId: 'k-1', causationId: 'e-9', actor: 'operator:ann' },
    };
    const first = metadataOf(await request('note', body, 'billing'));
    expect(first).toMatchObject({ correlationId: 'k-1', causationId: 'e-9', actor: 'operator:ann' });
    expect(metadataOf(await request('note', body, 'billing')).commandId).toBe(first.commandId);
    expect(metadataOf(await request('note', { metadata: { commandId: 'c-7' } }, 'billing')).correlationId).toBe('c-7');
  });

  it('refuses a malformed client header and a revision on a command not tied to one', async () => {
    expect(await request('note', {}, 'bad name!')).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED', details: { fields: [{ field: `headers.${CLIENT_HEADER}` }] } },
    });
    expect(await request('note', { expectedRevision: 3 })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED', details: { fields: [{ field: 'expectedRevision' }] } },
    });
  });

  it('checks an order command’s expectedRevision against the order stream, as HTTP does', async () => {
    const order = { marketplace: 'amazon', marketplaceOrderId: '1' };
    expect(await request('order-note', { payload: order, expectedRevision: 3 })).toMatchObject({
      ok: false,
      error: { code: 'STALE_ORDER_REVISION', details: { stream: 'order-amazon-1', expected: 3, actual: 4 } },
    });
    expect(await request('order-note', { payload: order, expectedRevision: '4' })).toMatchObject({
      ok: true,
      result: { expectedRevision: 4 },
    });
    const missing = { marketplace: 'amazon', marketplaceOrderId: '2' };
    expect(await request('order-note', { payload: missing, expectedRevision: -1 })).toMatchObject({ ok: true });
    expect(await request('order-note', { payload: missing, expectedRevision: 'W/"1"' })).toMatchObject({
      error: { code: 'VALIDATION_FAILED', details: { fields: [{ field: 'expectedRevision' }] } },
    });
  });

  it('says RESULT_TOO_LARGE, with the command id, when the result cannot fit in a reply', async () => {
    const text = 'x'.repeat(server.info!.max_payload - 150);
    const reply = await request('note', { payload: { text } });
    expect(reply).toMatchObject({
      ok: false,
      error: {
        code: 'RESULT_TOO_LARGE',
        details: { commandId: expect.any(String), maxPayload: server.info!.max_payload },
      },
    });
  });

  it('shortens a refusal too large for a reply, keeping its code, rather than leaving the caller to time out', async () => {
    const maxPayload = server.info!.max_payload;
    const reply = await request('refuse', { payload: { text: 'x'.repeat(maxPayload / 2) } });
    const error = errorOf(reply);
    expect(error).toMatchObject({ code: 'INVALID_COMMAND', details: { detailsOmitted: true, maxPayload } });
    expect(error.message.length).toBeLessThan(1000);
  });

  it('answers INTERNAL with a reference only, and logs the real error under it', async () => {
    const reply = await request('explode', {});
    const error = errorOf(reply);
    expect(error.code).toBe('INTERNAL');
    expect(error.message).not.toContain('/srv');
    const logged = logLines.find((line) => line.reference === error.details!.reference);
    expect(logged).toMatchObject({ command: 'explode', err: { message: 'disk /srv/lengow/secret.sqlite is full' } });
  });

  it('answers the requests in progress before stop() returns', async () => {
    const started = new Promise<void>((resolve) => (slowStarted = resolve));
    const pending = request('slow', {});
    await started;
    let stopDone = false;
    const stopped = responder.stop().then(() => (stopDone = true));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(stopDone).toBe(false);
    releaseSlow();
    await stopped;
    expect(await pending).toEqual({ ok: true, commandId: expect.any(String), result: 'done' });
    // No longer subscribed: a new request finds no responder.
    await expect(request('note', {})).rejects.toThrow(/no responders/);
  });
});
