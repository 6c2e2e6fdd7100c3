import { NatsCommandResponder } from '../../bus/nats-command-responder.js';
import type { EventStore } from '../../event-store/event-store.port.js';
import '../../interfaces/catalogue/index.js';
import { silentLogger } from '../../logging/logger.js';
import { startSandbox, type Sandbox } from '../../sandbox/sandbox-server.js';
import { StaleOrderRevision } from '../commands/stale-order-revision.error.js';
import type { ActionRequested } from '../domain/action-events.js';
import { OrderDomainError } from '../domain/order-domain-error.js';
import type { OrderKey } from '../domain/order-key.js';
import { MarkShopOrderShipped } from './mark-shop-order-commands.js';
import { ReactionCommandInvalid } from './reaction-command-invalid.error.js';
import { ResendOrderAction } from './resend-order-action.js';
import { EMULATOR_MARKETPLACE, emulatorOrder } from './testing/emulator-order.js';
import { ReactionsEngine } from './testing/reactions-test-engine.js';

let sandbox: Sandbox;
let engine: ReactionsEngine;
/** Another writer that gets to the order stream first, run once right before the app's next append of a new try. */
let beforeNextTryAppended: (() => Promise<unknown>) | null = null;

const racing = (store: EventStore): EventStore =>
  new Proxy(store, {
    get: (target, key, receiver) => {
      if (key !== 'append') return Reflect.get(target, key, receiver) as unknown;
      return async (...args: Parameters<EventStore['append']>) => {
        const race = beforeNextTryAppended;
        if (race && args[1].some((event) => event.type === 'ActionRequested')) {
          beforeNextTryAppended = null;
          await race();
        }
        return target.append(...args);
      };
    },
  });

beforeAll(async () => {
  // The marketplace takes an hour to answer: a posted action stays open.
  sandbox = await startSandbox({ port: 0, actionProcessingDelayMs: 0, actionSentPhaseMs: 3600_000, orderCount: 0 });
});
afterAll(() => sandbox.close());
beforeEach(async () => {
  sandbox.state.reset();
  beforeNextTryAppended = null;
  engine = await ReactionsEngine.start({ sandbox, wrapStore: racing });
});
afterEach(() => engine.close());

const resend = (
  payload: object,
  metadata: object = { commandId: 'resend-1', actor: 'operator:ann' },
  options?: { expectedRevision?: unknown },
) => engine.commands.execute(new ResendOrderAction(payload as never, metadata as never, options as never));

/** An imported order shipped in the shop whose ship action Lengow refused: a re-send is what is left. */
async function refusedShip(marketplaceOrderId: string): Promise<OrderKey> {
  const orderKey = await engine.importOrder(emulatorOrder({ marketplaceOrderId }));
  await engine.settle();
  const [shopOrder] = await engine.shop.listOrdersFor(orderKey.marketplace, orderKey.marketplaceOrderId);
  await engine.commands.execute(
    new MarkShopOrderShipped(
      { shopOrderId: String(shopOrder.id), trackingNumber: `TRK-${marketplaceOrderId}` },
      `ship-${marketplaceOrderId}`,
    ),
  );
  await engine.reactions.pollShopChanges();
  await engine.settle();
  const requested = await engine.lastEvent<ActionRequested['data']>(orderKey, 'ActionRequested');
  for (const { attemptKey } of requested.data.actions) {
    await engine.execute({
      type: 'RecordActionOutcome',
      data: {
        orderKey,
        attemptKey,
        outcome: { kind: 'refused', errors: ['Invalid tracking number'] },
        now: engine.clock.now().toISOString(),
      },
    });
  }
  await engine.settle();
  return orderKey;
}

/** What an operator saw last: the revision an If-Match names. */
const revisionOf = async (orderKey: OrderKey) => (await engine.events(orderKey)).at(-1)!.revision;

/** A write by someone else that leaves the re-send as valid as before: the operator asks for the moi again. */
const resynchronize = (orderKey: OrderKey) =>
  engine.execute({ type: 'ResynchronizeOrder', data: { orderKey, now: engine.clock.now().toISOString() } });

const tries = async (orderKey: OrderKey) =>
  (await engine.eventTypes(orderKey)).filter((type) => type === 'ActionRequested').length;

