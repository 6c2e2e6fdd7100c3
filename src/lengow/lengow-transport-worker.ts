import { parentPort, type MessagePort } from 'node:worker_threads';
import { Agent } from 'undici';
import { LengowTransportTimeout, type LengowTransportRequest } from './lengow-transport.js';
import type { FromTransportThread, ToTransportThread, TransportThreadAnswer } from './lengow-transport-protocol.js';
import { networkFailure } from './network-failure.js';
import { undiciLengowTransport } from './undici-lengow-transport.js';

/**
 * The connector's HTTP thread (see LengowTransportThread): undici's request API on this thread's keep-alive agent.
 * Each request is answered once, with the whole body read, or with what the connector needs to classify its failure.
 */
if (!parentPort) throw new Error('lengow-transport-worker runs as a worker thread');
const port: MessagePort = parentPort;
const agent = new Agent();
const transport = undiciLengowTransport(agent);
const inFlight = new Set<Promise<void>>();
let outbox: TransportThreadAnswer[] = [];

const post = (message: FromTransportThread) => port.postMessage(message);

function flush(): void {
  if (outbox.length === 0) return;
  const answers = outbox;
  outbox = [];
  post({ type: 'answers', answers });
}

function answer(reply: TransportThreadAnswer): void {
  outbox.push(reply);
  if (outbox.length === 1) setImmediate(flush);
}

async function exchange(id: number, url: string, request: LengowTransportRequest): Promise<void> {
  try {
    const response = await transport(url, request);
    const body = await response.text();
    answer({ id, ok: true, status: response.status, headers: response.headers.all(), body });
  } catch (error) {
    if (error instanceof LengowTransportTimeout) {
      answer({ id, ok: false, error: { name: error.name, code: 'TIMEOUT', timeoutMs: error.timeoutMs } });
      return;
    }
    const { code, cause } = networkFailure(error);
    answer({ id, ok: false, error: { name: cause.name, code } });
  }
}

async function close(): Promise<void> {
  while (inFlight.size > 0) await Promise.all(inFlight);
  await agent.close().catch(() => undefined);
  flush();
  post({ type: 'closed' });
  port.close();
}

port.on('message', (message: ToTransportThread) => {
  if (message.type === 'close') {
    void close();
    return;
  }
  for (const { id, url, request } of message.requests) {
    const done = exchange(id, url, request).finally(() => inFlight.delete(done));
    inFlight.add(done);
  }
});
