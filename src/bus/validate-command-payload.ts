import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { BusRequestError, type FieldProblem } from './bus-reply.js';

function problemsOf(errors: readonly ValidationError[], parent: string, parentIsArray: boolean): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = parentIsArray ? `${parent}[${error.property}]` : `${parent}.${error.property}`;
    const own = Object.entries(error.constraints ?? {}).map(([constraint, message]) => ({
      field,
      // class-validator's whitelist message is written for a property name, not a path; say it plainly instead.
      message: constraint === 'whitelistValidation' ? 'is not a known field' : message,
    }));
    return [...own, ...problemsOf(error.children ?? [], field, Array.isArray(error.value))];
  });
}

/**
 * The command's payload DTO, validated as the HTTP API does: whitelist with unknown fields refused (a misspelt field
 * silently ignored is a change never made) and no type conversion (`"5"` stays a string and fails). Throws
 * VALIDATION_FAILED naming every bad field under `payload.`.
 */
export function validateCommandPayload<Payload extends object>(type: new () => Payload, payload: unknown): Payload {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw BusRequestError.validation([{ field: 'payload', message: 'must be a JSON object' }]);
  }
  const instance = plainToInstance(type, payload);
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  const problems = problemsOf(errors, 'payload', false);
  if (problems.length > 0) throw BusRequestError.validation(problems as [FieldProblem, ...FieldProblem[]]);
  return instance;
}
