import { validateShipInput } from './validate-shop-input.js';

const shipment = (shippedAt: string) => ({ trackingNumber: 'TRK-1', shippedAt });

describe('validateShipInput', () => {
  it('keeps the shipping instant, read to UTC', () => {
    expect(validateShipInput(shipment('2025-03-10T10:00:00+01:00')).shippedAt).toBe('2025-03-10T09:00:00.000Z');
    expect(validateShipInput(shipment('2025-03-10')).shippedAt).toBe('2025-03-10T00:00:00.000Z');
  });

  it('refuses a day the calendar lacks rather than shipping on another day, and a time whose zone is unknown', () => {
    for (const shippedAt of ['2025-02-30T10:00:00Z', '2025-02-29', '2025-03-10T10:00:00']) {
      expect(() => validateShipInput(shipment(shippedAt))).toThrow(
        /shippedAt: must be an ISO 8601 date, or a timestamp with an offset/,
      );
    }
  });
});
