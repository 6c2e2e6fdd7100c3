import { normaliseAddresses } from './normalise-addresses.js';
import { address, pkg } from './testing/order-fixtures.js';

describe('normaliseAddresses', () => {
  it('keeps complete addresses as they are and fills nothing in', () => {
    const result = normaliseAddresses({ billingAddress: address(), packages: [pkg()] }, false);
    expect(result.billing).toEqual(address());
    expect(result.filledIn).toEqual([]);
  });

  it('copies the delivery address when the billing address is missing, and says so', () => {
    const delivery = address({ firstName: 'Bob', email: null });
    const result = normaliseAddresses({ billingAddress: null, packages: [pkg({ deliveryAddress: delivery })] }, false);
    expect(result.billing).toEqual(delivery);
    expect(result.filledIn).toEqual([{ address: 'billing', field: '*', value: 'copied from the delivery address' }]);
  });

  it('has no billing address when there is no delivery address to copy', () => {
    expect(normaliseAddresses({ billingAddress: null, packages: [] }, false).billing).toBeNull();
  });

  it('strips "__" phone placeholders and records the 0000000000 stand-in', () => {
    const result = normaliseAddresses(
      { billingAddress: address({ phoneMobile: '__', phoneHome: ' ' }), packages: [pkg()] },
      false,
    );
    expect(result.billing?.phoneMobile).toBe('0000000000');
    expect(result.billing?.phoneHome).toBeNull();
    expect(result.filledIn).toEqual([{ address: 'billing', field: 'phoneMobile', value: '0000000000' }]);
  });

  it('fills empty mandatory fields with "not provided" only for orders shipped by the marketplace', () => {
    const nameless = address({ firstName: null, lastName: '', city: null });
    const shipped = normaliseAddresses(
      { billingAddress: nameless, packages: [pkg({ deliveryAddress: nameless })] },
      true,
    );
    expect(shipped.deliveries[0]).toMatchObject({
      firstName: 'not provided',
      lastName: 'not provided',
      city: 'not provided',
    });
    expect(shipped.filledIn.filter((field) => field.address === 'delivery:0').map((field) => field.field)).toEqual([
      'firstName',
      'lastName',
      'city',
    ]);
    const regular = normaliseAddresses(
      { billingAddress: nameless, packages: [pkg({ deliveryAddress: nameless })] },
      false,
    );
    expect(regular.deliveries[0]?.firstName).toBeNull();
  });

  describe('text Lengow sent with characters the shop cannot keep', () => {
    it('given control characters in names and lines, when normalised, then they are removed and the raw value is kept beside', () => {
      const dirty = address({ lastName: 'Mar\u0000tin', firstLine: '12 rue\u0007 des Lilas\r\n', city: ' Lyon ' });
      const result = normaliseAddresses({ billingAddress: dirty, packages: [pkg()] }, false);
      expect(result.billing).toEqual(address({ lastName: 'Martin', firstLine: '12 rue des Lilas', city: 'Lyon' }));
      expect(result.filledIn).toEqual([
        { address: 'billing', field: 'lastName', value: 'Martin', raw: 'Mar\u0000tin' },
        { address: 'billing', field: 'firstLine', value: '12 rue des Lilas', raw: '12 rue\u0007 des Lilas\r\n' },
      ]);
    });

    it('given a field of nothing but controls, when normalised, then it is absent, as if Lengow had sent none', () => {
      const result = normaliseAddresses(
        { billingAddress: address({ firstName: '\u0000\u0000', company: '\ud83d' }), packages: [pkg()] },
        false,
      );
      expect(result.billing).toMatchObject({ firstName: null, company: null });
      expect(result.filledIn).toEqual([
        { address: 'billing', field: 'company', value: '', raw: '\ud83d' },
        { address: 'billing', field: 'firstName', value: '', raw: '\u0000\u0000' },
      ]);
    });

    it('given emoji and other scripts in names, when normalised, then they are kept untouched and nothing is noted', () => {
      const named = address({ firstName: 'Zoë 🎉', lastName: '山田', company: 'Café 👨‍👩‍👧' });
      const result = normaliseAddresses({ billingAddress: named, packages: [pkg({ deliveryAddress: named })] }, false);
      expect(result.billing).toEqual(named);
      expect(result.deliveries[0]).toEqual(named);
      expect(result.filledIn).toEqual([]);
    });

    it('given a phone of placeholders and controls, when normalised, then the 0000000000 stand-in follows the clean-up', () => {
      const result = normaliseAddresses(
        { billingAddress: address({ phoneMobile: '_\u0000_' }), packages: [pkg()] },
        false,
      );
      expect(result.billing?.phoneMobile).toBe('0000000000');
      expect(result.filledIn).toEqual([
        { address: 'billing', field: 'phoneMobile', value: '__', raw: '_\u0000_' },
        { address: 'billing', field: 'phoneMobile', value: '0000000000' },
      ]);
    });

    it('given a marketplace-shipped order whose city is only controls, when normalised, then "not provided" fills it', () => {
      const result = normaliseAddresses(
        { billingAddress: address(), packages: [pkg({ deliveryAddress: address({ city: '\u0000' }) })] },
        true,
      );
      expect(result.deliveries[0]?.city).toBe('not provided');
      expect(result.filledIn).toEqual([
        { address: 'delivery:0', field: 'city', value: '', raw: '\u0000' },
        { address: 'delivery:0', field: 'city', value: 'not provided' },
      ]);
    });
  });
});
