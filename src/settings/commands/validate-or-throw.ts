import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { SettingsInvalid, type FieldFailure } from './settings-invalid.error.js';

const WHITELIST = 'whitelistValidation';

function failuresOf(errors: readonly ValidationError[], parent: string, parentIsArray = false): FieldFailure[] {
  return errors.flatMap((error) => {
    const field = parentIsArray
      ? `${parent}[${error.property}]`
      : parent === ''
        ? error.property
        : `${parent}.${error.property}`;
    const own = Object.entries(error.constraints ?? {})
      .slice(0, 1)
      .map(([name, message]) => ({
        field,
        // Every DTO message is written to follow the field path ("must be a string"); the whitelist one is not.
        message: name === WHITELIST ? `${field} is not a known field` : `${field} ${message}`,
      }));
    return [...own, ...failuresOf(error.children ?? [], field, Array.isArray(error.value))];
  });
}

/**
 * Turns an untrusted payload (HTTP body, bus message) into a validated DTO instance, or throws SettingsInvalid naming
 * every bad field. Unknown fields are refused: a misspelt setting silently ignored is a setting never changed. Values
 * are never converted ("5" stays a string and fails), so what the domain gets is what the sender meant.
 */
export function validateOrThrow<T extends object>(type: ClassConstructor<T>, payload: unknown, root = ''): T {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    const name = root === '' ? 'payload' : root;
    throw new SettingsInvalid([{ field: name, message: `${name} must be an object` }]);
  }
  const instance = plainToInstance(type, payload);
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  const failures = failuresOf(errors, root);
  if (failures.length > 0) throw new SettingsInvalid(failures as [FieldFailure, ...FieldFailure[]]);
  return instance;
}
