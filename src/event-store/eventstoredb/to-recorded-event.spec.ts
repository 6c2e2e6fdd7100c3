import type { AllStreamResolvedEvent, ResolvedEvent } from '@eventstore/db-client';
import { EsdbPositionMissing } from './esdb-position-missing.error.js';
import { toRecordedEvent } from './to-recorded-event.js';

const created = new Date('2026-03-01T10:20:30.456Z');

function resolved(overrides: Record<string, unknown> = {}, commitPosition?: bigint): AllStreamResolvedEvent {
  return {
    event: {
      streamId: 'order-amazon_fr-123',
      id: '3f1c2a8e-2b9d-4c7e-9f10-1a2b3c4d5e6f',
      isJson: true,
      revision: 4n,
      type: 'OrderImported',
      created,
      data: { orderId: '123' },
      metadata: { $correlationId: 'corr', actor: 'system' },
      position: { commit: 1500n, prepare: 1400n },
      ...overrides,
    },
    commitPosition,
  } as AllStreamResolvedEvent;
}

describe('toRecordedEvent', () => {
  it('normalises bigints, positions, dates and metadata at the boundary', () => {
    expect(toRecordedEvent(resolved())).toEqual({
      id: '3f1c2a8e-2b9d-4c7e-9f10-1a2b3c4d5e6f',
      stream: 'order-amazon_fr-123',
      revision: 4,
      position: '00000000000000001500:00000000000000001400',
      type: 'OrderImported',
      data: { orderId: '123' },
      metadata: { correlationId: 'corr', actor: 'system' },
      recordedAt: '2026-03-01T10:20:30.456Z',
    });
  });

  it('tolerates a revision that arrives as a number', () => {
    expect(toRecordedEvent(resolved({ revision: 9 }))?.revision).toBe(9);
  });

  it('falls back to the commit position when the server reports no event position', () => {
    expect(toRecordedEvent(resolved({ position: undefined }, 77n))?.position).toBe(
      '00000000000000000077:00000000000000000077',
    );
    expect(() => toRecordedEvent(resolved({ position: undefined }))).toThrow(EsdbPositionMissing);
  });

  it('wraps data that is not a JSON object instead of failing the read', () => {
    expect(toRecordedEvent(resolved({ data: 'plain' }))?.data).toEqual({ value: 'plain' });
    expect(toRecordedEvent(resolved({ data: [1, 2] }))?.data).toEqual({ value: [1, 2] });
    expect(toRecordedEvent(resolved({ isJson: false, data: new Uint8Array([104, 105]) }))?.data).toEqual({
      binary: 'aGk=',
    });
  });

  it('skips an unresolved link', () => {
    expect(toRecordedEvent({ commitPosition: 5n } as ResolvedEvent)).toBeUndefined();
  });
});
