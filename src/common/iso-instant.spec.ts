import { parseIsoInstant, parseUtcTimestamp } from './iso-instant.js';

describe('parseIsoInstant', () => {
  it('reads a bare date as its day’s start in UTC only when asked to', () => {
    expect(parseIsoInstant('2025-03-10')).toBeNull();
    expect(parseIsoInstant('2025-03-10', { dateOnly: true })).toBe(Date.parse('2025-03-10T00:00:00.000Z'));
    expect(parseIsoInstant('2025-03-10T10:00:00+01:00', { dateOnly: true })).toBe(
      Date.parse('2025-03-10T09:00:00.000Z'),
    );
  });

  it('refuses a bare date the calendar does not have, and a date-time without offset, even with dates allowed', () => {
    expect(parseIsoInstant('2025-02-30', { dateOnly: true })).toBeNull();
    expect(parseIsoInstant('2025-02-29', { dateOnly: true })).toBeNull();
    expect(parseIsoInstant('2024-02-29', { dateOnly: true })).toBe(Date.parse('2024-02-29T00:00:00.000Z'));
    expect(parseIsoInstant('2025-03-10T10:00:00', { dateOnly: true })).toBeNull();
  });
});

describe('parseUtcTimestamp (the fast path for `…Z`)', () => {
  it('agrees with the calendar on every day of 400 years’ months, including the century leap rules', () => {
    for (const year of [1999, 2000, 2023, 2024, 2100, 2400]) {
      for (let month = 1; month <= 12; month++) {
        for (let day = 28; day <= 32; day++) {
          const text = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}T23:59:59.999Z`;
          const real = new Date(Date.UTC(year, month - 1, day)).getUTCDate() === day;
          expect(parseUtcTimestamp(text)).toBe(real ? Date.UTC(year, month - 1, day, 23, 59, 59, 999) : undefined);
        }
      }
    }
  });

  it('reads the forms Lengow sends, and leaves every other form to the general path', () => {
    expect(parseUtcTimestamp('2015-11-23T17:08:00.098728Z')).toBe(Date.UTC(2015, 10, 23, 17, 8, 0, 98));
    expect(parseUtcTimestamp('2024-05-01T10:00Z')).toBe(Date.UTC(2024, 4, 1, 10, 0));
    for (const text of [
      '2024-02-29T24:00:00Z',
      '2024-05-01T10:00:00+02:00',
      '2024-05-01T10:60:00Z',
      '0099-01-01T00:00:00Z',
    ])
      expect(parseUtcTimestamp(text)).toBeUndefined();
    expect(parseIsoInstant('2024-02-29T24:00:00Z')).toBe(Date.UTC(2024, 2, 1));
  });
});
