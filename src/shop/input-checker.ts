import { ShopError, type ShopProblem } from './shop-error.js';
import { SHOP_LIMITS } from './shop-limits.js';
import { parseIsoInstant } from '../common/iso-instant.js';

const MAX_TEXT: number = SHOP_LIMITS.maxText;

/**
 * Reads untrusted arguments field by field, collecting every problem with its path instead of stopping at the first,
 * so one refusal tells the caller everything that is wrong. Nothing here throws until `done()`.
 */
export class InputChecker {
  readonly problems: ShopProblem[] = [];

  fail(path: string, message: string): void {
    this.problems.push({ code: 'INVALID_SHOP_INPUT', message: `${path}: ${message}`, path });
  }

  object(value: unknown, path: string): Record<string, unknown> | null {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
    this.fail(path, 'must be an object');
    return null;
  }

  array(value: unknown, path: string, { min = 0, max = 10_000 } = {}): unknown[] {
    if (!Array.isArray(value)) {
      this.fail(path, 'must be a list');
      return [];
    }
    if (value.length < min) this.fail(path, `must hold at least ${min} item(s)`);
    if (value.length > max) {
      this.fail(path, `must hold at most ${max} items`);
      return [];
    }
    return value;
  }

  /** A trimmed string; `required` also refuses the empty string. */
  text(value: unknown, path: string, { required = true, max = MAX_TEXT } = {}): string {
    if (typeof value !== 'string') {
      this.fail(path, 'must be a string');
      return '';
    }
    const text = value.trim();
    if (required && text === '') this.fail(path, 'must not be empty');
    if (text.length > max) this.fail(path, `must be at most ${max} characters`);
    return text;
  }

  /** Absent, null or blank → null. */
  optionalText(value: unknown, path: string, max = MAX_TEXT): string | null {
    if (value === undefined || value === null) return null;
    const text = this.text(value, path, { required: false, max });
    return text === '' ? null : text;
  }

  integer(value: unknown, path: string, { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = {}): number {
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
      this.fail(path, 'must be an integer');
      return 0;
    }
    if (value < min) this.fail(path, `must be at least ${min}`);
    if (value > max) this.fail(path, `must be at most ${max}`);
    return value;
  }

  optionalInteger(value: unknown, path: string, bounds: { min?: number; max?: number } = {}): number | null {
    if (value === undefined || value === null) return null;
    return this.integer(value, path, bounds);
  }

  boolean(value: unknown, path: string): boolean {
    if (typeof value !== 'boolean') {
      this.fail(path, 'must be true or false');
      return false;
    }
    return value;
  }

  pattern(value: unknown, path: string, regex: RegExp, what: string): string {
    const text = this.text(value, path);
    if (text !== '' && !regex.test(text)) this.fail(path, `must be ${what}`);
    return text;
  }

  oneOf<T extends string>(value: unknown, path: string, allowed: readonly T[]): T {
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
      this.fail(path, `must be one of ${allowed.join(', ')}`);
      return allowed[0];
    }
    return value as T;
  }

  isoDate(value: unknown, path: string): string {
    const text = this.text(value, path, { max: 40 });
    const time = parseIsoInstant(text, { dateOnly: true });
    if (text !== '' && time === null) {
      this.fail(path, 'must be an ISO 8601 date, or a timestamp with an offset');
      return text;
    }
    return text === '' || time === null ? text : new Date(time).toISOString();
  }

  /** Throws one ShopError listing every problem, if there is any. */
  done(): void {
    if (this.problems.length > 0) throw new ShopError(this.problems);
  }
}
