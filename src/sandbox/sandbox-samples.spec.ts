import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startSandbox, type Sandbox } from './sandbox-server.js';

/**
 * The shared public samples (read in place, never copied into the repository): every file that holds whole orders or
 * marketplace definitions must load through the admin API and come back from the real routes unchanged.
 */

const SAMPLES_DIR =
  process.env.LENGOW_SAMPLES_DIR ?? fileURLToPath(new URL('../../../shared/lengow-samples/', import.meta.url));
const available = existsSync(SAMPLES_DIR);
if (!available) console.warn(`SKIPPED sandbox sample tests: ${SAMPLES_DIR} is absent (set LENGOW_SAMPLES_DIR)`);
const describeSamples = available ? describe : describe.skip;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isOrder = (v: unknown): v is Json =>
  isObject(v) &&
  typeof v.marketplace === 'string' &&
  (typeof v.marketplace_order_id === 'string' || typeof v.marketplace_order_id === 'number');

type Sample =
  | { file: string; kind: 'orders'; orders: Json[]; body: unknown }
  | { file: string; kind: 'marketplaces'; body: Json }
  | { file: string; kind: 'other' };

function classify(file: string): Sample {
  const body: unknown = JSON.parse(readFileSync(`${SAMPLES_DIR}/${file}`, 'utf8'));
  if (isObject(body) && Array.isArray(body.results) && body.results.length > 0 && body.results.every(isOrder))
    return { file, kind: 'orders', orders: body.results, body };
  if (isOrder(body) && 'packages' in body) return { file, kind: 'orders', orders: [body], body };
  if (
    isObject(body) &&
    Object.keys(body).length > 0 &&
    Object.values(body).every((d) => isObject(d) && isObject(d.orders))
  )
    return { file, kind: 'marketplaces', body };
  return { file, kind: 'other' };
}

describeSamples('Lengow sandbox: real samples', () => {
  const samples = available
    ? readdirSync(SAMPLES_DIR)
        .filter((f) => f.endsWith('.json'))
        .sort()
        .map(classify)
    : [];
  let sandbox: Sandbox;
  let token: string;

  beforeAll(async () => {
    sandbox = await startSandbox({ orderCount: 0 });
    const response = await fetch(`${sandbox.url}/access/get_token`, {
      method: 'POST',
      body: new URLSearchParams({ access_token: 'k', secret: 's' }),
    });
    token = ((await response.json()) as { token: string }).token;
    const others = samples.filter((s) => s.kind === 'other').map((s) => s.file);
    // Actions, fragments and hand-made minimal payloads are not whole orders or definitions; they have no place here.
    console.log(
      `sandbox samples: ${samples.length - others.length} loaded, ${others.length} not orders/marketplaces: ${others.join(', ')}`,
    );
  });
  afterAll(() => sandbox.close());

  const admin = (path: string, body: unknown) =>
    fetch(`${sandbox.url}/_sandbox${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  const api = async (path: string) =>
    (await (await fetch(`${sandbox.url}${path}`, { headers: { Authorization: token } })).json()) as Json;

  it('finds order and marketplace samples to check', () => {
    expect(samples.filter((s) => s.kind === 'orders').length).toBeGreaterThanOrEqual(20);
    expect(samples.filter((s) => s.kind === 'marketplaces').length).toBeGreaterThanOrEqual(5);
  });

  it('serves every order sample back unchanged, one by one and in the list', async () => {
    for (const sample of samples) {
      if (sample.kind !== 'orders') continue;
      expect((await admin('/reset', { orderCount: 0 })).status).toBe(200);
      const loaded = await admin('/orders', sample.body);
      expect({ file: sample.file, status: loaded.status }).toEqual({ file: sample.file, status: 201 });
      // A later order with the same marketplace and id replaces an earlier one, as on the real API.
      const latest = new Map(
        sample.orders.map((o) => [`${String(o.marketplace)}|${String(o.marketplace_order_id)}`, o]),
      );
      for (const order of latest.values()) {
        const query = new URLSearchParams({
          account_id: '4242',
          marketplace: String(order.marketplace),
          marketplace_order_id: String(order.marketplace_order_id),
        });
        const served = await api(`/v3.0/orders?${query}`);
        expect({ file: sample.file, results: served.results }).toEqual({ file: sample.file, results: [order] });
      }
      const listed = await api('/v3.0/orders?account_id=4242');
      expect({ file: sample.file, count: listed.count }).toEqual({ file: sample.file, count: latest.size });
      expect(new Set((listed.results as Json[]).map((o) => JSON.stringify(o)))).toEqual(
        new Set([...latest.values()].map((o) => JSON.stringify(o))),
      );
    }
  });

  it('serves every marketplace sample back unchanged', async () => {
    for (const sample of samples) {
      if (sample.kind !== 'marketplaces') continue;
      expect((await admin('/marketplaces', sample.body)).status).toBe(201);
      for (const [code, definition] of Object.entries(sample.body)) {
        expect({
          file: sample.file,
          served: await api(`/v3.0/marketplaces?account_id=4242&marketplace=${code}`),
        }).toEqual({ file: sample.file, served: { [code]: definition } });
      }
    }
  });
});
