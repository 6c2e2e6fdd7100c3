import { ImportCommandInvalid } from './import-command-invalid.error.js';
import { requestedWindowOf } from './import-command-handlers.js';

const refusal = (payload: unknown) => {
  try {
    requestedWindowOf(payload);
  } catch (error) {
    if (error instanceof ImportCommandInvalid) return error.failures;
    throw error;
  }
  throw new Error('expected ImportCommandInvalid');
};

describe('requestedWindowOf (ImportOrdersNow payload)', () => {
  it('reads bounds given with any offset to their instants', () => {
    // given an operator in Paris on the day summer time starts (02:00 +01:00 → 03:00 +02:00)
    const window = requestedWindowOf({ from: '2025-03-30T01:30:00+01:00', to: '2025-03-30T23:30:00+02:00' });
    expect(window.from?.toISOString()).toBe('2025-03-30T00:30:00.000Z');
    expect(window.to?.toISOString()).toBe('2025-03-30T21:30:00.000Z');
    expect(requestedWindowOf({ from: '2025-03-10T10:00:00-05:00' }).from?.toISOString()).toBe(
      '2025-03-10T15:00:00.000Z',
    );
  });

  it('refuses a bound the calendar does not have instead of moving it into the next month', () => {
    expect(refusal({ from: '2025-02-30T00:00:00+01:00' })).toEqual([
      { field: 'payload.from', message: 'payload.from is not a real date: no such day or time (e.g. Feb 30, 25:00)' },
    ]);
    expect(refusal({ from: '2025-02-01T00:00:00Z', to: '2023-02-29T00:00:00Z' })).toEqual([
      { field: 'payload.to', message: 'payload.to is not a real date: no such day or time (e.g. Feb 30, 25:00)' },
    ]);
  });

  it('refuses a window that ends before it starts, even when the offsets make the text look ordered', () => {
    // 10:00+02:00 is 08:00Z, before 09:00Z
    expect(refusal({ from: '2025-03-10T09:00:00Z', to: '2025-03-10T10:00:00+02:00' })).toEqual([
      { field: 'payload.from', message: 'from must be before to' },
    ]);
  });

  it('refuses a time without offset, and days together with bounds', () => {
    expect(refusal({ from: '2025-03-10T09:00:00' })[0]).toMatchObject({ field: 'payload.from' });
    expect(refusal({ days: 2, from: '2025-03-10T09:00:00Z' })[0]).toMatchObject({ field: 'payload.days' });
  });
});
