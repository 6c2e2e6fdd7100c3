import { chooseDriver, COUNTED_MATCHES } from './overview-search-plan.js';

const PAGE = 51;

describe('chooseDriver: where a search starts', () => {
  it('starts from a rare word: a page of its orders would take walking most of the list', () => {
    expect(chooseDriver(['client421'], { orders: 100_000, matches: [200] }, PAGE)).toEqual({ driver: 'client421' });
  });

  it('walks the list for a broad word: a page of matches comes long before its orders would all be read', () => {
    expect(chooseDriver(['martin'], { orders: 100_000, matches: [10_000] }, PAGE)).toEqual({ driver: null });
  });

  it('starts from the rarest word when the words together are rare, even if each alone would be walked', () => {
    // 2 202 terms alone: walking reads ≈ 2 300 rows, about as many; with "martin" (one in ten) ≈ 23 000.
    const counts = { orders: 100_000, matches: [10_000, 2_202] };
    expect(chooseDriver(['martin', 'client42'], counts, PAGE)).toEqual({ driver: 'client42' });
    expect(chooseDriver(['client4', 'martin'], { orders: 100_000, matches: [22_222, 10_000] }, PAGE)).toEqual({
      driver: null,
    });
  });

  it('never starts from a word counted past the bound, whatever the others', () => {
    const many = COUNTED_MATCHES + 1;
    expect(chooseDriver(['m', 'c'], { orders: 1_000_000, matches: [many, many] }, PAGE)).toEqual({ driver: null });
    expect(chooseDriver(['m', 'x'], { orders: 1_000_000, matches: [many, Infinity] }, null)).toEqual({ driver: null });
  });

  it('starts a count from the rarest word it could count: a count reads every match anyway', () => {
    expect(chooseDriver(['martin', 'client4'], { orders: 100_000, matches: [10_000, 22_222] }, null)).toEqual({
      driver: 'martin',
    });
  });

  it('starts from the only orders there are when the table is small', () => {
    expect(chooseDriver(['anne'], { orders: 1, matches: [0] }, PAGE)).toEqual({ driver: 'anne' });
    expect(chooseDriver(['anne'], { orders: 40, matches: [30] }, PAGE)).toEqual({ driver: 'anne' });
  });
});
