import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LOGGER } from '../app.tokens.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port.js';
import type { CatalogueEntry, CommandOptions } from '../interfaces/catalogue/catalogue-entry.js';
import { validatePayload } from '../interfaces/catalogue/validate-payload.js';
import type { Logger } from '../logging/logger.js';
import type { CommandMetadata } from '../orders/commands/command-metadata.js';
import { deterministicId } from '../orders/commands/order-event-ids.js';
import { requireOrderRevision } from '../orders/commands/require-order-revision.js';
import { orderStreamName } from '../orders/domain/order-key.js';
import { roleAllows } from './api-key-authenticator.js';
import { principalOf, type RequestWithPrincipal } from './api-key.guard.js';
import { canonicalJson } from '../common/canonical-json.js';
import { errorToProblem } from './error-to-problem.js';
import { HttpProblem, PROBLEM_CONTENT_TYPE } from './http-problem.js';
import { IdempotencyStore, type StoredResponse } from '../interfaces/idempotency-store.js';
import { streamRevision } from '../event-store/stream-revision.js';
import { revisionETag, revisionFromIfMatch } from './revision-etag.js';

/** What a route answers for a command's result: the body, and the revision for the ETag when there is one. */
export interface CommandAnswer {
  readonly status?: number;
  readonly body: unknown;
  readonly revision?: number | string;
}

export interface RunCommandInput<Payload extends object, Result> {
  readonly request: FastifyRequest;
  readonly reply: FastifyReply;
  readonly body: unknown;
  /** Path parameters that belong in the payload (the order key); they win over the body, which may not contradict them. */
  readonly params?: Readonly<Record<string, string>>;
  readonly present: (result: Result, payload: Payload) => CommandAnswer;
}

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * Runs one catalogue command for an HTTP request: checks the role the catalogue gives it, validates the payload with
 * the entry's DTO, reads `If-Match` and `Idempotency-Key`, sends the command on the CommandBus and writes the answer.
 *
 * With an `Idempotency-Key`, the command id derives from (API key id, key), so even a request replayed after the key
 * table forgot it appends nothing new in the event store; the first answer (success or a 4xx refusal) is stored and
 * sent again for the same key and body, with `Idempotent-Replayed: true`. The same key with another body is a 422.
 */
@Injectable()
export class HttpCommandRunner {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly idempotency: IdempotencyStore,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async run<Payload extends object, Result>(
    entry: CatalogueEntry<Payload>,
    input: RunCommandInput<Payload, Result>,
  ): Promise<string> {
    const { request, reply } = input;
    const principal = principalOf(request as unknown as RequestWithPrincipal);
    if (!roleAllows(principal.role, entry.role)) {
      throw new HttpProblem(403, 'ROLE_TOO_LOW', 'Forbidden', `${entry.name} needs the ${entry.role} role`);
    }
    const raw = mergeParams(input.body, input.params);
    const payload = validatePayload(entry.payload, raw);
    const options = this.concurrencyOf(entry, request);
    const key = idempotencyKeyOf(request);
    const scope = principal.keyId ?? 'open';

    if (key === undefined) {
      const metadata: CommandMetadata = { commandId: randomUUID(), actor: principal.actor };
      return this.send(reply, await this.execute(entry, payload, metadata, options, input.present));
    }

    const fingerprint = createHash('sha256')
      .update(canonicalJson({ route: `${request.method} ${request.url}`, body: raw, options }))
      .digest('hex');
    const claim = await this.idempotency.claim(scope, key, fingerprint);
    if (claim.kind === 'replay') return this.send(reply, claim.response, true);
    if (claim.kind === 'mismatch') {
      throw new HttpProblem(
        422,
        'IDEMPOTENCY_KEY_REUSED',
        'Unprocessable Content',
        'this Idempotency-Key was already used for a different request; use a new key for a new request',
      );
    }
    if (claim.kind === 'in_progress') {
      throw new HttpProblem(
        409,
        'IDEMPOTENCY_KEY_IN_USE',
        'Conflict',
        'a request with this Idempotency-Key is still running',
        {
          headers: { 'Retry-After': '1' },
        },
      );
    }
    const metadata: CommandMetadata = { commandId: deterministicId(`http:${scope}:${key}`), actor: principal.actor };
    let response: StoredResponse;
    try {
      response = await this.execute(entry, payload, metadata, options, input.present);
    } catch (error) {
      const { problem, headers, unexpected } = errorToProblem(error);
      if (unexpected || problem.status >= 500) {
        // Our failure, not an answer: forget the claim so the client's retry runs the command again.
        await this.release(scope, key);
      } else {
        const stored = {
          status: problem.status,
          headers: { ...headers, 'content-type': PROBLEM_CONTENT_TYPE },
          body: JSON.stringify(problem),
        };
        await this.idempotency.complete(scope, key, stored);
      }
      throw error;
    }
    if (response.status >= 500) {
      // A command that ran but could not do its work (an import run that found Lengow unreachable): not an answer to
      // keep either, so the retry runs it again.
      await this.release(scope, key);
    } else {
      await this.idempotency.complete(scope, key, response);
    }
    return this.send(reply, response);
  }

