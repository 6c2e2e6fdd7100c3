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

  it('keeps the fingerprints already stored with idempotency claims, edge cases included', () => {
    // Pinned from the first implementation: a change here makes every retry after an upgrade a key conflict.
    const sparse: unknown[] = [1];
    sparse[2] = 3;
    const cases: [unknown, string, string][] = [
      [
        { z: 1, a: { y: [1, 'two', null, undefined, { b: true, a: false }], x: undefined }, é: 'ü', A: 0 },
        '{"A":0,"a":{"y":[1,"two",null,null,{"a":false,"b":true}]},"z":1,"é":"ü"}',
        '17a2212b0ee5843831d4186e71a49549acfb7a8c720d95d5303cf3ebb2bf7c6e',
      ],
      [
        { 10: 'ten', 9: 'nine', b: 'b', a: 'a', '-1': 'minus' },
        '{"-1":"minus","10":"ten","9":"nine","a":"a","b":"b"}',
        'a0b234d133683c3b29293a85043d25a74565ad48cff695822864d50daa6238fa',
      ],
      [sparse, '[1,,3]', 'cb0cfcbc65391b8b7eb9d01a23f28c3fdf9f864df849b6dbabf55c3b77cdf066'],
      [{ at: new Date(0) }, '{"at":{}}', 'a5a7c1e78c7751903c707c3d7fcf48c795d50b057f2d4d9156cc8e7090c8d3c9'],
      [
        [0, -0, 1.5, 1e21, NaN, Infinity],
        '[0,0,1.5,1e+21,null,null]',
        '513515c13a65836ca199f2705a339cac9f00c95329a22a1fa43a299df67ed475',
      ],
      [[{}, []], '[{},[]]', '7a38905296006c575d7d45d1d881690a3ee87361ed67ce64642e2504482da818'],
      [
        ['quote " and \\ backslash', '\u2028', '\ud83d\ude00'],
        '["quote \\" and \\\\ backslash","\u2028","\ud83d\ude00"]',
        'a3135392214d76ac41543010e29cc4443635a764658bfaf419d250172c6980ad',
      ],
    ];
    for (const [value, text, digest] of cases) {
      expect(stableJson(value)).toBe(text);
      expect(fingerprint(value)).toBe(digest);
    }
    expect(stableJson(undefined)).toBe('null');
  });
});
