import { RouteTable } from './route-table.js';

describe('RouteTable', () => {
  const table = new RouteTable();
  table.add('GET', '/api/orders');
  table.add(['GET', 'HEAD'], '/api/orders/:marketplace/:marketplaceOrderId');
  table.add('POST', '/api/orders/:marketplace/:marketplaceOrderId/reimport');
  table.add('PATCH', '/api/settings/import');

  it('lists the methods a concrete path is served with', () => {
    expect(table.allowedMethods('/api/orders/amazon_fr/402-1')).toEqual(['GET', 'HEAD']);
    expect(table.allowedMethods('/api/orders/amazon_fr/402-1/reimport?x=1')).toEqual(['POST']);
    expect(table.allowedMethods('/api/settings/import')).toEqual(['PATCH']);
  });

  it('does not let a parameter swallow a slash, nor match unknown paths', () => {
    expect(table.allowedMethods('/api/orders/amazon_fr')).toEqual([]);
    expect(table.allowedMethods('/api/orders/a/b/c')).toEqual([]);
    expect(table.allowedMethods('/api/nothing')).toEqual([]);
  });
});
