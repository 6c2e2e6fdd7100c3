import { Writable } from 'node:stream';
import { SQL_DATABASE, type SqlDatabase } from '../../src/database/sql-database.port.js';
import { useHttpEngine } from '../../src/http/testing/http-engine-fixture.js';
import { createLogger } from '../../src/logging/logger.js';

interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: { field: string; message: string }[];
}

describe('HTTP API: errors as application/problem+json', () => {
  const logLines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  const engine = useHttpEngine({ logger: createLogger({ level: 'warn', destination }) });

  const send = (method: string, path: string, body?: string, headers: Record<string, string> = {}) =>
    fetch(`${engine().url}${path}`, {
      method,
      headers: { 'x-api-key': 'a1', ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body,
    });
  const problemOf = async (response: Response): Promise<Problem> => {
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = (await response.json()) as Problem;
    expect(problem.status).toBe(response.status);
    expect(problem.type).toMatch(/^urn:lengow-sync:problem:/);
    expect(typeof problem.title).toBe('string');
    expect(typeof problem.detail).toBe('string');
    return problem;
  };

  it('names an unknown body field (whitelist, forbid unknown)', async () => {
    const response = await send('PATCH', '/api/settings/import', JSON.stringify({ importWindowDayz: 4 }));
    expect(response.status).toBe(400);
    const problem = await problemOf(response);
    expect(problem.code).toBe('VALIDATION_FAILED');
    expect(problem.errors).toEqual([{ field: 'importWindowDayz', message: 'importWindowDayz is not a known field' }]);
  });

  it('names a field of the wrong type, nested ones with their path, and never converts "4" to 4', async () => {
    const response = await send(
      'PUT',
      '/api/settings/carrier-mappings',
      JSON.stringify({
        marketplace: 'amazon_fr',
        country: 'FR',
        shopCarrier: { id: 7, name: 'Colissimo' },
        marketplaceCarrier: 'COLISSIMO',
      }),
    );
    expect(response.status).toBe(400);
    expect((await problemOf(response)).errors).toEqual([
      { field: 'shopCarrier.id', message: 'shopCarrier.id must be a string' },
    ]);
    const numeric = await send('PATCH', '/api/settings/import', JSON.stringify({ importWindowDays: '4' }));
    expect((await problemOf(numeric)).errors).toEqual([
      { field: 'importWindowDays', message: 'importWindowDays must be a number' },
    ]);
  });

  it('refuses a carrier the shop does not have, naming the field, before anything is stored', async () => {
    const settingsBefore = await (await send('GET', '/api/settings')).json();
    const defaults = await send(
      'PUT',
      '/api/settings/default-carriers',
      JSON.stringify({ marketplace: 'amazon_fr', country: 'DE', importCarrier: { id: '999', name: 'Ghost' } }),
    );
    expect(defaults.status).toBe(422);
    const problem = await problemOf(defaults);
    expect(problem.code).toBe('UNKNOWN_SHOP_CARRIER');
    expect(problem.errors).toEqual([{ field: 'importCarrier.id', message: expect.stringContaining('"999"') }]);
    const mapping = await send(
      'PUT',
      '/api/settings/carrier-mappings',
      JSON.stringify({
        marketplace: 'amazon_fr',
        country: 'FR',
        shopCarrier: { id: 'colissimo', name: 'Colissimo' },
        marketplaceCarrier: 'COLISSIMO',
      }),
    );
    expect(mapping.status).toBe(422);
    expect((await problemOf(mapping)).errors?.[0].field).toBe('shopCarrier.id');
    expect(await (await send('GET', '/api/settings')).json()).toEqual(settingsBefore);
  });

  it("refuses a marketplace missing from Lengow's list, naming the field, before anything is stored", async () => {
    const settingsBefore = await (await send('GET', '/api/settings')).json();
    const bodies: [string, string, object][] = [
      ['PUT', '/api/settings/default-carriers', { marketplace: 'amazon_frr', country: 'FR', shipCarrier: 'Colissimo' }],
      [
        'PUT',
        '/api/settings/carrier-mappings',
        {
          marketplace: 'amazon_frr',
          country: 'FR',
          shopCarrier: { id: '1', name: 'Colissimo' },
          marketplaceCarrier: 'COLISSIMO',
        },
      ],
      [
        'PUT',
        '/api/settings/shipping-method-mappings',
        {
          marketplace: 'amazon_frr',
          country: 'FR',
          marketplaceMethod: 'Standard',
          shopCarrier: { id: '1', name: 'Colissimo' },
        },
      ],
    ];
    for (const [method, path, body] of bodies) {
      const response = await send(method, path, JSON.stringify(body));
      expect(response.status).toBe(422);
      const problem = await problemOf(response);
      expect(problem.code).toBe('UNKNOWN_MARKETPLACE');
      expect(problem.detail).toMatch(
        /^marketplace "amazon_frr" is not a Lengow marketplace: not in Lengow's marketplace list \(downloaded .*\) nor seen in an order; did you mean amazon_fr\?$/,
      );
      expect(problem.errors).toEqual([{ field: 'marketplace', message: problem.detail }]);
    }
    expect(await (await send('GET', '/api/settings')).json()).toEqual(settingsBefore);
  });

  it('refuses a body that is not an object', async () => {
    const response = await send('PATCH', '/api/settings/import', '[1,2]');
    expect(response.status).toBe(400);
    expect((await problemOf(response)).errors).toEqual([
      { field: 'payload', message: 'payload must be a JSON object' },
    ]);
  });

  it('maps a domain range error to 422 naming the field', async () => {
    const response = await send('PATCH', '/api/settings/import', JSON.stringify({ importWindowDays: 40 }));
    expect(response.status).toBe(422);
    const problem = await problemOf(response);
    expect(problem.code).toBe('INVALID_SETTING');
    expect(problem.errors?.[0].field).toBe('importWindowDays');
  });

  it('answers malformed JSON with 400 MALFORMED_JSON', async () => {
    const response = await send('PATCH', '/api/settings/import', '{"importWindowDays": 4');
    expect(response.status).toBe(400);
    expect((await problemOf(response)).code).toBe('MALFORMED_JSON');
  });

  it('answers a body in another media type with 415', async () => {
    const response = await send('PATCH', '/api/settings/import', 'importWindowDays=4', {
      'content-type': 'text/csv',
    });
    expect(response.status).toBe(415);
    expect((await problemOf(response)).code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers a form or plain-text body with 415, so a form on another web page cannot run a command', async () => {
    const form = await send('POST', '/api/shop-orders/1/cancel', 'reason=from+a+form', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(form.status).toBe(415);
    expect((await problemOf(form)).code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const text = await send('PATCH', '/api/settings/import', '{"importWindowDays": 4}', {
      'content-type': 'text/plain',
    });
    expect(text.status).toBe(415);
    expect((await problemOf(text)).code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('routes order ids up to their 200-character limit, percent-encoded too', async () => {
    for (const id of ['7'.repeat(200), 'é'.repeat(200)]) {
      const response = await send('GET', `/api/orders/amazon_fr/${encodeURIComponent(id)}`);
      expect(response.status).toBe(404);
      expect((await problemOf(response)).code).toBe('ORDER_NOT_FOUND');
    }
  });

  it('lets the route answer for an order id of any length, and answers a badly encoded path with 400', async () => {
    const long = await send('GET', `/api/orders/amazon_fr/${'7'.repeat(8000)}`);
    expect(long.status).toBe(404);
    expect((await problemOf(long)).code).toBe('ORDER_NOT_FOUND');
    const badlyEncoded = await send('GET', '/api/orders/amazon_fr/%E0%A4%A');
    expect(badlyEncoded.status).toBe(400);
    expect((await problemOf(badlyEncoded)).code).toBe('BAD_URL');
  });

  it('answers a body over 1 MiB with 413', async () => {
    const big = JSON.stringify({ importableStatuses: ['x'.repeat(1024 * 1024 + 10)] });
    const response = await send('PATCH', '/api/settings/import', big);
    expect(response.status).toBe(413);
    expect((await problemOf(response)).code).toBe('BODY_TOO_LARGE');
  });

  it('answers an unknown path with 404 and a known path with the wrong method with 405 + Allow', async () => {
    const missing = await send('GET', '/api/nothing-here');
    expect(missing.status).toBe(404);
    expect((await problemOf(missing)).code).toBe('NOT_FOUND');
    const wrongMethod = await send('DELETE', '/api/settings/import');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('PATCH');
    expect((await problemOf(wrongMethod)).code).toBe('METHOD_NOT_ALLOWED');
  });

  it('refuses an unknown query parameter and a bad one, naming query.<name>', async () => {
    const unknown = await send('GET', '/api/settings?historyLimt=3');
    expect(unknown.status).toBe(400);
    expect((await problemOf(unknown)).errors?.[0].field).toBe('query.historyLimt');
    const bad = await send('GET', '/api/settings?historyLimit=lots');
    expect(bad.status).toBe(400);
    expect((await problemOf(bad)).errors?.[0]).toEqual({
      field: 'query.historyLimit',
      message: 'query parameter historyLimit must be a whole number',
    });
  });

  it('412 on a stale If-Match, 400 on a malformed one; ETag carries the revision', async () => {
    const read = await send('GET', '/api/settings');
    const etag = read.headers.get('etag')!;
    expect(etag).toMatch(/^W\/"-?\d+"$/);
    const changed = await send('PATCH', '/api/settings/import', JSON.stringify({ importWindowDays: 5 }), {
      'if-match': etag,
    });
    expect(changed.status).toBe(200);
    const newEtag = changed.headers.get('etag')!;
    expect(newEtag).not.toBe(etag);
    const stale = await send('PATCH', '/api/settings/import', JSON.stringify({ importWindowDays: 6 }), {
      'if-match': etag,
    });
    expect(stale.status).toBe(412);
    expect(stale.headers.get('etag')).toBe(newEtag);
    expect((await problemOf(stale)).code).toBe('STALE_SETTINGS_REVISION');
    const bare = await send('PATCH', '/api/settings/import', JSON.stringify({ importWindowDays: 6 }), {
      'if-match': newEtag.slice(3, -1),
    });
    expect(bare.status).toBe(200);
    const malformed = await send('PATCH', '/api/settings/import', JSON.stringify({ importWindowDays: 7 }), {
      'if-match': 'W/"abc"',
    });
    expect(malformed.status).toBe(400);
    expect((await problemOf(malformed)).errors?.[0].field).toBe('header.if-match');
  });

  // Last: it breaks the engine's database on purpose.
  it('answers an unforeseen failure with a generic 500, the real error logged and not sent', async () => {
    await engine().app.get<SqlDatabase>(SQL_DATABASE).close();
    const response = await send('GET', '/api/settings');
    expect(response.status).toBe(500);
    const text = await response.text();
    const problem = JSON.parse(text) as Problem;
    expect(problem).toMatchObject({ code: 'INTERNAL_ERROR', status: 500 });
    expect(text).not.toMatch(/sqlite|database|at .*\.ts/i);
    const logged = logLines.map((line) => JSON.parse(line) as { msg: string; err?: { message: string } });
    const entry = logged.find((line) => line.msg === 'request failed');
    expect(entry?.err?.message).toMatch(/database|connection|not open/i);
    expect(logLines.join('')).not.toContain('"a1"');
  });
});
