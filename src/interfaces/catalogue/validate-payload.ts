import { validateDto } from '../../validation/validate-dto.js';
import { fieldNestedTooDeep, MAX_PAYLOAD_DEPTH } from './payload-depth.js';
import { PayloadInvalid, type PayloadFailure } from './payload-invalid.error.js';

/**
 * Turns an untrusted payload into a validated instance of its DTO, or throws PayloadInvalid naming every bad field.
 * Unknown fields are refused (a misspelt field silently ignored is an instruction never carried out) and values are
 * never converted ("5" stays a string and fails), so what the handler gets is what the sender meant.
 */
export function validatePayload<T extends object>(type: new () => T, payload: unknown): T {
  if (payload === undefined || payload === null) payload = {};
  if (typeof payload !== 'object' || Array.isArray(payload)) {
    throw new PayloadInvalid([{ field: 'payload', message: 'payload must be a JSON object' }]);
  }
  const tooDeep = fieldNestedTooDeep(payload as object);
  if (tooDeep !== undefined) {
    const message = `${tooDeep} is nested too deeply (more than ${MAX_PAYLOAD_DEPTH} levels of objects and arrays)`;
    throw new PayloadInvalid([{ field: tooDeep, message }]);
  }
  const { instance, failures } = validateDto(type, payload as object);
  if (failures.length > 0) throw new PayloadInvalid(failures as [PayloadFailure, ...PayloadFailure[]]);
  return instance;
}
