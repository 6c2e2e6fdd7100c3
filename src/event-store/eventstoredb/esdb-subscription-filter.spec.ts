import { EVENT_TYPE, STREAM_NAME, type PrefixesFilter, type RegexFilter } from '@eventstore/db-client';
import { toEsdbSubscriptionFilter } from './esdb-subscription-filter.js';

describe('toEsdbSubscriptionFilter', () => {
  it('excludes system events when nothing is filtered', () => {
    const filter = toEsdbSubscriptionFilter(undefined) as RegexFilter;
    expect(filter.filterOn).toBe(EVENT_TYPE);
    const regex = new RegExp(filter.regex);
    expect(regex.test('OrderImported')).toBe(true);
    expect(regex.test('$statsCollected')).toBe(false);
  });

  it('filters on stream-name prefixes server-side', () => {
    const filter = toEsdbSubscriptionFilter({
      streamPrefixes: ['order-', 'settings-'],
      eventTypes: ['X'],
    }) as PrefixesFilter;
    expect(filter.filterOn).toBe(STREAM_NAME);
    expect(filter.prefixes).toEqual(['order-', 'settings-']);
  });

  it('filters on exact event types with an escaped, anchored regex', () => {
    const filter = toEsdbSubscriptionFilter({ eventTypes: ['OrderShip', 'a.b+c'] }) as RegexFilter;
    expect(filter.filterOn).toBe(EVENT_TYPE);
    const regex = new RegExp(filter.regex);
    expect(regex.test('OrderShip')).toBe(true);
    expect(regex.test('OrderShipped')).toBe(false);
    expect(regex.test('a.b+c')).toBe(true);
    expect(regex.test('aXbbc')).toBe(false);
  });

  it('does not send an empty prefix list (the server would refuse it)', () => {
    expect(toEsdbSubscriptionFilter({ streamPrefixes: [] }).filterOn).toBe(EVENT_TYPE);
  });
});
