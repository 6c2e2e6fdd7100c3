import { validateDto } from '../../../validation/validate-dto.js';
import { ImportCommandInvalid, type ImportCommandFieldFailure } from './import-command-invalid.error.js';

/**
 * An untrusted part of a command (HTTP body, bus message) as a validated DTO instance, or ImportCommandInvalid naming
 * every bad field. Unknown fields are refused and values are never converted ("3" stays a string and fails).
 */
export function validateImportCommand<T extends object>(type: new () => T, value: unknown, root: string): T {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ImportCommandInvalid([{ field: root, message: `${root} must be an object` }]);
  const { instance, failures } = validateDto(type, value, root);
  if (failures.length > 0)
    throw new ImportCommandInvalid(failures as [ImportCommandFieldFailure, ...ImportCommandFieldFailure[]]);
  return instance;
}
