import type { ClassConstructor } from 'class-transformer';
import { validateDto } from '../../validation/validate-dto.js';
import { ReactionCommandInvalid, type ReactionCommandFieldFailure } from './reaction-command-invalid.error.js';

/**
 * An untrusted part of a command (HTTP body, bus message) as a validated DTO instance, or ReactionCommandInvalid
 * naming every bad field. Unknown fields are refused and values are never converted ("3" stays a string and fails).
 */
export function validateReactionCommand<T extends object>(type: ClassConstructor<T>, value: unknown, root: string): T {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ReactionCommandInvalid([{ field: root, message: `${root} must be an object` }]);
  const { instance, failures } = validateDto(type, value, root);
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
