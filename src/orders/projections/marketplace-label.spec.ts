import { marketplaceLabel } from './marketplace-label.js';

describe('marketplaceLabel', () => {
  it('uses the names of the shipped definitions, else derives one from the code', () => {
    expect(marketplaceLabel('amazon_fr')).toBe('Amazon FR');
    expect(marketplaceLabel('laredoute')).toBe('La Redoute');
    expect(marketplaceLabel('zalando_de')).toBe('Zalando DE');
    expect(marketplaceLabel('bol')).toBe('Bol');
    expect(marketplaceLabel('de')).toBe('De');
    expect(marketplaceLabel('__')).toBe('__');
  });
});
