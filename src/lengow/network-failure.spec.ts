import { errors, request } from 'undici';
import { freePort } from '../../test/support/free-port.js';
import { networkFailure } from './network-failure.js';

/** A loopback URL nothing listens on. */
async function closedPortUrl(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}/v3.0/orders`;
}

function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('networkFailure', () => {
  it('reads the code of a refused connection from undici request and from fetch alike, as unsent', async () => {
    const url = await closedPortUrl();
    const fromRequest = networkFailure(await rejection(request(url)));
    const fromFetch = networkFailure(await rejection(fetch(url)));
    expect(fromRequest).toMatchObject({ code: 'ECONNREFUSED', unsent: true });
    expect(fromFetch).toMatchObject({ code: 'ECONNREFUSED', unsent: true });
  });

  it.each([
    ['a connect timeout', new errors.ConnectTimeoutError(), 'UND_ERR_CONNECT_TIMEOUT'],
    ['a failed DNS lookup', Object.assign(new Error('getaddrinfo ENOTFOUND api.lengow.io'), { code: 'ENOTFOUND' })],
    [
      'a DNS lookup to try again',
      Object.assign(new Error('getaddrinfo EAI_AGAIN api.lengow.io'), { code: 'EAI_AGAIN' }),
    ],
  ])(
    'counts %s as unsent: nothing of the request was written',
    (_name, error, code = (error as { code: string }).code) => {
      expect(networkFailure(error)).toMatchObject({ code, unsent: true });
    },
  );

  it.each([
    ['a socket closed by the other side', new errors.SocketError('other side closed'), 'UND_ERR_SOCKET'],
    ['a reset connection', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), 'ECONNRESET'],
    ['a headers timeout', new errors.HeadersTimeoutError(), 'UND_ERR_HEADERS_TIMEOUT'],
    ['a body timeout', new errors.BodyTimeoutError(), 'UND_ERR_BODY_TIMEOUT'],
    ['an aborted request', new errors.RequestAbortedError(), 'UND_ERR_ABORTED'],
    ['a closed connection pool', new errors.ClientClosedError(), 'UND_ERR_CLOSED'],
  ])('counts %s as possibly sent', (_name, error, code) => {
    expect(networkFailure(error)).toMatchObject({ code, unsent: false });
  });

  it('finds the code under the TypeError("fetch failed") wrapping', () => {
    const wrapped = new TypeError('fetch failed', { cause: new errors.SocketError('other side closed') });
    expect(networkFailure(wrapped)).toMatchObject({ code: 'UND_ERR_SOCKET', unsent: false });
  });

  it('falls back to the message when no code is set, ignoring a numeric DOMException code', () => {
    expect(networkFailure(new TypeError('fetch failed')).code).toBe('fetch failed');
    expect(networkFailure(new DOMException('This operation was aborted', 'AbortError')).code).toBe(
      'This operation was aborted',
    );
    expect(networkFailure('boom').code).toBe('unknown error');
  });

  it('keeps only the code and the error name as the cause, not the request the error refers to', () => {
    const error = Object.assign(new errors.SocketError('other side closed'), {
      request: { headers: { authorization: 'session-token-1234' } },
    });
    const { cause } = networkFailure(error);
    expect([cause.name, cause.message]).toEqual(['SocketError', 'UND_ERR_SOCKET']);
    expect(Object.keys(cause)).toEqual(['name']);
    expect(cause.cause).toBeUndefined();
  });
});
