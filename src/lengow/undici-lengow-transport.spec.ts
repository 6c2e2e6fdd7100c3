import { jest } from '@jest/globals';
import { Agent } from 'undici';
import { freePort } from '../../test/support/free-port.js';
import { RecordingHttpServer } from '../../test/support/recording-http-server.js';
import { LengowTransportTimeout, type LengowTransport } from './lengow-transport.js';
import { undiciLengowTransport } from './undici-lengow-transport.js';

let server: RecordingHttpServer;
let agent: Agent;
let transport: LengowTransport;

beforeEach(async () => {
  server = await RecordingHttpServer.start();
  agent = new Agent();
  transport = undiciLengowTransport(agent);
});

afterEach(async () => {
  await agent.destroy();
  await server.close();
});

function send(path: string, init: Partial<Parameters<LengowTransport>[1]> = {}) {
  return transport(`${server.url}${path}`, {
    method: 'GET',
    headers: {},
    timeoutMs: 10_000,
    ...init,
  });
}

describe('undiciLengowTransport', () => {
  it('sends the method, headers, body and query as given', async () => {
    const response = await send('/v3.0/orders/moi/?marketplace_order_id=A%2BB+C', {
      method: 'PATCH',
      headers: { Authorization: 'raw-token', 'Content-Type': 'application/json' },
      body: '{"merchant_order_id":["S-1"]}',
    });
    expect(await response.text()).toBe('{}');
    expect(server.seen).toHaveLength(1);
    expect(server.seen[0]).toMatchObject({
      method: 'PATCH',
      url: '/v3.0/orders/moi/?marketplace_order_id=A%2BB+C',
      body: '{"merchant_order_id":["S-1"]}',
    });
    expect(server.seen[0]!.headers).toMatchObject({
      authorization: 'raw-token',
      'content-type': 'application/json',
      'content-length': '29',
    });
  });

  it('answers any status without rejecting, with its body', async () => {
    server.answer = (_request, response) => {
      response.statusCode = 503;
      response.end('{"error":"down"}');
    };
    const response = await send('/v3.0/orders');
    expect(response.status).toBe(503);
    expect(await response.text()).toBe('{"error":"down"}');
  });

  it('reads headers case-insensitively, joining a repeated one as fetch does', async () => {
    server.answer = (_request, response) => {
      response.setHeader('Retry-After', '7');
      response.setHeader('X-Repeated', ['a', 'b']);
      response.end();
    };
    const response = await send('/v3.0/orders');
    await response.text();
    expect(response.headers.get('retry-after')).toBe('7');
    expect(response.headers.get('Retry-After')).toBe('7');
    expect(response.headers.get('x-repeated')).toBe('a, b');
    expect(response.headers.get('x-absent')).toBeNull();
  });

  it('does not follow a redirect', async () => {
    server.answer = (request, response) => {
      if (request.url === '/elsewhere') return response.end('{"leaked":true}');
      response.writeHead(302, { Location: `${server.url}/elsewhere` });
      response.end();
    };
    const response = await send('/v3.0/orders');
    await response.text();
    expect(response.status).toBe(302);
    expect(server.seen.map((request) => request.url)).toEqual(['/v3.0/orders']);
  });

  it('keeps connections alive between calls', async () => {
    for (let call = 0; call < 20; call += 1) await (await send('/v3.0/orders')).text();
    // The pool may open a second one for a call sent while the first is still settling its previous exchange.
    expect(server.connections).toBeLessThanOrEqual(2);
  });

  it('abandons a body that stalls midway at the timeout, with LengowTransportTimeout', async () => {
    server.answer = (_request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.write('{"count":');
    };
    const response = await send('/v3.0/orders', { timeoutMs: 200 });
    expect(response.status).toBe(200);
    const error = await response.text().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LengowTransportTimeout);
    expect((error as LengowTransportTimeout).timeoutMs).toBe(200);
  });

  it('abandons a request whose answer never starts at the timeout, with LengowTransportTimeout', async () => {
    server.answer = () => undefined; // headers never sent
    const started = Date.now();
    const error = await send('/v3.0/orders', { timeoutMs: 150 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LengowTransportTimeout);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('lets a connection refused be the network failure it is, not a timeout', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const error = await transport(`${closed}/v3.0/orders`, { method: 'GET', headers: {}, timeoutMs: 5_000 }).catch(
      (caught: unknown) => caught,
    );
    expect(error).not.toBeInstanceOf(LengowTransportTimeout);
    expect((error as { code?: unknown }).code).toBe('ECONNREFUSED');
  });

  it('stops its clock once the body is read, or once the call failed: no timer outlives an exchange', async () => {
    // The deadlines are the only timers of that length: undici's own (keep-alive, headers) are its defaults.
    const started = jest.spyOn(globalThis, 'setTimeout');
    const cleared = jest.spyOn(globalThis, 'clearTimeout');
    try {
      const deadlines = () =>
        started.mock.calls.flatMap((call, i) => (call[1] === 54_321 ? [started.mock.results[i].value] : []));
      const response = await send('/v3.0/orders', { timeoutMs: 54_321 });
      expect(deadlines()).toHaveLength(1);
      expect(cleared.mock.calls.map(([timer]) => timer)).not.toContain(deadlines()[0]);
      expect(await response.text()).toBe('{}');
      expect(cleared.mock.calls.map(([timer]) => timer)).toContain(deadlines()[0]);

      const closed = `http://127.0.0.1:${await freePort()}`;
      await transport(`${closed}/v3.0/orders`, { method: 'GET', headers: {}, timeoutMs: 54_321 }).catch(
        () => undefined,
      );
      expect(deadlines()).toHaveLength(2);
      expect(cleared.mock.calls.map(([timer]) => timer)).toContain(deadlines()[1]);
    } finally {
      started.mockRestore();
      cleared.mockRestore();
    }
  });
});
