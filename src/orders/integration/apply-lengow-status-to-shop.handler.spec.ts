import { validateReason } from '../../shop/validate-shop-input.js';
import { lengowStatusReason } from './apply-lengow-status-to-shop.handler.js';

describe('lengowStatusReason', () => {
  it('given an ordinary marketplace status, when the shop state follows Lengow, then the reason names both statuses', () => {
    expect(lengowStatusReason('canceled', 'Cancelled')).toBe('Lengow status canceled (marketplace status Cancelled)');
  });

  it('given a marketplace status with control characters or of any length, then the shop still takes the reason', () => {
    const odd = `Can\u0000celled ${'x'.repeat(2000)}`;
    const reason = lengowStatusReason('canceled', odd);
    expect(reason).toContain('Can\\u0000celled');
    expect(reason.length).toBeLessThan(200);
    // As the shop checks a state change's reason: refused before the fix (NUL, then length).
    expect(validateReason(reason, true)).toBe(reason);
    expect(() => validateReason(`Lengow status canceled (marketplace status ${odd})`, true)).toThrow();
  });
});
