import { createHash, randomUUID } from 'node:crypto';
import type { CommandBus } from '@nestjs/cqrs';
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { canonicalJson } from '../common/canonical-json.js';
import type { EventStore } from '../event-store/event-store.port.js';
import type { CatalogueEntry, CommandOptions } from '../interfaces/catalogue/catalogue-entry.js';
import { validatePayload } from '../interfaces/catalogue/validate-payload.js';
import { commandEntries, commandEntry, type CommandEntry } from '../interfaces/command-catalogue.js';
import type { IdempotencyStore } from '../interfaces/idempotency-store.js';
import type { Logger } from '../logging/logger.js';
import type { CommandMetadata } from '../orders/commands/command-metadata.js';
import { deterministicId } from '../orders/commands/order-event-ids.js';
import { streamRevision } from '../event-store/stream-revision.js';
import { requireOrderRevision } from '../orders/commands/require-order-revision.js';
import type { Actor } from '../orders/domain/event-metadata.js';
import { orderStreamName } from '../orders/domain/order-key.js';
import { isFailedImportRun } from '../orders/import/failed-import-run.js';
import { BusRequestError, type BusError, type CommandReply } from './bus-reply.js';
import { encodeJson } from './encode-json.js';
import { mapCommandError } from './map-command-error.js';
import { parseCommandRequest, type BusCommandRequest } from './parse-command-request.js';

/** Header naming the calling service; the default actor is `bus:<that name>`. */
export const CLIENT_HEADER = 'Lengow-Client';
const CLIENT_NAME = /^[A-Za-z0-9._:-]{1,100}$/;

export interface CommandCatalogue {
  entry(name: string): CommandEntry | undefined;
  names(): string[];
}

/** The shared catalogue every door uses (HTTP, CLI, this bus). */
export const sharedCatalogue: CommandCatalogue = {
  entry: commandEntry,
  names: () => commandEntries().map((entry) => entry.name),
};

export interface NatsCommandResponderOptions {
  subjectPrefix: string;
  queueGroup: string;
  commandBus: Pick<CommandBus, 'execute'>;
  /** Reads an order stream's revision for `expectedRevision` on order commands. */
  store: Pick<EventStore, 'readStream'>;
  catalogue?: CommandCatalogue;
  /**
   * Where the answers to requests with a `commandId` are kept, so a retry gets the first answer again and the same id
   * on another request is refused. Without it a `commandId` still makes the command's events idempotent, no more.
   */
  idempotency?: IdempotencyStore;
  logger: Logger;
}

/**
 * Answers `<prefix>.cmd.<name>` requests with the catalogue's commands. It listens on the wildcard, so a name with no
 * catalogue entry gets UNKNOWN_COMMAND rather than a timeout, and every request gets a reply: malformed bodies,
 * refused commands and crashes included. Callers are trusted backend services: who may publish on these subjects is
 * NATS's business (accounts, subject permissions), so catalogue roles are not checked here.
 */
export class NatsCommandResponder {
  private subscription?: Subscription;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly catalogue: CommandCatalogue;
  /** The server's limit (its INFO), 1 MiB by default: a larger reply would never reach the caller. */
  private maxPayload = 1024 * 1024;

  constructor(private readonly options: NatsCommandResponderOptions) {
    this.catalogue = options.catalogue ?? sharedCatalogue;
  }

  get subject(): string {
    return `${this.options.subjectPrefix}.cmd.>`;
  }

  /** Subscribes on a new connection (the client restores it by itself across reconnects). */
  attach(connection: NatsConnection): void {
    this.maxPayload = connection.info?.max_payload ?? this.maxPayload;
    this.subscription = connection.subscribe(this.subject, {
      queue: this.options.queueGroup,
      callback: (error, message) => {
        if (error) {
          this.options.logger.warn({ err: error }, 'NATS command subscription error');
          return;
        }
        const handling = this.handle(message).finally(() => this.inFlight.delete(handling));
        this.inFlight.add(handling);
      },
    });
  }

  /** Stops taking requests, then waits for the ones in progress to be answered. */
  async stop(): Promise<void> {
    const subscription = this.subscription;
    this.subscription = undefined;
    if (subscription && !subscription.isClosed()) await subscription.drain().catch(() => undefined);
    await Promise.allSettled([...this.inFlight]);
  }

