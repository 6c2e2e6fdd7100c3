import { validateDto } from '../../validation/validate-dto.js';
import { SettingsInvalid, type FieldFailure } from './settings-invalid.error.js';

/**
 * Turns an untrusted payload (HTTP body, bus message) into a validated DTO instance, or throws SettingsInvalid naming
 * every bad field. Unknown fields are refused: a misspelt setting silently ignored is a setting never changed. Values
 * are never converted ("5" stays a string and fails), so what the domain gets is what the sender meant.
 */
export function validateOrThrow<T extends object>(type: new () => T, payload: unknown, root = ''): T {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    const name = root === '' ? 'payload' : root;
    throw new SettingsInvalid([{ field: name, message: `${name} must be an object` }]);
  }
  const { instance, failures } = validateDto(type, payload, root);
  if (failures.length > 0) throw new SettingsInvalid(failures as [FieldFailure, ...FieldFailure[]]);
  return instance;
}
