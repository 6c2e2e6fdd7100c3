import { EVENT_STORE, type EventStore } from '../../src/event-store/event-store.port.js';
import { SQL_DATABASE, type SqlDatabase } from '../../src/database/sql-database.port.js';
import { useHttpEngine } from '../../src/http/testing/http-engine-fixture.js';
import { ORDER_SETTINGS_STREAM } from '../../src/settings/index.js';
import { SHOP, type Shop } from '../../src/shop/shop.port.js';

describe('HTTP API: Idempotency-Key', () => {
  const engine = useHttpEngine({ env: { API_KEYS: 'v1:viewer,o1:operator,a1:admin,a2:admin' } });
  let store: EventStore;
  let colissimo: { id: string; name: string };

  beforeAll(async () => {
    store = engine().app.get<EventStore>(EVENT_STORE);
    const carrier = await engine().app.get<Shop>(SHOP).addCarrier({ name: 'Colissimo', trackingUrl: null });
    colissimo = { id: String(carrier.id), name: carrier.name };
  });

  const mapCarrier = (body: object, key: string | null, apiKey = 'a1', extra: Record<string, string> = {}) =>
    fetch(`${engine().url}/api/settings/carrier-mappings`, {
      method: 'PUT',
      headers: {
        'x-api-key': apiKey,
        'content-type': 'application/json',
        ...(key === null ? {} : { 'idempotency-key': key }),
        ...extra,
      },
      body: JSON.stringify(body),
    });
  const mapping = (carrier: string) => ({
    marketplace: 'amazon_fr',
    country: 'FR',
    shopCarrier: colissimo,
    marketplaceCarrier: carrier,
  });
  const settingsEvents = async () => (await store.readStream(ORDER_SETTINGS_STREAM)).length;

  it('replays the first answer for the same key and body, without running the command again', async () => {
    const before = await settingsEvents();
    const first = await mapCarrier(mapping('COLISSIMO'), 'key-1');
    expect(first.status).toBe(200);
    const firstBody = await first.text();
    expect(await settingsEvents()).toBe(before + 1);

    // Another change in between: a re-run of the first request would now append again (COLISSIMO over CHRONOPOST).
    expect((await mapCarrier(mapping('CHRONOPOST'), null)).status).toBe(200);
    const afterSecond = await settingsEvents();

    // Same body with its keys in another order: still the same request.
    const { marketplace, country, shopCarrier, marketplaceCarrier } = mapping('COLISSIMO');
    const replay = await mapCarrier({ marketplaceCarrier, shopCarrier, country, marketplace }, 'key-1');
    expect(replay.status).toBe(200);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.headers.get('etag')).toBe(first.headers.get('etag'));
    expect(await replay.text()).toBe(firstBody);
    expect(await settingsEvents()).toBe(afterSecond);
  });

  it('refuses the same key with a different body with 422', async () => {
    expect((await mapCarrier(mapping('DPD'), 'key-2')).status).toBe(200);
    const reused = await mapCarrier(mapping('UPS'), 'key-2');
    expect(reused.status).toBe(422);
    expect(await reused.json()).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
  });

  it('scopes keys per API key: another client may use the same key for its own request', async () => {
    expect((await mapCarrier(mapping('GLS'), 'shared-key', 'a1')).status).toBe(200);
    const other = await mapCarrier(mapping('TNT'), 'shared-key', 'a2');
    expect(other.status).toBe(200);
    expect(other.headers.get('idempotent-replayed')).toBeNull();
  });

  it('derives the command id from the key, so the event store dedupes even after the key table forgot it', async () => {
    const first = await mapCarrier(mapping('FEDEX'), 'key-forgotten');
    const { commandId } = (await first.json()) as { commandId: string };
    const count = await settingsEvents();
    await engine().app.get<SqlDatabase>(SQL_DATABASE).execute('DELETE FROM http_idempotency_keys');
    expect((await mapCarrier(mapping('DHL'), null)).status).toBe(200);
    const again = await mapCarrier(mapping('FEDEX'), 'key-forgotten');
    expect(again.status).toBe(200);
    expect(((await again.json()) as { commandId: string }).commandId).toBe(commandId);
    // DHL appended one event; the re-sent FEDEX command appended none (its event ids were already stored).
    expect(await settingsEvents()).toBe(count + 1);
    const events = await store.readStream(ORDER_SETTINGS_STREAM);
    expect(events.filter((e) => e.metadata.commandId === commandId)).toHaveLength(1);
  });

  it('replays a stored refusal too (412), and refuses a malformed key', async () => {
    const stale = await mapCarrier(mapping('COLIS_PRIVE'), 'key-412', 'a1', { 'if-match': 'W/"0"' });
    expect(stale.status).toBe(412);
    const replay = await mapCarrier(mapping('COLIS_PRIVE'), 'key-412', 'a1', { 'if-match': 'W/"0"' });
    expect(replay.status).toBe(412);
    expect(replay.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(await replay.json()).toMatchObject({ code: 'STALE_SETTINGS_REVISION' });

    const malformed = await mapCarrier(mapping('X'), 'has space');
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ errors: [{ field: 'header.idempotency-key' }] });
  });

  it('lets only one of two racing requests with the same key run the command', async () => {
    const before = await settingsEvents();
    const answers = await Promise.all(Array.from({ length: 6 }, () => mapCarrier(mapping('RACE_CARRIER'), 'key-race')));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.every((s) => s === 200 || s === 409)).toBe(true);
    expect(statuses).toContain(200);
    expect(await settingsEvents()).toBe(before + 1);
  });
});
