import { SHOP_LIMITS } from './shop-limits.js';

/**
 * The shop keeps every amount as an integer number of minor units (cents), so sums never drift the way binary
 * floating point does (0.1 + 0.2). These convert the API's decimal amounts exactly.
 */

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?$/;

/**
 * A decimal amount → minor units, rounding half away from zero at `decimals` places. Numbers are read through their
 * shortest decimal form (`1.005` is 1.005, not 1.00499999…), so `toCents(1.005)` is 101 where `Math.round(1.005 * 100)`
 * gives 100. Returns null for anything that is not a finite decimal within the safe integer range.
 */
export function toCents(amount: number | string, decimals: number = SHOP_LIMITS.moneyDecimals): number | null {
  let text: string;
  if (typeof amount === 'number') {
    if (!Number.isFinite(amount)) return null;
    text = String(amount);
    // Very small or very large numbers print in exponent form.
    if (/e/i.test(text)) {
      if (Math.abs(amount) >= 1e21) return null;
      text = amount.toFixed(20);
    }
  } else if (typeof amount === 'string') {
    text = amount.trim();
  } else {
    return null;
  }
  const match = DECIMAL.exec(text);
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) return null;
  const [, sign, whole, fraction = ''] = match;
  const kept = (fraction + '0'.repeat(decimals)).slice(0, decimals);
  const next = fraction.length > decimals ? Number(fraction[decimals]) : 0;
  let minor = BigInt((whole || '0') + kept);
  if (next >= 5) minor += 1n;
  const value = Number(sign === '-' ? -minor : minor);
  if (!Number.isSafeInteger(value)) return null;
  return value === 0 ? 0 : value;
}

/** Minor units → a decimal string with `decimals` places, e.g. 1234 → "12.34". */
export function formatCents(cents: number, decimals: number = SHOP_LIMITS.moneyDecimals): string {
  if (!Number.isSafeInteger(cents)) throw new RangeError(`not an integer amount of cents: ${cents}`);
  const negative = cents < 0;
  const digits = String(Math.abs(cents)).padStart(decimals + 1, '0');
  const body = decimals === 0 ? digits : `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
  return negative ? `-${body}` : body;
}
