import { MarkShopOrderShippedDto } from '../orders/integration/reaction-command-dtos.js';
import { validateDto } from './validate-dto.js';

const shipped = (shippedAt: string) => ({ shopOrderId: '7', trackingNumber: 'TRK-1', shippedAt });

describe('IsIsoInstant (a shipment’s date)', () => {
  it('takes a date-time with an offset, or a bare date', () => {
    for (const shippedAt of ['2025-03-10T10:00:00+01:00', '2025-03-10T10:00:00.123Z', '2025-03-10'])
      expect(validateDto(MarkShopOrderShippedDto, shipped(shippedAt), 'payload').failures).toEqual([]);
  });

  it('says a day the calendar lacks is no real date, and a time without offset needs one', () => {
    expect(validateDto(MarkShopOrderShippedDto, shipped('2025-02-30T10:00:00Z'), 'payload').failures).toEqual([
      {
        field: 'payload.shippedAt',
        message: 'payload.shippedAt is not a real date: no such day or time (e.g. Feb 30, 25:00)',
      },
    ]);
    expect(validateDto(MarkShopOrderShippedDto, shipped('2025-03-10T10:00:00'), 'payload').failures).toEqual([
      {
        field: 'payload.shippedAt',
        message:
          'payload.shippedAt must be an ISO 8601 date, or a date-time with an offset, e.g. 2024-05-01T10:00:00+02:00',
      },
    ]);
  });
});
