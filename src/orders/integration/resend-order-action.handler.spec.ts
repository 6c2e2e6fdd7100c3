import { startSandbox, type Sandbox } from '../../sandbox/sandbox-server.js';
import { OrderDomainError } from '../domain/order-domain-error.js';
import { MarkShopOrderShipped } from './mark-shop-order-commands.js';
import { ReactionCommandInvalid } from './reaction-command-invalid.error.js';
import { ResendOrderAction } from './resend-order-action.js';
import { EMULATOR_MARKETPLACE, emulatorOrder } from './testing/emulator-order.js';
import { ReactionsEngine } from './testing/reactions-test-engine.js';

let sandbox: Sandbox;
let engine: ReactionsEngine;

beforeAll(async () => {
  // The marketplace takes an hour to answer: a posted action stays open.
  sandbox = await startSandbox({ port: 0, actionProcessingDelayMs: 0, actionSentPhaseMs: 3600_000, orderCount: 0 });
});
afterAll(() => sandbox.close());
beforeEach(async () => {
  sandbox.state.reset();
  engine = await ReactionsEngine.start({ sandbox });
});
afterEach(() => engine.close());

const resend = (payload: object, metadata: object = { commandId: 'resend-1', actor: 'operator:ann' }) =>
  engine.commands.execute(new ResendOrderAction(payload as never, metadata as never));

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
});
