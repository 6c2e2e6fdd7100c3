import { headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';

/**
 * The few JetStream operations the bus needs, spoken directly over request/reply on the JetStream API subjects
 * (`$JS.API.…`, JSON in and out): ensure the stream, publish with a message id, read one message back. The official
 * `@nats-io/jetstream` package is not among the engine's dependencies, and these three calls do not warrant it.
 */
const API = '$JS.API';
const NS_PER_MS = 1_000_000;

/** An error answer of the JetStream API: `code` is HTTP-like (404, 503…), `errCode` JetStream's own (10059…). */
export class JetStreamApiError extends Error {
  constructor(
    readonly operation: string,
    readonly code: number,
    readonly errCode: number,
    description: string,
  ) {
    super(`JetStream ${operation}: ${description} (${code}/${errCode})`);
    this.name = 'JetStreamApiError';
  }
}

export const STREAM_NOT_FOUND = 10059;
/** The message is larger than the stream (or server) accepts: republishing it can never succeed. */
export const MESSAGE_TOO_LARGE = 10054;

export interface StreamSpec {
  name: string;
  subjects: string[];
  maxAgeMs: number;
  duplicateWindowMs: number;
}

export interface StreamInfo {
  config: { name: string; subjects?: string[]; duplicate_window?: number };
  state: { messages: number; first_seq: number; last_seq: number };
}

export interface PubAck {
  stream: string;
  seq: number;
  /** JetStream already stored a message with this id within its duplicate window; this one was dropped. */
  duplicate?: boolean;
}

export interface StoredMessage {
  subject: string;
  seq: number;
  headers: Record<string, string>;
  data: Uint8Array;
}

async function call<T>(
  connection: NatsConnection,
  operation: string,
  subject: string,
  body: unknown,
  timeoutMs: number,
): Promise<T> {
  const reply = await connection.request(subject, body === undefined ? '' : JSON.stringify(body), {
    timeout: timeoutMs,
  });
  return answer<T>(operation, reply.json<unknown>());
}

function answer<T>(operation: string, parsed: unknown): T {
  const error = (parsed as { error?: { code?: number; err_code?: number; description?: string } }).error;
  if (error) throw new JetStreamApiError(operation, error.code ?? 0, error.err_code ?? 0, error.description ?? '');
  return parsed as T;
}

export async function streamInfo(connection: NatsConnection, name: string, timeoutMs: number): Promise<StreamInfo> {
  return call<StreamInfo>(connection, 'stream info', `${API}.STREAM.INFO.${name}`, undefined, timeoutMs);
}

/**
 * Creates the stream when missing. An existing one is left as it is — an operator may have tuned its retention or
 * replicas — and returned, so the caller can check that it still captures the bus's subjects.
 */
export async function ensureStream(
  connection: NatsConnection,
  spec: StreamSpec,
  timeoutMs: number,
): Promise<{ created: boolean; info: StreamInfo }> {
  try {
    return { created: false, info: await streamInfo(connection, spec.name, timeoutMs) };
  } catch (error) {
    if (!(error instanceof JetStreamApiError && error.errCode === STREAM_NOT_FOUND)) throw error;
  }
  const config = {
    name: spec.name,
    subjects: spec.subjects,
    retention: 'limits',
    storage: 'file',
    discard: 'old',
    num_replicas: 1,
    max_age: spec.maxAgeMs * NS_PER_MS,
    duplicate_window: spec.duplicateWindowMs * NS_PER_MS,
  };
  const info = await call<StreamInfo>(
    connection,
    'stream create',
    `${API}.STREAM.CREATE.${spec.name}`,
    config,
    timeoutMs,
  );
  return { created: true, info };
}

export async function deleteStream(connection: NatsConnection, name: string, timeoutMs: number): Promise<void> {
  await call(connection, 'stream delete', `${API}.STREAM.DELETE.${name}`, undefined, timeoutMs);
}

/**
 * Publishes and waits for JetStream's acknowledgement. `Nats-Msg-Id` makes a republish within the duplicate window a
 * no-op (`duplicate: true`); `Nats-Expected-Stream` makes JetStream refuse rather than store the message in another
 * stream that happens to capture the subject.
 */
export async function publishToStream(
  connection: NatsConnection,
  message: { subject: string; msgId: string; stream: string; headers?: Record<string, string>; data: Uint8Array },
  timeoutMs: number,
): Promise<PubAck> {
  const headers = natsHeaders();
  for (const [key, value] of Object.entries(message.headers ?? {})) headers.set(key, value);
  headers.set('Nats-Msg-Id', message.msgId);
  headers.set('Nats-Expected-Stream', message.stream);
  const reply = await connection.request(message.subject, message.data, { timeout: timeoutMs, headers });
  return answer<PubAck>('publish', reply.json<unknown>());
}

/** One stored message by sequence number (replay tools and tests); 404 past the end. */
export async function getStreamMessage(
  connection: NatsConnection,
  stream: string,
  seq: number,
  timeoutMs: number,
): Promise<StoredMessage> {
  const { message } = await call<{ message: { subject: string; seq: number; hdrs?: string; data?: string } }>(
    connection,
    'message get',
    `${API}.STREAM.MSG.GET.${stream}`,
    { seq },
    timeoutMs,
  );
  return {
    subject: message.subject,
    seq: message.seq,
    headers: parseHeaderBlock(message.hdrs),
    data: message.data ? new Uint8Array(Buffer.from(message.data, 'base64')) : new Uint8Array(),
  };
}

/** `NATS/1.0\r\nKey: value\r\n…` (base64) as a plain record; the last value wins for repeated keys. */
function parseHeaderBlock(encoded: string | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  if (!encoded) return result;
  const lines = Buffer.from(encoded, 'base64').toString('utf8').split('\r\n').slice(1);
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) result[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return result;
}
