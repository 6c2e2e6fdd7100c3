import { keyIdOf } from '../../src/http/api-key-authenticator.js';
import { useHttpEngine } from '../../src/http/testing/http-engine-fixture.js';

describe('HTTP API authentication and roles', () => {
  const engine = useHttpEngine();

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${engine().url}${path}`, { headers });

  it('refuses a request without a key with 401 problem+json and a challenge', async () => {
    const response = await get('/api/settings');
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(response.headers.get('www-authenticate')).toMatch(/^ApiKey/);
    expect(await response.json()).toMatchObject({ status: 401, code: 'API_KEY_MISSING', title: 'Unauthorized' });
  });

  it('refuses an unknown key with 401, never echoing it', async () => {
    const response = await get('/api/settings', { 'x-api-key': 'not-a-key-s3cr3t' });
    expect(response.status).toBe(401);
    const text = await response.text();
    expect(JSON.parse(text)).toMatchObject({ code: 'API_KEY_UNKNOWN' });
    expect(text).not.toContain('s3cr3t');
  });

  it('refuses a write without a valid key before reading its body: no validation feedback, no megabyte parsed', async () => {
    const write = (headers: Record<string, string>, body: string) =>
      fetch(`${engine().url}/api/orders/import`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
    const malformed = await write({}, '{"days": ');
    expect(malformed.status).toBe(401);
    expect(await malformed.json()).toMatchObject({ code: 'API_KEY_MISSING' });
    const unknownField = await write({ 'x-api-key': 'not-a-key' }, JSON.stringify({ dayz: 2 }));
    expect(unknownField.status).toBe(401);
    expect(await unknownField.json()).toMatchObject({ code: 'API_KEY_UNKNOWN' });
    const tooLarge = await write({}, JSON.stringify({ days: 'x'.repeat(2 * 1024 * 1024) }));
    expect(tooLarge.status).toBe(401);
    // With a key, the same malformed body is what is wrong.
    expect((await write({ 'x-api-key': 'o1' }, '{"days": ')).status).toBe(400);
  });

  it('lets a viewer read, via X-API-Key or Authorization: ApiKey', async () => {
    expect((await get('/api/settings', { 'x-api-key': 'v1' })).status).toBe(200);
    expect((await get('/api/settings', { authorization: 'ApiKey v1' })).status).toBe(200);
    expect((await get('/api/settings', { authorization: 'Bearer v1' })).status).toBe(401);
  });

  it('gives 403 (not 401) when the role is too low, per role', async () => {
    const patch = (key: string) =>
      fetch(`${engine().url}/api/settings/import`, {
        method: 'PATCH',
        headers: { 'x-api-key': key, 'content-type': 'application/json' },
        body: JSON.stringify({ importWindowDays: 4 }),
      });
    const viewer = await patch('v1');
    expect(viewer.status).toBe(403);
    expect(await viewer.json()).toMatchObject({ code: 'ROLE_TOO_LOW', status: 403 });
    expect((await patch('o1')).status).toBe(403);
    const admin = await patch('a1');
    expect(admin.status).toBe(200);
  });

  it('records the key id, never the key, as the actor of a change', async () => {
    const response = await fetch(`${engine().url}/api/settings/import`, {
      method: 'PATCH',
      headers: { 'x-api-key': 'a1', 'content-type': 'application/json' },
      body: JSON.stringify({ importWindowDays: 6 }),
    });
    expect(response.status).toBe(200);
    const history = (await (await get('/api/settings/history', { 'x-api-key': 'v1' })).json()) as {
      history: { actor: string; type: string }[];
    };
    expect(history.history[0]).toMatchObject({ type: 'ImportSettingsChanged', actor: `api-key:${keyIdOf('a1')}` });
    expect(JSON.stringify(history)).not.toContain('"a1"');
  });

  it('leaves /health open', async () => {
    expect((await get('/health')).status).toBe(200);
  });

  it('tells each key its own role and key id at /api/auth/me, never the key, and not for a shared cache', async () => {
    for (const [key, role] of [
      ['v1', 'viewer'],
      ['o1', 'operator'],
      ['a1', 'admin'],
    ] as const) {
      const response = await get('/api/auth/me', { 'x-api-key': key });
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      const text = await response.text();
      expect(JSON.parse(text)).toEqual({ role, keyId: keyIdOf(key), open: false });
      expect(text).not.toContain(`"${key}"`);
    }
    const viaAuthorization = await get('/api/auth/me', { authorization: 'ApiKey o1' });
    expect(await viaAuthorization.json()).toMatchObject({ role: 'operator' });
  });

  it('documents /api/auth/me in the OpenAPI document, behind the API key', async () => {
    const document = (await (await get('/api/docs-json')).json()) as {
      paths: Record<string, Record<string, { security?: unknown[]; responses?: Record<string, unknown> }>>;
    };
    const me = document.paths['/api/auth/me']?.get;
    expect(me?.security).toEqual([{ 'api-key': [] }]);
    expect(Object.keys(me?.responses ?? {})).toEqual(expect.arrayContaining(['200', '401']));
  });

  it('answers /api/auth/me without a key, or with an unknown one, with 401 as every other route', async () => {
    const missing = await get('/api/auth/me');
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toMatch(/^ApiKey/);
    expect(await missing.json()).toMatchObject({ status: 401, code: 'API_KEY_MISSING' });
    const unknown = await get('/api/auth/me', { 'x-api-key': 'not-a-key-s3cr3t' });
    expect(unknown.status).toBe(401);
    const text = await unknown.text();
    expect(JSON.parse(text)).toMatchObject({ code: 'API_KEY_UNKNOWN' });
    expect(text).not.toContain('s3cr3t');
  });
});

describe('HTTP API authentication: open API (API_KEYS unset)', () => {
  const engine = useHttpEngine({ env: { API_KEYS: '' } });

  it('lets every caller in as admin, and /api/auth/me says so, with or without a key', async () => {
    // As the guard decides: with no keys configured, even a key the engine cannot know acts as admin.
    for (const headers of [{}, { 'x-api-key': 'whatever-key' }] as Record<string, string>[]) {
      const response = await fetch(`${engine().url}/api/auth/me`, { headers });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ role: 'admin', keyId: null, open: true });
    }
    const patch = await fetch(`${engine().url}/api/settings/import`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ importWindowDays: 4 }),
    });
    expect(patch.status).toBe(200);
  });
});
