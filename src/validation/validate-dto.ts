import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';

export interface FieldFailure {
  readonly field: string;
  readonly message: string;
}

/** Constraints about a value's type (or whether the field may be there at all). */
const TYPE_CHECKS = new Set(['isString', 'isInt', 'isArray', 'isObject', 'isIso8601', 'isIn', 'whitelistValidation']);

/**
 * class-validator errors as one failure per field, named by its path (`lines[0].quantity`). A value of the wrong type
 * fails its length or range checks too: the type is what the sender must hear, so a type failure is the one reported.
 */
export function validationFailures(
  errors: readonly ValidationError[],
  parent = '',
  parentIsArray = false,
): FieldFailure[] {
  return errors.flatMap((error) => {
    const field = parentIsArray
      ? `${parent}[${error.property}]`
      : parent === ''
        ? error.property
        : `${parent}.${error.property}`;
    const own = Object.entries(error.constraints ?? {})
      .sort(([a], [b]) => Number(TYPE_CHECKS.has(b)) - Number(TYPE_CHECKS.has(a)))
      .slice(0, 1)
      .map(([name, message]) => ({
        field,
        // class-validator's whitelist message is phrased for its own output; ours names the field plainly.
        message: name === 'whitelistValidation' ? `${field} is not a known field` : withField(field, message),
      }));
    return [...own, ...validationFailures(error.children ?? [], field, Array.isArray(error.value))];
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
 * An untrusted object as a DTO instance, with every failure. Unknown fields are refused (a misspelt field silently
 * ignored is an instruction never carried out) and values are never converted ("5" stays a string and fails).
 */
export function validateDto<T extends object>(
  type: new () => T,
  payload: object,
  root = '',
): { instance: T; failures: FieldFailure[] } {
  const instance = plainToInstance(type, payload);
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  return { instance, failures: validationFailures(errors, root) };
}
