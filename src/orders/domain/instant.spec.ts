import { OrderDomainError } from './order-domain-error.js';
import { parseInstant, parseIsoInstant, subtractMonths, tryParseInstant } from './instant.js';

const at = (iso: string) => Date.parse(iso);

describe('instants', () => {
  describe('parseIsoInstant', () => {
    it('reads every form Lengow and the engine write, each to its instant', () => {
      expect(parseIsoInstant('2015-11-24T07:01:51Z')).toBe(at('2015-11-24T07:01:51.000Z'));
      expect(parseIsoInstant('2015-11-23T17:08:00.098728Z')).toBe(at('2015-11-23T17:08:00.098Z'));
      expect(parseIsoInstant('2024-05-01T10:00:00+02:00')).toBe(at('2024-05-01T08:00:00.000Z'));
      expect(parseIsoInstant('2024-05-01T10:00:00-05:30')).toBe(at('2024-05-01T15:30:00.000Z'));
      expect(parseIsoInstant('2024-05-01T10:00Z')).toBe(at('2024-05-01T10:00:00.000Z'));
      expect(parseIsoInstant('2025-03-10T12:00:00.000Z')).toBe(at('2025-03-10T12:00:00.000Z'));
    });

    it('reads 24:00 as the end of the day, as ISO 8601 allows', () => {
      expect(parseIsoInstant('2024-02-29T24:00:00Z')).toBe(at('2024-03-01T00:00:00.000Z'));
      expect(parseIsoInstant('2024-02-29T24:00:01Z')).toBeNull();
    });

    it('refuses a time without offset, whose instant would depend on the host’s time zone', () => {
      expect(parseIsoInstant('2024-05-01T10:00:00')).toBeNull();
      expect(parseIsoInstant('2024-05-01')).toBeNull();
    });

    it('refuses dates the calendar does not have instead of rolling them into the next month', () => {
      expect(parseIsoInstant('2025-02-30T10:00:00Z')).toBeNull();
      expect(parseIsoInstant('2023-02-29T10:00:00Z')).toBeNull();
      expect(parseIsoInstant('2024-02-29T10:00:00Z')).toBe(at('2024-02-29T10:00:00.000Z'));
      expect(parseIsoInstant('2025-04-31T10:00:00Z')).toBeNull();
      expect(parseIsoInstant('2025-13-01T10:00:00Z')).toBeNull();
      expect(parseIsoInstant('2025-03-10T10:60:00Z')).toBeNull();
      expect(parseIsoInstant('2025-03-10T10:00:60Z')).toBeNull();
      expect(parseIsoInstant('2025-03-10T10:00:00+24:00')).toBeNull();
      expect(parseIsoInstant('0000-00-00T00:00:00Z')).toBeNull();
    });

    it('refuses what is not an ISO 8601 date-time', () => {
      for (const value of ['yesterday', 'Mon, 10 Mar 2025 10:00:00 GMT', '', ' 2025-03-10T10:00:00Z', 1741600800, null])
        expect(parseIsoInstant(value)).toBeNull();
    });
  });

  it('throws a typed error for a malformed command timestamp, and gives null for unreadable Lengow data', () => {
    expect(() => parseInstant('2025-02-30T10:00:00Z', 'now')).toThrow(
      new OrderDomainError(
        'INVALID_TIMESTAMP',
        'now is not an ISO 8601 timestamp with an offset: 2025-02-30T10:00:00Z',
      ),
    );
    expect(tryParseInstant('2025-03-10T10:00:00')).toBeNull();
    expect(tryParseInstant(null)).toBeNull();
  });

  describe('subtractMonths', () => {
    it('goes back whole calendar months, keeping the time of day', () => {
      expect(subtractMonths(at('2024-05-02T10:00:00.000Z'), 3)).toBe(at('2024-02-02T10:00:00.000Z'));
      expect(subtractMonths(at('2025-02-15T08:30:00.250Z'), 3)).toBe(at('2024-11-15T08:30:00.250Z'));
    });

    it('lands on the last day of a shorter month rather than rolling over into the next one', () => {
      // given now on May 31, when going back 3 months, then Feb 28 in a common year and Feb 29 in a leap year
      expect(subtractMonths(at('2025-05-31T12:00:00.000Z'), 3)).toBe(at('2025-02-28T12:00:00.000Z'));
      expect(subtractMonths(at('2024-05-31T12:00:00.000Z'), 3)).toBe(at('2024-02-29T12:00:00.000Z'));
      expect(subtractMonths(at('2025-12-31T23:59:59.999Z'), 3)).toBe(at('2025-09-30T23:59:59.999Z'));
      expect(subtractMonths(at('2025-03-31T00:00:00.000Z'), 1)).toBe(at('2025-02-28T00:00:00.000Z'));
    });

    it('keeps a day the target month has', () => {
      expect(subtractMonths(at('2025-02-28T09:00:00.000Z'), 3)).toBe(at('2024-11-28T09:00:00.000Z'));
      expect(subtractMonths(at('2025-03-01T09:00:00.000Z'), 3)).toBe(at('2024-12-01T09:00:00.000Z'));
    });
  });
});
