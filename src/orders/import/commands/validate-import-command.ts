import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { ImportCommandInvalid, type ImportCommandFieldFailure } from './import-command-invalid.error.js';

function failuresOf(errors: readonly ValidationError[], parent: string): ImportCommandFieldFailure[] {
  return errors.flatMap((error) => {
    const field = `${parent}.${error.property}`;
    const own = Object.entries(error.constraints ?? {})
      .slice(0, 1)
      .map(([name, message]) => ({
        field,
        message: name === 'whitelistValidation' ? `${field} is not a known field` : `${field} ${message}`,
      }));
    return [...own, ...failuresOf(error.children ?? [], field)];
  });
}

/**
 * An untrusted part of a command (HTTP body, bus message) as a validated DTO instance, or ImportCommandInvalid naming
 * every bad field. Unknown fields are refused and values are never converted ("3" stays a string and fails).
 */
export function validateImportCommand<T extends object>(type: ClassConstructor<T>, value: unknown, root: string): T {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ImportCommandInvalid([{ field: root, message: `${root} must be an object` }]);
  const instance = plainToInstance(type, value);
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  const failures = failuresOf(errors, root);
  if (failures.length > 0)
    throw new ImportCommandInvalid(failures as [ImportCommandFieldFailure, ...ImportCommandFieldFailure[]]);
  return instance;
}
