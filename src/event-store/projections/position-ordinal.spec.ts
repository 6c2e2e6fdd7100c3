import { maxPosition, positionOrdinal } from './position-ordinal.js';

describe('positionOrdinal', () => {
  it('reads the trailing sequence of SQLite and PostgreSQL positions, null otherwise', () => {
    expect(positionOrdinal(null)).toBe(0);
    expect(positionOrdinal('0000000000000000042')).toBe(42);
    expect(positionOrdinal('00000000000000002212:0000000000000000017')).toBe(17);
    expect(positionOrdinal('commit/prepare')).toBeNull();
  });
});

describe('maxPosition', () => {
  it('treats null as before everything', () => {
    expect(maxPosition(null, '01')).toBe('01');
    expect(maxPosition('02', null)).toBe('02');
    expect(maxPosition('02', '10')).toBe('10');
  });
});