  private release(scope: string, key: string): Promise<void> {
    return this.idempotency
      .release(scope, key)
      .catch((e: unknown) => this.logger.warn({ err: e }, 'idempotency release failed'));
  }

  private async execute<Payload extends object, Result>(
    entry: CatalogueEntry<Payload>,
    payload: Payload,
    metadata: CommandMetadata,
    options: CommandOptions,
    present: (result: Result, payload: Payload) => CommandAnswer,
  ): Promise<StoredResponse> {
    const stream =
      entry.concurrency === 'order' && entry.orderKeyOf ? orderStreamName(entry.orderKeyOf(payload)) : null;
    if (stream !== null && typeof options.expectedRevision === 'number') {
      // A cheap refusal before the handler asks Lengow or the shop anything. It cannot be the only check: another write
      // may land before the command's append, which is why the command carries the revision to that append too.
      requireOrderRevision(stream, options.expectedRevision, await streamRevision(this.store, stream));
    }
    const result = (await this.commandBus.execute(entry.build(payload, metadata, options))) as Result;
    const answer = present(result, payload);
    const headers: Record<string, string> = { 'content-type': JSON_CONTENT_TYPE };
    const revision = answer.revision ?? (stream === null ? undefined : await streamRevision(this.store, stream));
    if (revision !== undefined) headers.etag = revisionETag(revision);
    return {
      status: answer.status ?? 200,
      headers,
      body: JSON.stringify({ commandId: metadata.commandId, ...(answer.body as object) }),
    };
  }

  private concurrencyOf(entry: CatalogueEntry<object>, request: FastifyRequest): CommandOptions {
    const revision = revisionFromIfMatch(request.headers['if-match']);
    if (revision === undefined) return {};
    if (entry.concurrency === 'none') {
      throw new HttpProblem(400, 'IF_MATCH_NOT_SUPPORTED', 'Bad Request', `${entry.name} does not take If-Match`, {
        errors: [{ field: 'header.if-match', message: `${entry.name} is not tied to one revision` }],
      });
    }
    return { expectedRevision: entry.concurrency === 'settings' ? String(revision) : revision };
  }

  private send(reply: FastifyReply, response: StoredResponse, replayed = false): string {
    reply.status(response.status);
    for (const [name, value] of Object.entries(response.headers)) reply.header(name, value);
    if (replayed) reply.header('idempotent-replayed', 'true');
    if (response.status >= 400) {
      // A stored refusal goes out exactly as the first time, without reaching the exception filter again.
      reply.header('content-type', PROBLEM_CONTENT_TYPE);
    }
    return response.body;
  }
}

function idempotencyKeyOf(request: FastifyRequest): string | undefined {
  const header = request.headers['idempotency-key'];
  if (header === undefined) return undefined;
  const value = Array.isArray(header) ? header[0] : header;
  if (!KEY_PATTERN.test(value)) {
    throw new HttpProblem(
      400,
      'INVALID_IDEMPOTENCY_KEY',
      'Bad Request',
      'Idempotency-Key must be 1 to 255 visible ASCII characters',
      {
        errors: [
          { field: 'header.idempotency-key', message: 'Idempotency-Key must be 1 to 255 visible ASCII characters' },
        ],
      },
    );
  }
  return value;
}

function mergeParams(body: unknown, params: Readonly<Record<string, string>> | undefined): unknown {
  if (!params || Object.keys(params).length === 0) return body;
  const base = body === undefined || body === null ? {} : body;
  if (typeof base !== 'object' || Array.isArray(base)) return base; // validatePayload names the problem
  for (const [name, value] of Object.entries(params)) {
    const given = (base as Record<string, unknown>)[name];
    if (given !== undefined && given !== value) {
      throw new HttpProblem(400, 'VALIDATION_FAILED', 'Bad Request', `${name} in the body contradicts the URL`, {
        errors: [{ field: name, message: `${name} in the body must match the URL or be left out` }],
      });
    }
  }
  return { ...base, ...params };
}
