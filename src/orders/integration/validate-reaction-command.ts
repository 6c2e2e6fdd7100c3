import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { ReactionCommandInvalid, type ReactionCommandFieldFailure } from './reaction-command-invalid.error.js';

const TYPE_CHECKS = new Set(['isString', 'isInt', 'isArray', 'isObject', 'isIso8601', 'isIn', 'whitelistValidation']);

function failuresOf(
  errors: readonly ValidationError[],
  parent: string,
  parentIsArray = false,
): ReactionCommandFieldFailure[] {
  return errors.flatMap((error) => {
    const field = parentIsArray ? `${parent}[${error.property}]` : `${parent}.${error.property}`;
    const own = Object.entries(error.constraints ?? {})
      // A value of the wrong type fails its length or range checks too: the type is what the sender must hear.
      .sort(([a], [b]) => Number(TYPE_CHECKS.has(b)) - Number(TYPE_CHECKS.has(a)))
      .slice(0, 1)
      .map(([name, message]) => ({
        field,
        message: name === 'whitelistValidation' ? `${field} is not a known field` : `${field} ${message}`,
      }));
    return [...own, ...failuresOf(error.children ?? [], field, Array.isArray(error.value))];
  });
}

/**
 * An untrusted part of a command (HTTP body, bus message) as a validated DTO instance, or ReactionCommandInvalid
 * naming every bad field. Unknown fields are refused and values are never converted ("3" stays a string and fails).
 */
export function validateReactionCommand<T extends object>(type: ClassConstructor<T>, value: unknown, root: string): T {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ReactionCommandInvalid([{ field: root, message: `${root} must be an object` }]);
  const instance = plainToInstance(type, value);
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  const failures = failuresOf(errors, root);
  if (failures.length > 0)
    throw new ReactionCommandInvalid(failures as [ReactionCommandFieldFailure, ...ReactionCommandFieldFailure[]]);
  return instance;
}

/** An idempotency key as the merchant commands take it: 1 to 200 characters, not only blanks. */
export function validateIdempotencyKey(key: unknown): string {
  if (typeof key !== 'string' || key.trim() === '' || key.length > 200)
    throw new ReactionCommandInvalid([
      { field: 'idempotencyKey', message: 'idempotencyKey must be a string of 1 to 200 characters' },
    ]);
  return key;
}
