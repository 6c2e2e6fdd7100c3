import { integrationEventMessage, integrationEventSubject } from './integration-event-message.js';

describe('integration event messages', () => {
  it('puts each event type on its own subject, never widening or splitting it', () => {
    expect(integrationEventSubject('lengow.orders', 'OrderImported')).toBe('lengow.orders.evt.OrderImported');
    expect(integrationEventSubject('lengow.orders', 'a.b > *')).toBe('lengow.orders.evt.a_b____');
    expect(integrationEventSubject('lengow.orders', '')).toBe('lengow.orders.evt._');
  });

  it('carries the event id as message id and leaves header-unsafe values to the body', () => {
    const message = integrationEventMessage('p', {
      id: '0b8e6c1e-4b3f-4d8e-9a55-0d6a3b1c2f10',
      stream: 'order-amazon-ÉTÉ\r\n1',
      revision: 0,
      position: '00000000000000000001',
      type: 'OrderImported',
      data: { total: 10n as unknown as number },
      metadata: {},
      recordedAt: '2025-01-01T00:00:00.000Z',
    });
    expect(message.msgId).toBe('0b8e6c1e-4b3f-4d8e-9a55-0d6a3b1c2f10');
    expect(message.headers).toEqual({ 'Lengow-Event-Type': 'OrderImported' });
    const body = JSON.parse(new TextDecoder().decode(message.data));
    expect(body).toMatchObject({ stream: 'order-amazon-ÉTÉ\r\n1', data: { total: '10' } });
  });
});
