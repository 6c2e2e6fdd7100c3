import {
  AccessDeniedError,
  CancelledError,
  DeadlineExceededError,
  InvalidArgumentError,
  StreamDeletedError,
  StreamNotFoundError,
  UnavailableError,
  UnsupportedError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import { WrongExpectedRevision } from '../wrong-expected-revision.error.js';
import { isEsdbStreamNotFound, isPermanentEsdbError, mapEsdbAppendError } from './map-esdb-error.js';

// The client builds these from gRPC errors; without a server we build them the way its append code does.
function wrongVersion(current: bigint | 'no_stream', expected: bigint | 'no_stream' | 'stream_exists' = 3n) {
  return new WrongExpectedVersionError(undefined, { streamName: 'order-a-1', expected, current });
}

describe('mapEsdbAppendError', () => {
  it('turns WrongExpectedVersionError into WrongExpectedRevision with a numeric actual revision', () => {
    const mapped = mapEsdbAppendError(wrongVersion(5n), 'order-a-1', 3);
    expect(mapped).toBeInstanceOf(WrongExpectedRevision);
    expect(mapped).toMatchObject({ stream: 'order-a-1', expected: 3, actual: 5, code: 'WRONG_EXPECTED_REVISION' });
  });

  it('reports a missing stream as no_stream', () => {
    const mapped = mapEsdbAppendError(wrongVersion('no_stream', 'stream_exists'), 'order-a-1', 'stream_exists');
    expect(mapped).toMatchObject({ expected: 'stream_exists', actual: 'no_stream' });
  });

  it('keeps our expectation, not the client bigint, in the mapped error', () => {
    const mapped = mapEsdbAppendError(wrongVersion(0n, 'no_stream'), 'order-a-1', 'no_stream') as WrongExpectedRevision;
    expect(mapped.expected).toBe('no_stream');
    expect(mapped.actual).toBe(0);
    expect(typeof mapped.actual).toBe('number');
  });

  it('passes every other error through untouched', () => {
    const unavailable = new UnavailableError();
    expect(mapEsdbAppendError(unavailable, 's', 'any')).toBe(unavailable);
    const plain = new Error('socket hang up');
    expect(mapEsdbAppendError(plain, 's', 'any')).toBe(plain);
    expect(mapEsdbAppendError('not an error', 's', 'any')).toBe('not an error');
  });
});

describe('isEsdbStreamNotFound', () => {
  it('recognises the error the client raises while iterating a missing stream', () => {
    expect(isEsdbStreamNotFound(new StreamNotFoundError(undefined, 'order-a-1'))).toBe(true);
  });

  it('does not mistake other errors for it', () => {
    expect(isEsdbStreamNotFound(StreamDeletedError.fromStreamName('order-a-1'))).toBe(false);
    expect(isEsdbStreamNotFound(new Error('stream-not-found'))).toBe(false);
    expect(isEsdbStreamNotFound(undefined)).toBe(false);
  });
});

describe('isPermanentEsdbError', () => {
  it('gives up only on errors a retry cannot fix', () => {
    expect(isPermanentEsdbError(new AccessDeniedError())).toBe(true);
    expect(isPermanentEsdbError(new InvalidArgumentError('bad filter'))).toBe(true);
    expect(isPermanentEsdbError(new UnsupportedError('filtered subscription', '21.10'))).toBe(true);
  });

  it('treats connection trouble, cancellations and unknown errors as transient', () => {
    expect(isPermanentEsdbError(new UnavailableError())).toBe(false);
    expect(isPermanentEsdbError(new CancelledError())).toBe(false);
    expect(isPermanentEsdbError(new DeadlineExceededError())).toBe(false);
    expect(isPermanentEsdbError(new Error('ECONNRESET'))).toBe(false);
  });
});
