import { parseIsoInstant } from './iso-instant.js';

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
