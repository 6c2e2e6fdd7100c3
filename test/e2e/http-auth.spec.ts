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
});
