import { isEsdbSystemEvent, matchesEventFilter } from './event-filter-match.js';

const event = (stream: string, type: string) => ({ stream, type });

describe('matchesEventFilter', () => {
  it('always drops the server’s own events', () => {
    expect(isEsdbSystemEvent(event('$stats-127.0.0.1:2113', '$statsCollected'))).toBe(true);
    expect(matchesEventFilter(event('$stats-127.0.0.1:2113', '$statsCollected'), undefined)).toBe(false);
    expect(matchesEventFilter(event('order-a-1', '$>'), { streamPrefixes: ['order-'] })).toBe(false);
    expect(matchesEventFilter(event('order-a-1', 'OrderImported'), undefined)).toBe(true);
  });

  it('keeps events whose stream starts with one of the prefixes', () => {
    const filter = { streamPrefixes: ['order-', 'settings-'] };
    expect(matchesEventFilter(event('order-a-1', 'OrderImported'), filter)).toBe(true);
    expect(matchesEventFilter(event('settings-carriers', 'CarrierMapped'), filter)).toBe(true);
    expect(matchesEventFilter(event('shop-1', 'StockChanged'), filter)).toBe(false);
    expect(matchesEventFilter(event('xorder-a-1', 'OrderImported'), filter)).toBe(false);
  });

  it('matches event types exactly, not as prefixes', () => {
    const filter = { eventTypes: ['OrderShip'] };
    expect(matchesEventFilter(event('order-a-1', 'OrderShip'), filter)).toBe(true);
    expect(matchesEventFilter(event('order-a-1', 'OrderShipped'), filter)).toBe(false);
  });

  it('requires both conditions when both are given', () => {
    const filter = { streamPrefixes: ['order-'], eventTypes: ['OrderImported'] };
    expect(matchesEventFilter(event('order-a-1', 'OrderImported'), filter)).toBe(true);
    expect(matchesEventFilter(event('order-a-1', 'OrderShipped'), filter)).toBe(false);
    expect(matchesEventFilter(event('shop-1', 'OrderImported'), filter)).toBe(false);
  });

  it('treats empty lists as no condition', () => {
    expect(matchesEventFilter(event('shop-1', 'StockChanged'), { streamPrefixes: [], eventTypes: [] })).toBe(true);
  });
});
