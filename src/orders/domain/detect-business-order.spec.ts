import { isBusinessOrder } from './detect-business-order.js';
import { address } from './testing/order-fixtures.js';

const noPayment = { type: 'marketplace', fiscalNb: null, vatNumber: null, siretNumber: null };

describe('isBusinessOrder', () => {
  it('is false for a consumer order', () => {
    expect(isBusinessOrder({ orderTypes: [{ type: 'is_prime', label: null }], payments: [noPayment] }, address())).toBe(
      false,
    );
  });

  it('is true when the marketplace flags the order as business', () => {
    expect(isBusinessOrder({ orderTypes: [{ type: 'is_business', label: 'B2B' }], payments: [] }, null)).toBe(true);
  });

  it.each([['fiscalNb'], ['vatNumber'], ['siretNumber']])('is true when the first payment has a %s', (field) => {
    expect(isBusinessOrder({ orderTypes: [], payments: [{ ...noPayment, [field]: 'FR123' }] }, null)).toBe(true);
  });

  it('only reads the first payment', () => {
    expect(isBusinessOrder({ orderTypes: [], payments: [noPayment, { ...noPayment, vatNumber: 'FR1' }] }, null)).toBe(
      false,
    );
  });

  it('needs both a VAT number and a company on the billing address', () => {
    expect(isBusinessOrder({ orderTypes: [], payments: [] }, address({ vatNumber: 'FR1', company: 'ACME' }))).toBe(
      true,
    );
    expect(isBusinessOrder({ orderTypes: [], payments: [] }, address({ vatNumber: 'FR1', company: ' ' }))).toBe(false);
  });
});
