import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isIsoDateOrNull, toIsoDate } from './normalise.js';
import { parseOrder } from './parse-order.js';

const SAMPLES_DIR =
  process.env.LENGOW_SAMPLES_DIR ?? fileURLToPath(new URL('../../../../shared/lengow-samples/', import.meta.url));
const samplesAvailable = existsSync(SAMPLES_DIR);
if (!samplesAvailable) console.warn(`normalise dates: samples not found at ${SAMPLES_DIR}; the sample test is skipped`);

/** Every string that looks like a date, with the key that holds it, anywhere in a JSON value. */
function datesIn(value: unknown, found: [string, string][] = [], key = ''): [string, string][] {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value)) found.push([key, value]);
  else if (Array.isArray(value)) value.forEach((item) => datesIn(item, found, key));
  else if (value !== null && typeof value === 'object')
    for (const [name, item] of Object.entries(value)) datesIn(item, found, name);
  return found;
}

describe('toIsoDate', () => {
  (samplesAvailable ? it : it.skip)('reads every date of the shared samples to its instant, in UTC with ms', () => {
    const dates = readdirSync(SAMPLES_DIR)
      .filter((file) => file.endsWith('.json'))
      .flatMap((file) => datesIn(JSON.parse(readFileSync(`${SAMPLES_DIR}/${file}`, 'utf8'))));
    expect(dates.length).toBeGreaterThan(100);
    for (const [, raw] of dates) {
      const iso = toIsoDate(raw);
      expect(isIsoDateOrNull(iso)).toBe(true);
      // The samples write `Z`, with or without microseconds: the same instant, the microseconds cut to ms.
      expect(iso).toBe(`${raw.slice(0, 19)}.${(raw.slice(20, 23) + '000').slice(0, 3)}Z`);
    }
  });

  it('reads the offsets PHP, Django and hand-written fixtures use', () => {
    expect(toIsoDate('2024-05-01T10:00:00+02:00')).toBe('2024-05-01T08:00:00.000Z');
    expect(toIsoDate('2024-05-01T10:00:00+0200')).toBe('2024-05-01T08:00:00.000Z');
    expect(toIsoDate('2024-05-01T10:00:00+02')).toBe('2024-05-01T08:00:00.000Z');
    expect(toIsoDate('2024-05-01T10:00:00-05:30')).toBe('2024-05-01T15:30:00.000Z');
    expect(toIsoDate('2024-05-01T10:00:00+00:00')).toBe('2024-05-01T10:00:00.000Z');
    expect(toIsoDate('2024-05-01 10:00:00.5+02:00')).toBe('2024-05-01T08:00:00.500Z');
    // an order placed 23:30 on Mar 30 in Paris (summer time, +02:00) is still Mar 30 in UTC, at 21:30
    expect(toIsoDate('2025-03-30T23:30:00+02:00')).toBe('2025-03-30T21:30:00.000Z');
  });

  it('takes a time without offset as UTC and a bare date as the start of that day in UTC', () => {
    expect(toIsoDate('2015-11-17T10:02:49')).toBe('2015-11-17T10:02:49.000Z');
    expect(toIsoDate('2024-02-29')).toBe('2024-02-29T00:00:00.000Z');
    expect(toIsoDate('2024-02-29T24:00:00Z')).toBe('2024-03-01T00:00:00.000Z');
  });

  it('hands back a date the calendar does not have, instead of rolling it into the next month', () => {
    for (const raw of ['2025-02-30T10:00:00Z', '2023-02-29', '2025-04-31 08:00:00', '2025-03-10T24:30:00Z']) {
      expect(toIsoDate(raw)).toBe(raw);
      expect(isIsoDateOrNull(raw)).toBe(false);
    }
    expect(toIsoDate('0000-00-00 00:00:00')).toBe('0000-00-00 00:00:00');
  });

  it('makes an order with an impossible date "not formatted", naming the field', () => {
    const parsed = parseOrder({
      marketplace: 'demo_market_fr',
      marketplace_order_id: 'DM-1',
      marketplace_status: 'ToShip',
      marketplace_order_date: '2025-02-30T10:00:00Z',
      currency: { iso_a3: 'EUR' },
      packages: [
        {
          delivery: { id: 9002, common_country_iso_a2: 'FR' },
          cart: [{ marketplace_order_line_id: 'DM-1-1', quantity: 1, amount: '9.90' }],
        },
      ],
    });
    expect(parsed.ok ? null : parsed.reason).toBe('marketplace_order_date is not an ISO 8601 date');
  });
});
