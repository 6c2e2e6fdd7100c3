import { BusRequestError, type FieldProblem } from './bus-reply.js';

/** Optional fields a caller may set in `metadata`; everything else about a bus command is derived. */
export interface BusRequestMetadata {
  commandId?: string;
  correlationId?: string;
  causationId?: string;
  actor?: string;
}

export interface BusCommandRequest {
  /** Not validated yet: that is the command's DTO's job. Absent reads as `{}`. */
  payload: unknown;
  metadata: BusRequestMetadata;
  /**
   * Optimistic concurrency (HTTP's If-Match): refuse unless the order stream (a number, -1 for none yet) or the
   * settings (their revision string) are still where the caller last saw them.
   */
  expectedRevision?: number | string;
}

const ENVELOPE_FIELDS = new Set(['payload', 'metadata', 'expectedRevision']);
const METADATA_FIELDS = new Set(['commandId', 'correlationId', 'causationId', 'actor']);
const MAX_ID_LENGTH = 200;
/**
 * Bus callers may act for a person (`operator:<name>`, a back-office app relaying a click) or as themselves
 * (`bus:<name>`). `system`, `saga:` and `api-key:` belong to the engine and the HTTP API, so they are refused.
 */
const ACTOR = /^(operator|bus):[^\s].{0,199}$/;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads a command request body:
 * `{ "payload"?: {…}, "metadata"?: { commandId?, correlationId?, causationId?, actor? }, "expectedRevision"?: … }`
 * (no payload reads as `{}`, for commands whose fields are all optional).
 * A body that is not a UTF-8 JSON object is BAD_REQUEST; a wrong envelope or metadata field is VALIDATION_FAILED.
 */
export function parseCommandRequest(body: Uint8Array): BusCommandRequest {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw new BusRequestError('BAD_REQUEST', 'request body is not UTF-8 text');
  }
  if (text.trim() === '') throw new BusRequestError('BAD_REQUEST', 'request body is empty; expected a JSON object');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new BusRequestError('BAD_REQUEST', `request body is not JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new BusRequestError('BAD_REQUEST', 'request body must be a JSON object {"payload": {…}, "metadata": {…}}');
  }
  const envelope = parsed as Record<string, unknown>;
  const problems: FieldProblem[] = [];
  for (const key of Object.keys(envelope)) {
    if (!ENVELOPE_FIELDS.has(key)) {
      problems.push({ field: key, message: 'is not a known field of the request; command fields go under payload' });
    }
  }
  const metadata = readMetadata(envelope.metadata, problems);
  const expectedRevision = envelope.expectedRevision ?? undefined;
  const revisionOk =
    expectedRevision === undefined ||
    (typeof expectedRevision === 'number' && Number.isSafeInteger(expectedRevision) && expectedRevision >= -1) ||
    (typeof expectedRevision === 'string' &&
      expectedRevision.trim() !== '' &&
      expectedRevision.length <= MAX_ID_LENGTH);
  if (!revisionOk) {
    problems.push({ field: 'expectedRevision', message: 'must be a revision: an integer from -1, or a string' });
  }
  if (problems.length > 0) throw BusRequestError.validation(problems as [FieldProblem, ...FieldProblem[]]);
  return {
    payload: envelope.payload ?? {},
    metadata,
    ...(expectedRevision === undefined ? {} : { expectedRevision: expectedRevision as number | string }),
  };
}

function readMetadata(value: unknown, problems: FieldProblem[]): BusRequestMetadata {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    problems.push({ field: 'metadata', message: 'must be a JSON object' });
    return {};
  }
  const metadata: BusRequestMetadata = {};
  for (const [key, field] of Object.entries(value as Record<string, unknown>)) {
    if (!METADATA_FIELDS.has(key)) {
      problems.push({ field: `metadata.${key}`, message: 'is not a known field' });
      continue;
    }
    if (field === undefined || field === null) continue;
    if (typeof field !== 'string' || field.trim() === '' || field.length > MAX_ID_LENGTH) {
      problems.push({ field: `metadata.${key}`, message: `must be a non-blank string of at most ${MAX_ID_LENGTH}` });
      continue;
    }
    if (key === 'actor' && !ACTOR.test(field)) {
      problems.push({ field: 'metadata.actor', message: 'must be operator:<name> or bus:<name>' });
      continue;
    }
    metadata[key as keyof BusRequestMetadata] = field;
  }
  return metadata;
}
