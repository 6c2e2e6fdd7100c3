import { matchesFilter } from './matches-filter.js';

const event = { stream: 'order-42', type: 'OrderShipped' };

describe('matchesFilter', () => {
  it('matches everything without a filter or with absent lists', () => {
    expect(matchesFilter(undefined, event)).toBe(true);
    expect(matchesFilter({}, event)).toBe(true);
  });

  it('requires every present list to match', () => {
    expect(matchesFilter({ streamPrefixes: ['order-'], eventTypes: ['OrderShipped'] }, event)).toBe(true);
    expect(matchesFilter({ streamPrefixes: ['order-'], eventTypes: ['OrderImported'] }, event)).toBe(false);
    expect(matchesFilter({ streamPrefixes: ['shop-', 'order-'] }, event)).toBe(true);
    expect(matchesFilter({ streamPrefixes: ['shop-'] }, event)).toBe(false);
  });

  it('matches nothing with an empty list', () => {
    expect(matchesFilter({ eventTypes: [] }, event)).toBe(false);
    expect(matchesFilter({ streamPrefixes: [] }, event)).toBe(false);
  });
});