  /** Answers one request; never throws. */
  async handle(message: Msg): Promise<void> {
    const started = Date.now();
    const name = message.subject.slice(this.options.subjectPrefix.length + '.cmd.'.length);
    let reply: CommandReply;
    let commandId: string | undefined;
    try {
      const entry = this.catalogue.entry(name) as CatalogueEntry | undefined;
      if (!entry) {
        throw new BusRequestError('UNKNOWN_COMMAND', `no command named ${JSON.stringify(name)}`, {
          command: name,
          known: this.catalogue.names().sort(),
        });
      }
      const request = parseCommandRequest(message.data);
      const payload = validatePayload(entry.payload, request.payload);
      const options = concurrencyOf(entry, request);
      const client = clientName(message);
      const metadata = metadataOf(request, client);
      commandId = metadata.commandId;
      const run = async (): Promise<CommandReply> => {
        try {
          await this.checkOrderRevision(entry, payload, options);
          const result: unknown = await this.options.commandBus.execute(entry.build(payload, metadata, options));
          return { ok: true, commandId: metadata.commandId, result };
        } catch (error) {
          return this.refusal(error, name, metadata.commandId);
        }
      };
      const retryKey = request.metadata.commandId;
      reply =
        retryKey && this.options.idempotency
          ? await this.runOnce(this.options.idempotency, `bus:${client}`, retryKey, fingerprintOf(name, request), run)
          : await run();
    } catch (error) {
      reply = this.refusal(error, name, commandId);
    }
    this.options.logger.debug(
      {
        command: name,
        commandId,
        ok: reply.ok,
        code: reply.ok ? undefined : reply.error.code,
        ms: Date.now() - started,
      },
      'bus command answered',
    );
    this.respond(message, name, reply);
  }

  /**
   * Runs the command once per (client, commandId): a retry gets the first answer again (`replayed: true`), the same id
   * on a different request is COMMAND_ID_REUSED, and one still running is COMMAND_IN_PROGRESS. An answer that was no
   * answer (the engine's failure, a dependency down, a run that found Lengow unreachable) is not kept: the retry runs.
   */
  private async runOnce(
    store: IdempotencyStore,
    scope: string,
    key: string,
    fingerprint: string,
    run: () => Promise<CommandReply>,
  ): Promise<CommandReply> {
    const claim = await store.claim(scope, key, fingerprint);
    if (claim.kind === 'replay') return { ...(JSON.parse(claim.response.body) as CommandReply), replayed: true };
    if (claim.kind === 'mismatch') {
      throw new BusRequestError(
        'COMMAND_ID_REUSED',
        'this commandId was already used for a different command or payload; send a new commandId for a new command',
        { commandId: key },
      );
    }
    if (claim.kind === 'in_progress') {
      throw new BusRequestError(
        'COMMAND_IN_PROGRESS',
        'a request with this commandId is still running; retry shortly',
        {
          commandId: key,
        },
      );
    }
    const reply = await run();
    const kept = reply.ok ? !isFailedImportRun(reply.result) : !NOT_AN_ANSWER.has(reply.error.code);
    if (kept) await store.complete(scope, key, { status: 0, headers: {}, body: JSON.stringify(reply) });
    else await store.release(scope, key);
    return reply;
  }

  private refusal(error: unknown, name: string, commandId: string | undefined): CommandReply {
    const mapped = mapCommandError(error);
    if (mapped.internal) {
      this.options.logger.error(
        { err: mapped.internal.cause, reference: mapped.internal.reference, command: name, commandId },
        'bus command failed',
      );
    }
    return { ok: false, error: mapped.error };
  }

  /**
   * Refuses a stale order revision before the command runs, as HTTP does, so a request that cannot succeed asks
   * nothing of Lengow or the shop. A write may still land before the command's append: the command carries the
   * revision to that append (catalogue `build`), which refuses it then.
   */
  private async checkOrderRevision(entry: CatalogueEntry, payload: object, options: CommandOptions): Promise<void> {
    if (entry.concurrency !== 'order' || !entry.orderKeyOf || typeof options.expectedRevision !== 'number') return;
    const stream = orderStreamName(entry.orderKeyOf(payload));
    requireOrderRevision(stream, options.expectedRevision, await streamRevision(this.options.store, stream));
  }

  private respond(message: Msg, name: string, reply: CommandReply): void {
    if (!message.reply) {
      // Published without a reply subject (fire and forget): the command ran; only a failure is worth a log line.
      if (!reply.ok)
        this.options.logger.warn({ command: name, error: reply.error }, 'bus command without reply failed');
      return;
    }
    let body: Uint8Array;
    try {
      body = encodeJson(reply);
    } catch (error) {
      body = encodeJson({ ok: false, error: this.internal(error, name) } satisfies CommandReply);
    }
    if (body.byteLength > this.maxPayload) {
      this.options.logger.warn({ command: name, bytes: body.byteLength }, 'bus reply too large; sent shortened');
      body = encodeJson(tooLarge(reply, body.byteLength, this.maxPayload));
    }
    try {
      message.respond(body);
    } catch (error) {
      // The connection closed under us (shutdown, or gone for good): the caller times out and may retry.
      this.options.logger.warn({ err: error, command: name }, 'bus reply could not be sent');
    }
  }

