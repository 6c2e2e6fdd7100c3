import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { PayloadInvalid, type PayloadFailure } from './payload-invalid.error.js';

function failuresOf(errors: readonly ValidationError[], parent: string, parentIsArray = false): PayloadFailure[] {
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
        // class-validator's whitelist message is phrased for its own output; ours names the field plainly.
        message: name === 'whitelistValidation' ? `${field} is not a known field` : withField(field, message),
      }));
    return [...own, ...failuresOf(error.children ?? [], field, Array.isArray(error.value))];
  });
}

/**
 * Messages either already start with the property name (class-validator's defaults) or are written to follow a
 * field path ("must be a string"); either way the failure reads "<path> <what is wrong>".
 */
function withField(field: string, message: string): string {
  const property = field.replace(/^.*[.[]/, '').replace(/]$/, '');
  if (message.startsWith(`${property} `)) return `${field}${message.slice(property.length)}`;
  return `${field} ${message}`;
}

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
  const instance = plainToInstance(type, payload);
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  const failures = failuresOf(errors, '');
  if (failures.length > 0) throw new PayloadInvalid(failures as [PayloadFailure, ...PayloadFailure[]]);
  return instance;
}
