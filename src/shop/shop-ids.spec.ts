import { trackingUrlFor } from './shop-carrier.js';
import { parseShopOrderId, shopOrderReference } from './shop-order.js';
import { formatShopProductId, parseShopProductId } from './shop-product-id.js';
import { fingerprint, stableJson } from './built-in/fingerprint.js';

describe('shop identifiers', () => {
  it('parses product ids in both forms to a canonical one', () => {
    expect(parseShopProductId('12')).toEqual({ productId: 12, attributeId: 0 });
    expect(parseShopProductId(' 012_003 ')).toEqual({ productId: 12, attributeId: 3 });
    expect(formatShopProductId(parseShopProductId('12_0')!)).toBe('12');
    for (const bad of ['', '0', '12_', '_3', '12-3', 'SKU12', '12_3_4', '1'.repeat(16)]) {
      expect(parseShopProductId(bad)).toBeNull();
    }
  });

  it('turns order ids into references and back', () => {
    expect(shopOrderReference(123)).toBe('SO-000123');
    expect(shopOrderReference(12_345_678)).toBe('SO-12345678');
    expect(parseShopOrderId('SO-000123')).toBe(123);
    expect(parseShopOrderId('so-7')).toBe(7);
    expect(parseShopOrderId('123')).toBe(123);
    expect(parseShopOrderId(5)).toBe(5);
    for (const bad of [0, -1, 1.5, 'SO-', 'SO-0', 'X-1', '']) expect(parseShopOrderId(bad)).toBeNull();
  });

  it('fills tracking URL templates, encoding the number', () => {
    expect(trackingUrlFor('https://t.example/?n=@&again=@', 'AB 1/2')).toBe(
      'https://t.example/?n=AB%201%2F2&again=AB%201%2F2',
    );
    expect(trackingUrlFor(null, 'AB')).toBeNull();
  });

  it('fingerprints content regardless of key order, and tells different content apart', () => {
    expect(stableJson({ b: 1, a: [{ d: 2, c: undefined }] })).toBe('{"a":[{"d":2}],"b":1}');
    expect(fingerprint({ a: 1, b: 2 })).toBe(fingerprint({ b: 2, a: 1 }));
    expect(fingerprint({ a: 1 })).not.toBe(fingerprint({ a: 2 }));
  });
});