  private internal(error: unknown, name: string): BusError {
    const mapped = mapCommandError(error);
    if (mapped.internal) {
      this.options.logger.error(
        { err: error, reference: mapped.internal.reference, command: name },
        'bus reply not encodable',
      );
    }
    return mapped.error;
  }
}

/** Longest message kept in a refusal replacing one too large to send. */
const MAX_SHORT_MESSAGE = 500;

/**
 * What replaces a reply larger than a NATS message may be, which would never reach the caller. A result: the command
 * was applied, so the caller must not simply retry. A refusal keeps its code (what callers branch on) and the start
 * of its message, without its details.
 */
function tooLarge(reply: CommandReply, bytes: number, maxPayload: number): CommandReply {
  if (reply.ok) {
    const error: BusError = {
      code: 'RESULT_TOO_LARGE',
      message: 'the command was applied but its result is larger than a NATS message may be; read it over HTTP',
      details: { commandId: reply.commandId, bytes, maxPayload },
    };
    return { ok: false, error };
  }
  const { code, message } = reply.error;
  const short = message.length > MAX_SHORT_MESSAGE ? `${message.slice(0, MAX_SHORT_MESSAGE)}…` : message;
  return { ok: false, error: { code, message: short, details: { detailsOmitted: true, bytes, maxPayload } } };
}

/**
 * Who and which command. A caller's commandId is scoped by its client name before it becomes the engine's command id
 * (two services both numbering their commands from 1 must not silence each other's events); the same id from the
 * same client is the same command, so a retry appends nothing. Without one, each request is a new command. The
 * caller's own id stays visible as the default correlation id.
 */
function metadataOf({ metadata }: BusCommandRequest, client: string): CommandMetadata {
  const commandId = metadata.commandId ? deterministicId(`bus:${client}:${metadata.commandId}`) : randomUUID();
  return {
    commandId,
    correlationId: metadata.correlationId ?? metadata.commandId ?? commandId,
    ...(metadata.causationId ? { causationId: metadata.causationId } : {}),
    actor: (metadata.actor ?? `bus:${client}`) as Actor,
  };
}

/** What `expectedRevision` means for this entry: an order stream revision, a settings revision, or nothing. */
function concurrencyOf(entry: CatalogueEntry, request: BusCommandRequest): CommandOptions {
  const expected = request.expectedRevision;
  if (expected === undefined) return {};
  const concurrency = entry.concurrency ?? 'none';
  if (concurrency === 'settings') return { expectedRevision: String(expected) };
  if (concurrency === 'order') {
    const revision = typeof expected === 'number' ? expected : /^-?\d{1,15}$/.test(expected) ? Number(expected) : NaN;
    if (Number.isSafeInteger(revision) && revision >= -1) return { expectedRevision: revision };
    throw BusRequestError.validation([
      { field: 'expectedRevision', message: 'must be an order stream revision (an integer from -1)' },
    ]);
  }
  throw BusRequestError.validation([
    { field: 'expectedRevision', message: `${entry.name} is not tied to one revision` },
  ]);
}

function clientName(message: Msg): string {
  const header = message.headers?.get(CLIENT_HEADER);
  if (header === undefined || header === '') return 'anonymous';
  if (!CLIENT_NAME.test(header)) {
    throw BusRequestError.validation([
      { field: `headers.${CLIENT_HEADER}`, message: 'must be 1 to 100 characters of [A-Za-z0-9._:-]' },
    ]);
  }
  return header;
}

/**
 * Refusals that say the engine could not answer, not what the answer is: a retry with the same commandId must run the
 * command again (HTTP frees an Idempotency-Key on the same failures, its 5xx).
 */
const NOT_AN_ANSWER: ReadonlySet<string> = new Set([
  'INTERNAL',
  'EVENT_STORE_UNAVAILABLE',
  'WRONG_EXPECTED_REVISION',
  'SHOP_UNAVAILABLE',
  'LENGOW_UNAVAILABLE',
  'LENGOW_RATE_LIMITED',
  'LENGOW_AUTH',
  'LENGOW_REJECTED',
  'LENGOW_MALFORMED_RESPONSE',
  'IMPORT_ALREADY_RUNNING',
  'PROJECTION_BUSY',
]);

/** What makes two requests with one commandId the same command: its name, payload and expected revision. */
function fingerprintOf(name: string, request: BusCommandRequest): string {
  const same = { command: name, payload: request.payload ?? {}, expectedRevision: request.expectedRevision ?? null };
  return createHash('sha256').update(canonicalJson(same)).digest('hex');
}
