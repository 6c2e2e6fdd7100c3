import { fromEsdbMetadata, toEsdbMetadata } from './esdb-metadata.js';

describe('EventStoreDB metadata mapping', () => {
  it('stores correlation and causation ids under the names the server projections read', () => {
    expect(toEsdbMetadata({ correlationId: 'c-1', causationId: 'e-0', actor: 'system', attempt: 2 })).toEqual({
      $correlationId: 'c-1',
      $causationId: 'e-0',
      actor: 'system',
      attempt: 2,
    });
  });

  it('gives them back under our names, so a round trip is lossless', () => {
    const metadata = { correlationId: 'c-1', causationId: 'e-0', actor: 'operator:ann', nested: { a: [1, 2] } };
    const stored = JSON.parse(JSON.stringify(toEsdbMetadata(metadata)));
    expect(fromEsdbMetadata(stored)).toEqual(metadata);
    expect(fromEsdbMetadata(stored)).not.toHaveProperty('$correlationId');
  });

  it('omits absent ids instead of storing nulls', () => {
    expect(toEsdbMetadata({ actor: 'system' })).toEqual({ actor: 'system' });
    expect(toEsdbMetadata(undefined)).toEqual({});
    expect(fromEsdbMetadata({ actor: 'x' })).toEqual({ actor: 'x' });
  });

  it('reads metadata written by other tools that only set the $ names', () => {
    expect(fromEsdbMetadata({ $correlationId: 'c', $causationId: 'd' })).toEqual({
      correlationId: 'c',
      causationId: 'd',
    });
  });

  it.each([undefined, null, 'text', 42, [1, 2], new Uint8Array([1, 2])])('reads %p as empty metadata', (stored) => {
    expect(fromEsdbMetadata(stored)).toEqual({});
  });
});
