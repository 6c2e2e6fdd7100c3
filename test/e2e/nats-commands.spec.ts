import { connect, headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import type { CommandReply } from '../../src/bus/bus-reply.js';
import { CLIENT_HEADER } from '../../src/bus/nats-command-responder.js';
import { ORDER_SETTINGS_STREAM } from '../../src/settings/domain/settings-events.js';
import { describeWithService } from '../support/services.js';
import { busHarness, checkNats, freshBusNames, NATS_URL, type BusHarness } from '../support/nats.js';

const nats = await checkNats();

interface SettingsResult {
  appended: Array<{ type: string }>;
  revision: string;
  settings: { importWindowDays: number; revision: string };
}

function errorOf(reply: CommandReply) {
  if (reply.ok) throw new Error(`expected a refusal, got ${JSON.stringify(reply)}`);
  return reply.error;
}

describeWithService(nats, 'commands over NATS request/reply', () => {
  let names: ReturnType<typeof freshBusNames>;
  let harness: BusHarness;
  let client: NatsConnection;

  beforeAll(async () => {
    names = freshBusNames();
    harness = await busHarness(names);
    await harness.boot({ events: { enabled: false } });
    client = await connect({ servers: NATS_URL, name: 'nats-commands-spec' });
  });
  afterAll(async () => {
    await client.drain();
    await harness.close();
  });

  async function request(name: string, body: unknown, options: { client?: string; raw?: string } = {}) {
    const h = natsHeaders();
    if (options.client) h.set(CLIENT_HEADER, options.client);
    const data = options.raw ?? JSON.stringify(body);
    const reply = await client.request(`${names.subjectPrefix}.cmd.${name}`, data, { timeout: 5000, headers: h });
    return reply.json<CommandReply>();
  }

  const settingsEvents = () => harness.store.readStream(ORDER_SETTINGS_STREAM);

  it('runs a catalogue command and answers ok with its result', async () => {
    const reply = await request('change-import-settings', {
      payload: { importWindowDays: 7 },
      metadata: { actor: 'operator:ann', correlationId: 'ticket-42' },
    });
    expect(reply).toMatchObject({ ok: true, commandId: expect.any(String) });
    const result = (reply as { result: SettingsResult }).result;
    expect(result.appended.map((e) => e.type)).toEqual(['ImportSettingsChanged']);
    expect(result.settings.importWindowDays).toBe(7);
    const [last] = (await settingsEvents()).slice(-1);
    expect(last.metadata).toMatchObject({
      actor: 'operator:ann',
      correlationId: 'ticket-42',
      commandId: (reply as { commandId: string }).commandId,
    });
  });

  it('answers BAD_REQUEST to a body that is not JSON', async () => {
    const reply = await request('change-import-settings', undefined, { raw: '{"payload": {"importWindowDays": 3' });
    expect(reply).toEqual({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringMatching(/not JSON/) } });
    expect(await request('change-import-settings', undefined, { raw: '' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
  });

  it('answers VALIDATION_FAILED naming an unknown or mistyped payload field, and runs nothing', async () => {
    const before = (await settingsEvents()).length;
    const reply = await request('change-import-settings', {
      payload: { importWindowDay: 5, importWindowDays: '5' },
      metadata: { actor: 'operator:ann' },
    });
    const error = errorOf(reply);
    expect(error.code).toBe('VALIDATION_FAILED');
    expect((error.details!.fields as Array<{ field: string }>).map((f) => f.field).sort()).toEqual([
      'payload.importWindowDay',
      'payload.importWindowDays',
    ]);
    expect((await settingsEvents()).length).toBe(before);
  });

  it('answers UNKNOWN_COMMAND, listing the known ones, to a subject without a catalogue entry', async () => {
    const reply = await request('launch-rocket', { payload: {} });
    expect(reply).toMatchObject({
      ok: false,
      error: {
        code: 'UNKNOWN_COMMAND',
        details: { command: 'launch-rocket', known: expect.arrayContaining(['change-import-settings', 'map-carrier']) },
      },
    });
    expect(await request('change-import-settings.extra', { payload: {} })).toMatchObject({
      error: { code: 'UNKNOWN_COMMAND' },
    });
  });

  it('passes a domain refusal through with its code', async () => {
    const reply = await request('change-import-settings', {
      payload: { importWindowDays: 1000 },
      metadata: { actor: 'operator:ann' },
    });
    expect(reply).toMatchObject({
      ok: false,
      error: { code: 'INVALID_SETTING', details: { field: 'importWindowDays' } },
    });
  });

  it('refuses a stale expectedRevision with STALE_SETTINGS_REVISION, and applies a current one', async () => {
    const current = (await settingsEvents()).length - 1;
    const stale = await request('change-import-settings', {
      payload: { importWindowDays: 4 },
      metadata: { actor: 'operator:ann' },
      expectedRevision: String(current - 1),
    });
    expect(stale).toMatchObject({
      ok: false,
      error: { code: 'STALE_SETTINGS_REVISION', details: { actual: String(current) } },
    });
    const fresh = await request('change-import-settings', {
      payload: { importWindowDays: 4 },
      metadata: { actor: 'operator:ann' },
      expectedRevision: current,
    });
    expect(fresh.ok).toBe(true);
  });

  it('appends nothing new when a command is retried with the same commandId', async () => {
    const body = { payload: { importWindowDays: 9 }, metadata: { actor: 'operator:ann', commandId: 'retry-1' } };
    const first = await request('change-import-settings', body, { client: 'billing' });
    const afterFirst = (await settingsEvents()).length;
    // The operator changes it back meanwhile; a late retry of the first command must not re-apply it.
    await request('change-import-settings', { payload: { importWindowDays: 3 }, metadata: { actor: 'operator:bob' } });
    const afterChange = (await settingsEvents()).length;
    const retry = await request('change-import-settings', body, { client: 'billing' });

    expect(first.ok && retry.ok).toBe(true);
    expect((retry as { commandId: string }).commandId).toBe((first as { commandId: string }).commandId);
    expect(afterChange).toBe(afterFirst + 1);
    expect((await settingsEvents()).length).toBe(afterChange);
    // The retry gets the first answer again, said to be one.
    expect(first.replayed).toBeUndefined();
    expect(retry).toEqual({ ...first, replayed: true });
  });

  it('refuses a commandId reused for another payload or another command, and appends nothing for it', async () => {
    const metadata = { actor: 'operator:ann', commandId: 'reused-1' };
    const first = await request('change-import-settings', { payload: { importWindowDays: 5 }, metadata });
    expect(first.ok).toBe(true);
    const before = (await settingsEvents()).length;
    const otherPayload = await request('change-import-settings', { payload: { importWindowDays: 6 }, metadata });
    expect(errorOf(otherPayload).code).toBe('COMMAND_ID_REUSED');
    const otherCommand = await request('unmap-carrier', {
      payload: { marketplace: 'amazon_fr', country: 'FR', shopCarrierId: 'colissimo' },
      metadata,
    });
    expect(errorOf(otherCommand).code).toBe('COMMAND_ID_REUSED');
    expect((await settingsEvents()).length).toBe(before);
    // The same payload in another key order is the same command.
    const again = await request('change-import-settings', { metadata, payload: { importWindowDays: 5 } });
    expect(again).toMatchObject({ ok: true, replayed: true });
  });

  it('runs concurrent duplicates once: the others are told it is in progress or get its answer', async () => {
    const body = { payload: { importWindowDays: 2 }, metadata: { actor: 'operator:ann', commandId: 'burst-1' } };
    const before = (await settingsEvents()).length;
    const replies = await Promise.all(Array.from({ length: 6 }, () => request('change-import-settings', body)));
    const fresh = replies.filter((reply) => reply.ok && !reply.replayed);
    expect(fresh).toHaveLength(1);
    for (const reply of replies) {
      if (!reply.ok) expect(reply.error.code).toBe('COMMAND_IN_PROGRESS');
    }
    expect((await settingsEvents()).length).toBe(before + 1);
    expect(await request('change-import-settings', body)).toEqual({ ...fresh[0], replayed: true });
  });

  it('keeps two clients’ equal commandIds apart', async () => {
    const a = await request(
      'change-import-settings',
      { payload: { importWindowDays: 5 }, metadata: { actor: 'operator:ann', commandId: 'cmd-1' } },
      { client: 'billing' },
    );
    const b = await request(
      'change-import-settings',
      { payload: { importWindowDays: 6 }, metadata: { actor: 'operator:ann', commandId: 'cmd-1' } },
      { client: 'warehouse' },
    );
    expect((b as { result: SettingsResult }).result.settings.importWindowDays).toBe(6);
    expect((a as { commandId: string }).commandId).not.toBe((b as { commandId: string }).commandId);
  });

  it('runs a command published without a reply subject', async () => {
    const before = (await settingsEvents()).length;
    client.publish(
      `${names.subjectPrefix}.cmd.change-import-settings`,
      JSON.stringify({ payload: { importWindowDays: 8 }, metadata: { actor: 'operator:ann' } }),
    );
    await client.flush();
    for (let i = 0; i < 100 && (await settingsEvents()).length === before; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect((await settingsEvents()).length).toBe(before + 1);
  });
});
