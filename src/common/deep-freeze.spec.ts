import { deepFreeze } from './deep-freeze.js';

describe('deepFreeze', () => {
  it('freezes nested objects, arrays and Map values, and returns the value', () => {
    const inner = { n: 1 };
    const value = { list: [{ a: 1 }], map: new Map([['k', inner]]), text: 'x' };
    expect(deepFreeze(value)).toBe(value);
    expect(Object.isFrozen(value)).toBe(true);
    expect(Object.isFrozen(value.list)).toBe(true);
    expect(Object.isFrozen(value.list[0])).toBe(true);
    expect(Object.isFrozen(inner)).toBe(true);
    expect(() => {
      (value.list[0] as { a: number }).a = 2;
    }).toThrow(TypeError);
  });

  it('leaves primitives and null alone', () => {
    expect(deepFreeze(3)).toBe(3);
    expect(deepFreeze(null)).toBeNull();
    expect(deepFreeze('s')).toBe('s');
  });
});
