import { BusRequestError } from './bus-reply.js';
import { parseCommandRequest } from './parse-command-request.js';

const bytes = (text: string) => new TextEncoder().encode(text);

function refusal(body: Uint8Array): BusRequestError {
  try {
    parseCommandRequest(body);
  } catch (error) {
    if (error instanceof BusRequestError) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('parseCommandRequest', () => {
  it('reads the payload and the optional metadata', () => {
    expect(parseCommandRequest(bytes('{"payload":{"a":1}}'))).toEqual({ payload: { a: 1 }, metadata: {} });
    expect(
      parseCommandRequest(
        bytes(
          JSON.stringify({
            payload: {},
            metadata: { commandId: 'c-1', correlationId: 'k-1', causationId: 'e-1', actor: 'operator:ann' },
          }),
        ),
      ),
    ).toEqual({
      payload: {},
      metadata: { commandId: 'c-1', correlationId: 'k-1', causationId: 'e-1', actor: 'operator:ann' },
    });
  });

  it('answers BAD_REQUEST for a body that is not a JSON object', () => {
    for (const body of ['', '   ', '{"payload":', 'payload=1', '[1,2]', '"text"', 'null', '42']) {
      expect(refusal(bytes(body)).code).toBe('BAD_REQUEST');
    }
    expect(refusal(new Uint8Array([0x7b, 0xff, 0x7d])).message).toMatch(/UTF-8/);
  });

  it('names unknown envelope and metadata fields, and bad metadata values', () => {
    const error = refusal(
      bytes(JSON.stringify({ importWindowDays: 5, metadata: { commandId: '', actor: 'system', user: 'x' } })),
    );
    expect(error.code).toBe('VALIDATION_FAILED');
    expect((error.details!.fields as Array<{ field: string }>).map((f) => f.field)).toEqual([
      'importWindowDays',
      'metadata.commandId',
      'metadata.actor',
      'metadata.user',
    ]);
  });

  it('lets a bus caller act as itself or for an operator, not as the engine', () => {
    for (const actor of ['bus:billing', 'operator:ann']) {
      expect(parseCommandRequest(bytes(JSON.stringify({ payload: {}, metadata: { actor } }))).metadata.actor).toBe(
        actor,
      );
    }
    for (const actor of ['system', 'saga:ShipSaga', 'api-key:k1', 'bus:', 'bus: x', 'operator']) {
      expect(refusal(bytes(JSON.stringify({ payload: {}, metadata: { actor } }))).code).toBe('VALIDATION_FAILED');
    }
  });
});
