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
});
