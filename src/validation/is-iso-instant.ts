import { ValidateBy, type ValidationOptions } from 'class-validator';
import { looksLikeIsoDate, parseIsoInstant, type IsoInstantOptions } from '../common/iso-instant.js';

/**
 * An ISO 8601 date-time with its offset, on a day the calendar has (or a bare date, when allowed). class-validator's
 * `IsISO8601` lets a time without offset through, which the engine would read in its own host's zone.
 */
export function IsIsoInstant(
  options: IsoInstantOptions = {},
  validationOptions?: ValidationOptions,
): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isIsoInstant',
      validator: {
        validate: (value: unknown) => parseIsoInstant(value, options) !== null,
        defaultMessage: (args) => {
          // The shape is right but the day or time does not exist (Feb 30, 25:00): say so, not "not a date".
          if (looksLikeIsoDate(args?.value) && (options.dateOnly || String(args?.value).includes('T')))
            return 'is not a real date: no such day or time (e.g. Feb 30, 25:00)';
          return options.dateOnly
            ? 'must be an ISO 8601 date, or a date-time with an offset, e.g. 2024-05-01T10:00:00+02:00'
            : 'must be an ISO 8601 date-time with an offset, e.g. 2024-05-01T10:00:00+02:00';
        },
      },
    },
    validationOptions,
  );
}
