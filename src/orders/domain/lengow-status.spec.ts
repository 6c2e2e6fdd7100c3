import { deepFreeze } from '../../common/deep-freeze.js';
import { lengowStatusOf } from './lengow-status.js';

const table = () => ({
  waiting_shipment: ['SHIPPING', 'Unshipped'],
  shipped: ['SHIPPED'],
  // Listed twice: the first Lengow status that lists it wins, as in the plugins' loop.
  canceled: ['CANCELED', 'SHIPPED'],
});

describe('lengowStatusOf', () => {
  describe.each([
    ['a table that can still change', table],
    ['a frozen table', () => deepFreeze(table())],
  ])('on %s', (_, make) => {
    it('maps a marketplace status exactly, case included, and the first listing wins', () => {
      const statuses = make();
      expect(lengowStatusOf(statuses, 'Unshipped')).toBe('waiting_shipment');
      expect(lengowStatusOf(statuses, 'SHIPPED')).toBe('shipped');
      expect(lengowStatusOf(statuses, 'CANCELED')).toBe('canceled');
      expect(lengowStatusOf(statuses, 'shipped')).toBeNull();
      expect(lengowStatusOf(statuses, 'REFUNDED')).toBeNull();
    });

    it('knows nothing without a status or a table', () => {
      expect(lengowStatusOf(make(), null)).toBeNull();
      expect(lengowStatusOf(null, 'SHIPPED')).toBeNull();
      expect(lengowStatusOf(undefined, 'SHIPPED')).toBeNull();
    });
  });

  it('answers from a table as it is now, when the table can still change', () => {
    const statuses: Record<string, string[]> = table();
    expect(lengowStatusOf(statuses, 'REFUNDED')).toBeNull();
    statuses.refunded = ['REFUNDED'];
    statuses.shipped.push('Shipped');
    expect(lengowStatusOf(statuses, 'REFUNDED')).toBe('refunded');
    expect(lengowStatusOf(statuses, 'Shipped')).toBe('shipped');
  });

  it('does not index a frozen table whose lists can still change', () => {
    const lists = table();
    const statuses = Object.freeze(lists);
    expect(lengowStatusOf(statuses, 'Shipped')).toBeNull();
    lists.shipped.push('Shipped');
    expect(lengowStatusOf(statuses, 'Shipped')).toBe('shipped');
  });

  it('skips entries that are not lists, as a definition from an older API may carry', () => {
    const statuses = deepFreeze({ new: 'NEW', accepted: ['NEW'] } as unknown as Record<string, string[]>);
    expect(lengowStatusOf(statuses, 'NEW')).toBe('accepted');
  });
});
