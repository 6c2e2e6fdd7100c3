import { randomUUID } from 'node:crypto';
import { EVENT_STORE, type EventStore } from '../../src/event-store/event-store.port.js';
import { useHttpEngine } from '../../src/http/testing/http-engine-fixture.js';

interface SseMessage {
  id?: string;
  event?: string;
  data?: string;
  comment?: string;
}

/** `promise`, or a rejection after `ms`; the timer is cleared either way so jest can exit. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(what)), Math.max(ms, 0));
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Reads an SSE response and hands out its messages one by one (comments included), with a timeout. */
class SseReader {
  private buffer = '';
  private readonly queue: SseMessage[] = [];
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly decoder = new TextDecoder();

  constructor(response: Response) {
    this.reader = response.body!.getReader();
  }

  async next(predicate: (m: SseMessage) => boolean, timeoutMs = 10_000): Promise<SseMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.queue.findIndex(predicate);
      if (index >= 0) return this.queue.splice(0, index + 1).pop()!;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('no matching SSE message in time');
      const chunk = await within(this.reader.read(), left, 'no SSE data in time');
      if (chunk.done) throw new Error('SSE stream ended');
      this.buffer += this.decoder.decode(chunk.value, { stream: true });
      this.parse();
    }
  }

  /** Resolves once the server ends the stream. */
  async ended(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const chunk = await within(this.reader.read(), deadline - Date.now(), 'stream still open');
      if (chunk.done) return;
    }
  }

  cancel(): Promise<void> {
    return this.reader.cancel();
  }

  private parse(): void {
    for (let end = this.buffer.indexOf('\n\n'); end >= 0; end = this.buffer.indexOf('\n\n')) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const message: SseMessage = {};
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) message.comment = line.slice(1).trim();
        else if (line.startsWith('id: ')) message.id = line.slice(4);
        else if (line.startsWith('event: ')) message.event = line.slice(7);
        else if (line.startsWith('data: ')) message.data = (message.data ?? '') + line.slice(6);
      }
      if (Object.keys(message).length > 0) this.queue.push(message);
    }
  }
}

describe('HTTP API: live order changes over Server-Sent Events', () => {
  const readers: SseReader[] = [];
  // Declared before the engine's hooks so that, after the suite, the readers let go before the engine closes.
  afterAll(async () => {
    await Promise.all(readers.map((r) => r.cancel().catch(() => undefined)));
  });
  const engine = useHttpEngine({ http: { sseHeartbeatMs: 200 } });
  let store: EventStore;

  beforeAll(() => {
    store = engine().app.get<EventStore>(EVENT_STORE);
  });

  const open = async (headers: Record<string, string> = {}, query = '') => {
    const response = await fetch(`${engine().url}/api/orders/events${query}`, {
      headers: { 'x-api-key': 'v1', accept: 'text/event-stream', ...headers },
    });
    return response;
  };
  const reader = (response: Response) => {
    const r = new SseReader(response);
    readers.push(r);
    return r;
  };
  // A probe event in an order stream of its own: other order events (the emulator's imports) may interleave.
  const probe = async (stream: string, n: number) =>
    store.append(stream, [{ type: 'HttpSseProbe', data: { n } }], { expectedRevision: 'any' });

  it('refuses a client without a key before opening the stream', async () => {
    const response = await fetch(`${engine().url}/api/orders/events`);
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toMatch(/problem\+json/);
  });

  it('opens with the position it starts from as id, so a client that reconnects before any change resumes there', async () => {
    const before = await probe(`order-httptest-${randomUUID()}`, 0);
    const first = reader(await open());
    const connected = await first.next((m) => m.comment === 'connected');
    // The newest event when the stream opened: the probe, or an import's event appended since.
    expect(connected.id! >= before.position).toBe(true);
    await first.cancel();
    // What EventSource does after losing the stream: it sends back the last id it saw.
    const resumed = await open({ 'last-event-id': connected.id! });
    expect(resumed.status).toBe(200);
    const sse = reader(resumed);
    expect((await sse.next((m) => m.comment === 'connected')).id).toBe(connected.id);
    const stream = `order-httptest-${randomUUID()}`;
    const appended = await probe(stream, 1);
    expect((await sse.next((m) => m.event === 'order-changed' && m.data!.includes(stream))).id).toBe(appended.position);
  });

  it('delivers a new order event with its position as id, then heartbeats', async () => {
    const response = await open();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const sse = reader(response);
    await sse.next((m) => m.comment === 'connected');
    const stream = `order-httptest-${randomUUID()}`;
    const appended = await probe(stream, 1);
    const message = await sse.next((m) => m.event === 'order-changed' && m.data!.includes(stream));
    expect(message.id).toBe(appended.position);
    expect(JSON.parse(message.data!)).toMatchObject({
      stream,
      marketplace: 'httptest',
      type: 'HttpSseProbe',
      revision: 0,
      position: appended.position,
    });
    await sse.next((m) => m.comment === 'heartbeat');
  });

  it('resumes exactly after Last-Event-ID: nothing skipped, nothing repeated', async () => {
    const stream = `order-httptest-${randomUUID()}`;
    const first = await probe(stream, 1);
    await probe(stream, 2);
    await probe(stream, 3);
    const response = await open({ 'last-event-id': first.position });
    const sse = reader(response);
    const seen: number[] = [];
    while (seen.length < 2) {
      const message = await sse.next((m) => m.event === 'order-changed' && m.data!.includes(stream));
      seen.push(JSON.parse(message.data!).revision);
    }
    expect(seen).toEqual([1, 2]);
  });

  it('starts after ?from= too, and Last-Event-ID wins over it', async () => {
    const stream = `order-httptest-${randomUUID()}`;
    const first = await probe(stream, 1);
    const second = await probe(stream, 2);
    await probe(stream, 3);
    const fromQuery = reader(await open({}, `?from=${first.position}`));
    const a = await fromQuery.next((m) => m.event === 'order-changed' && m.data!.includes(stream));
    expect(JSON.parse(a.data!).revision).toBe(1);
    const both = reader(await open({ 'last-event-id': second.position }, `?from=${first.position}`));
    const b = await both.next((m) => m.event === 'order-changed' && m.data!.includes(stream));
    expect(JSON.parse(b.data!).revision).toBe(2);
  });

  it('answers a Last-Event-ID that is not a position with 400 problem+json', async () => {
    const response = await open({ 'last-event-id': 'not-a-position' });
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body).toMatchObject({ code: 'INVALID_POSITION', errors: [{ field: 'header.last-event-id' }] });
  });

  it('releases the subscription when the client goes away', async () => {
    const clients = async () => {
      const text = await (await fetch(`${engine().url}/metrics`)).text();
      return Number(/^lengow_sync_sse_clients (\d+)$/m.exec(text)![1]);
    };
    const before = await clients();
    const sse = reader(await open());
    await sse.next((m) => m.comment === 'connected');
    expect(await clients()).toBe(before + 1);
    await sse.cancel();
    const deadline = Date.now() + 5_000;
    while ((await clients()) !== before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(await clients()).toBe(before);
  });

  it('ends open streams cleanly at shutdown', async () => {
    const sse = reader(await open());
    await sse.next((m) => m.comment === 'connected');
    const closing = engine().close();
    await sse.ended();
    await closing;
  });
});
