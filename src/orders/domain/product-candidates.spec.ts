import { productCandidates, productLabel, stripFbaSuffix } from './product-candidates.js';

const line = (merchant: string | null, marketplace: string | null) => ({
  lineId: 'L1',
  merchantProductId: merchant === null ? null : { id: merchant, field: 'reference' },
  marketplaceProductId: marketplace,
  marketplaceStatus: null,
  quantity: 1,
  amount: 1,
  tax: null,
  title: null,
});

describe('productCandidates', () => {
  it('tries the merchant product id first, then the marketplace product id', () => {
    expect(productCandidates(line('REF-1', 'ASIN-1'))).toEqual([
      { value: 'REF-1', source: 'merchant_product_id', field: 'reference' },
      { value: 'ASIN-1', source: 'marketplace_product_id', field: null },
    ]);
  });

  it('strips the _FBA suffix before matching and drops the resulting duplicate', () => {
    expect(productCandidates(line('SKU-9_FBA', 'SKU-9'))).toEqual([
      { value: 'SKU-9', source: 'merchant_product_id', field: 'reference' },
    ]);
  });

  it('ignores empty ids', () => {
    expect(productCandidates(line('  ', null))).toEqual([]);
  });

  it('only strips a trailing suffix', () => {
    expect(stripFbaSuffix('A_FBA_B')).toBe('A_FBA_B');
    expect(stripFbaSuffix('A_FBA')).toBe('A');
  });

  it('names the product by its first candidate, or by the line when it has no id', () => {
    expect(productLabel(line('1001_3', 'MP'))).toBe('1001_3');
    expect(productLabel(line(null, null))).toBe('L1');
  });
});