describe('ResendOrderAction', () => {
  it('refuses malformed payloads and metadata, naming the fields', async () => {
    const invalid = await resend(
      { marketplace: EMULATOR_MARKETPLACE, marketplaceOrderId: 7, actionType: 'teleport' },
      { commandId: '', actor: 'nobody' },
    ).catch((error: unknown) => error);
    expect(invalid).toBeInstanceOf(ReactionCommandInvalid);
    expect((invalid as ReactionCommandInvalid).failures.map((failure) => failure.field)).toEqual([
      'payload.marketplaceOrderId',
      'payload.actionType',
    ]);
    await expect(
      resend({ marketplace: EMULATOR_MARKETPLACE, marketplaceOrderId: 'X' }, { commandId: '', actor: 'nobody' }),
    ).rejects.toMatchObject({ code: 'ORDER_COMMAND_INVALID', field: 'metadata.commandId' });
    await expect(
      resend({ marketplace: EMULATOR_MARKETPLACE, marketplaceOrderId: 'X', choices: { reason: 3 } }),
    ).rejects.toMatchObject({ field: 'payload.choices.reason' });
  });

  it('refuses while the last action still waits for its outcome, and for an order without any action', async () => {
    const orderKey = await engine.importOrder(emulatorOrder({ marketplaceOrderId: 'CD-8101' }));
    await engine.settle();
    await expect(resend({ marketplace: EMULATOR_MARKETPLACE, marketplaceOrderId: 'CD-8101' })).rejects.toMatchObject({
      code: 'NO_FAILED_ACTION',
    });

    const [shopOrder] = await engine.shop.listOrdersFor(orderKey.marketplace, orderKey.marketplaceOrderId);
    await engine.commands.execute(
      new MarkShopOrderShipped({ shopOrderId: String(shopOrder.id), trackingNumber: 'TRK-8101' }, 'ship-8101'),
    );
    await engine.reactions.pollShopChanges();
    await engine.settle();
    const refused = await resend({ marketplace: EMULATOR_MARKETPLACE, marketplaceOrderId: 'CD-8101' }).catch(
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(OrderDomainError);
    expect(refused).toMatchObject({ code: 'ACTION_STILL_OPEN' });
    expect(engine.actionsOf(orderKey)).toHaveLength(2);
  });

  it('records the new try on the revision the operator named', async () => {
    const orderKey = await refusedShip('CD-8102');
    const revision = await revisionOf(orderKey);
    const result = await resend(
      { marketplace: EMULATOR_MARKETPLACE, marketplaceOrderId: 'CD-8102' },
      { commandId: 'resend-8102', actor: 'operator:ann' },
      { expectedRevision: revision },
    );
    expect(result.appended.map((event) => event.type)).toEqual(['ActionRequested']);
    expect((await engine.events(orderKey)).find((event) => event.revision === revision + 1)?.type).toBe(
      'ActionRequested',
    );
  });

  it('refuses with StaleOrderRevision, recording and posting nothing, when the order moves just before its append', async () => {
    const orderKey = await refusedShip('CD-8103');
    const revision = await revisionOf(orderKey);
    const posted = engine.actionsOf(orderKey).length;
    beforeNextTryAppended = () => resynchronize(orderKey);
    const refused = await resend(
      { marketplace: EMULATOR_MARKETPLACE, marketplaceOrderId: 'CD-8103' },
      { commandId: 'resend-8103', actor: 'operator:ann' },
      { expectedRevision: revision },
    ).catch((error: unknown) => error);
    expect(beforeNextTryAppended).toBeNull();
    expect(refused).toBeInstanceOf(StaleOrderRevision);
    expect(refused).toMatchObject({ expected: revision });
    expect((refused as StaleOrderRevision).actual).toBeGreaterThan(revision);
    await engine.settle();
    expect(await tries(orderKey)).toBe(1);
    expect(engine.actionsOf(orderKey)).toHaveLength(posted);
  });

  it('over the bus, refuses a revision that was current at the door’s check but not at the append', async () => {
    const orderKey = await refusedShip('CD-8104');
    const revision = await revisionOf(orderKey);
    // The door reads the revision, then someone else writes before the handler gets to the stream.
    const store: Pick<EventStore, 'readStream'> = {
      readStream: async (...args) => {
        const events = await engine.store.readStream(...args);
        await resynchronize(orderKey);
        return events;
      },
    };
    const responder = new NatsCommandResponder({
      subjectPrefix: 'test',
      queueGroup: 'test',
      commandBus: engine.commands,
      store,
      logger: silentLogger(),
    });
    const replies: unknown[] = [];
    const request = {
      payload: { marketplace: EMULATOR_MARKETPLACE, marketplaceOrderId: 'CD-8104' },
      metadata: { actor: 'operator:ann' },
      expectedRevision: revision,
    };
    await responder.handle({
      subject: 'test.cmd.resend-order-action',
      data: new TextEncoder().encode(JSON.stringify(request)),
      reply: 'inbox',
      respond: (body: Uint8Array) => replies.push(JSON.parse(new TextDecoder().decode(body))),
    } as never);
    expect(replies).toHaveLength(1);
    const [reply] = replies as {
      ok: boolean;
      error: { code: string; details: { expected: number; actual: number } };
    }[];
    expect(reply).toMatchObject({
      ok: false,
      error: { code: 'STALE_ORDER_REVISION', details: { expected: revision } },
    });
    // The moi the re-synchronisation asks for may have been recorded too by then.
    expect(reply.error.details.actual).toBeGreaterThan(revision);
    await engine.settle();
    expect(await tries(orderKey)).toBe(1);
  });

  it('refuses a revision that is not an order stream revision', async () => {
    await expect(
      resend({ marketplace: EMULATOR_MARKETPLACE, marketplaceOrderId: 'X' }, undefined, { expectedRevision: '3' }),
    ).rejects.toMatchObject({ code: 'ORDER_COMMAND_INVALID', field: 'options.expectedRevision' });
  });
});
