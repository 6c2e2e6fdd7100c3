import { formatCents, toCents } from './money.js';

describe('toCents', () => {
  it('converts decimal numbers and strings exactly, rounding half away from zero', () => {
    expect(toCents(12.9)).toBe(1290);
    expect(toCents(1.005)).toBe(101);
    expect(toCents(0.1 + 0.2)).toBe(30);
    expect(toCents('64.80')).toBe(6480);
    expect(toCents('-4.905')).toBe(-491);
    expect(toCents('.5')).toBe(50);
    expect(toCents(7)).toBe(700);
    expect(toCents(1e-7)).toBe(0);
    expect(toCents(-0.001)).toBe(0);
    expect(toCents('1234', 0)).toBe(1234);
    expect(toCents('12.5', 0)).toBe(13);
  });

  it('returns null for what is not a decimal amount', () => {
    expect(toCents('12,50')).toBeNull();
    expect(toCents('')).toBeNull();
    expect(toCents('.')).toBeNull();
    expect(toCents(Number.NaN)).toBeNull();
    expect(toCents(Infinity)).toBeNull();
    expect(toCents(1e30)).toBeNull();
    expect(toCents({} as unknown as string)).toBeNull();
  });

  it('sums a cart without drift', () => {
    const lines = Array.from({ length: 1000 }, () => toCents(0.1)!);
    expect(lines.reduce((a, b) => a + b, 0)).toBe(10000);
  });
});

describe('formatCents', () => {
  it('prints minor units as a decimal', () => {
    expect(formatCents(1234)).toBe('12.34');
    expect(formatCents(5)).toBe('0.05');
    expect(formatCents(-5)).toBe('-0.05');
    expect(formatCents(1234, 0)).toBe('1234');
    expect(() => formatCents(1.5)).toThrow(RangeError);
  });
});
