import { LruMap } from './lru-map.js';

describe('LruMap', () => {
  it('drops the least recently written entry beyond its capacity; a read does not refresh an entry', () => {
    const map = new LruMap<string, number>(2);
    map.set('a', 1);
    map.set('b', 2);
    expect(map.get('a')).toBe(1);
    map.set('c', 3);
    expect([...map.keys()]).toEqual(['b', 'c']);
    map.set('b', 20);
    map.set('d', 4);
    expect([...map.keys()]).toEqual(['b', 'd']);
    expect(map.get('b')).toBe(20);
    expect(map.size).toBe(2);
  });

  it('keeps nothing at capacity 0 and refuses a capacity that is not a whole number', () => {
    const map = new LruMap<string, number>(0);
    map.set('a', 1);
    expect(map.size).toBe(0);
    expect(() => new LruMap(-1)).toThrow(RangeError);
    expect(() => new LruMap(1.5)).toThrow(RangeError);
  });
});
