import { SHOP_MAX_AMOUNT } from '../../shop/shop-limits.js';

/**
 * Amounts are summed in integer ten-thousandths so that 0.1 + 0.2 stays 0.3 and three-decimal currencies survive;
 * results go back to plain numbers because that is what the shop and Lengow exchange.
 */
const SCALE = 10_000;

export function sumMoney(values: readonly number[]): number {
  let total = 0;
  for (const value of values) total += Math.round(value * SCALE);
  return total / SCALE;
}

/** Unit price from a line total; rounded to the same precision so merged lines stay consistent. */
export function divideMoney(value: number, divisor: number): number {
  if (divisor === 0) return 0;
  return Math.round((value / divisor) * SCALE) / SCALE;
}

/**
 * Why the shop cannot keep an amount (finite, not negative), completing a message that names the field; null when it
 * can. Only its size is judged (`SHOP_LIMITS`): an amount finer than the shop's minor unit (a three-decimal currency,
 * a unit price Lengow divided) is rounded by the shop as any shop rounds it, since refusing it would leave the order
 * "Not imported" with nothing an operator could correct.
 */
export function shopAmountProblem(amount: number): string | null {
  return amount > SHOP_MAX_AMOUNT ? `is more than the shop can store (${SHOP_MAX_AMOUNT})` : null;
}
