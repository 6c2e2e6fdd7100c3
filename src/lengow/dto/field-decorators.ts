import { Expose, Transform, Type, plainToInstance, type ClassConstructor } from 'class-transformer';
import {
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsDefined,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Min,
  ValidateBy,
  ValidateNested,
} from 'class-validator';
import {
  identityProblem,
  isIsoDateOrNull,
  isMoney,
  toIsoDate,
  toMoney,
  toIdentityText,
  toOptionalBoolean,
  toOptionalInteger,
  toOptionalString,
} from './normalise.js';

/**
 * Composite property decorators for the order DTOs. Every validator carries a short message that completes a field
 * path ("packages[0].delivery.id" + " is missing"), which is the reason a "not formatted" order reports.
 */

export const MESSAGES = {
  missing: 'is missing',
  empty: 'is empty',
  notString: 'is not a string',
  notInteger: 'is not an integer',
  tooLargeInteger: 'is an integer too large to be read exactly',
  negative: 'is negative',
  notBoolean: 'is not a boolean',
  notMoney: 'is not a decimal amount',
  notDate: 'is not an ISO 8601 date',
  notList: 'is not a list',
  notObject: 'is not an object',
} as const;

function compose(...decorators: PropertyDecorator[]): PropertyDecorator {
  return (target, key) => decorators.forEach((decorate) => decorate(target, key));
}

function fromRaw(normalise: (value: unknown) => unknown): PropertyDecorator {
  // Expose makes the transform run for absent keys too, so "absent" gets the same normalisation as null. Reading the
  // untouched source value keeps class-transformer's own copying out of the way.
  return compose(
    Expose(),
    Transform(({ obj, key }) => normalise((obj as Record<string, unknown>)[key])),
  );
}

export const OptionalText = (): PropertyDecorator =>
  compose(fromRaw(toOptionalString), IsOptional(), IsString({ message: MESSAGES.notString }));

export const RequiredText = (): PropertyDecorator =>
  compose(
    fromRaw((value) => {
      const text = toOptionalString(value);
      return typeof text === 'string' ? text.trim() : text;
    }),
    IsDefined({ message: MESSAGES.missing }),
    IsString({ message: MESSAGES.notString }),
    IsNotEmpty({ message: MESSAGES.empty }),
  );

/**
 * An integer JavaScript holds exactly. Past 2^53 a number is only the nearest one it can hold ("9007199254740993" reads
 * as …992), so a quantity or an id that large would be silently another one. Named `isInt` like class-validator's rule,
 * which `flattenErrors` reads as the decisive one.
 */
const IsExactInteger = (): PropertyDecorator =>
  ValidateBy({
    name: 'isInt',
    validator: {
      validate: (value) => Number.isSafeInteger(value),
      defaultMessage: (args) => (Number.isInteger(args?.value) ? MESSAGES.tooLargeInteger : MESSAGES.notInteger),
    },
  });

export const OptionalInteger = (): PropertyDecorator =>
  compose(fromRaw(toOptionalInteger), IsOptional(), IsExactInteger());

export const RequiredInteger = (options: { min?: number } = {}): PropertyDecorator =>
  compose(
    fromRaw(toOptionalInteger),
    IsDefined({ message: MESSAGES.missing }),
    IsExactInteger(),
    ...(options.min === undefined ? [] : [Min(options.min, { message: MESSAGES.negative })]),
  );

/**
 * The order's identity (marketplace code, marketplace order id): the stream it lands on and what moi and actions send
 * back to Lengow, so it is taken exactly or not at all. Beyond `maxLength` (what the operator commands accept) the
 * order could never be named again; control characters (NUL among them) are no part of an id, and PostgreSQL refuses
 * NUL in a stream name.
 */
export const IdentityText = (maxLength: number): PropertyDecorator =>
  compose(
    fromRaw(toIdentityText),
    IsDefined({ message: MESSAGES.missing }),
    IsNotEmpty({ message: MESSAGES.empty }),
    ValidateBy({
      name: 'isIdentity',
      validator: {
        validate: (value) => identityProblem(value, maxLength) === null,
        defaultMessage: (args) => identityProblem(args?.value, maxLength) ?? MESSAGES.notString,
      },
    }),
  );

export const OptionalBoolean = (): PropertyDecorator =>
  compose(fromRaw(toOptionalBoolean), IsOptional(), IsBoolean({ message: MESSAGES.notBoolean }));

export const Money = (): PropertyDecorator =>
  compose(
    fromRaw(toMoney),
    IsOptional(),
    ValidateBy({ name: 'isMoney', validator: { validate: isMoney, defaultMessage: () => MESSAGES.notMoney } }),
  );

export const IsoDate = (): PropertyDecorator =>
  compose(
    fromRaw(toIsoDate),
    IsOptional(),
    ValidateBy({ name: 'isIsoDate', validator: { validate: isIsoDateOrNull, defaultMessage: () => MESSAGES.notDate } }),
  );

/** Free-form objects (`metas`, `meta`, `order_meta`) travel as they are. */
export const OptionalJsonObject = (): PropertyDecorator =>
  compose(IsOptional(), IsObject({ message: MESSAGES.notObject }));

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Nested values are converted by class-transformer itself (`@Type`), once; the transform that follows only settles
 * what absence means and reshapes what the API sends in a shorthand form (a bare currency code, a bare order type),
 * converting just that reshaped value.
 */
function nested<T extends object>(
  type: () => ClassConstructor<T>,
  settle: (value: unknown, raw: unknown) => unknown,
): PropertyDecorator {
  return compose(
    Expose(),
    Type(type),
    Transform(({ value, obj, key }) => settle(value, (obj as Record<string, unknown>)[key])),
  );
}

/** A nested object that may be absent or null; `shorthand` rewrites a non-object form into the object form. */
export const OptionalNested = <T extends object>(
  type: () => ClassConstructor<T>,
  shorthand?: (raw: unknown) => unknown,
): PropertyDecorator =>
  compose(
    nested(type, (value, raw) => {
      if (shorthand && raw !== null && raw !== undefined && !isPlainObject(raw)) {
        const reshaped = shorthand(raw);
        return isPlainObject(reshaped) ? plainToInstance(type(), reshaped) : (reshaped ?? null);
      }
      return value ?? null;
    }),
    IsOptional(),
    IsObject({ message: MESSAGES.notObject }),
    ValidateNested(),
  );

/** A nested object that must be present and not null. */
export const RequiredNested = <T extends object>(type: () => ClassConstructor<T>): PropertyDecorator =>
  compose(
    nested(type, (value) => value ?? null),
    IsDefined({ message: MESSAGES.missing }),
    IsObject({ message: MESSAGES.notObject }),
    ValidateNested(),
  );

/**
 * A list of nested objects. Absent or null is an empty list unless `required`, which makes it an error; `nonEmpty`
 * makes an empty list one too. `shorthand` rewrites list items that are not objects into the object form.
 */
export const NestedList = <T extends object>(
  type: () => ClassConstructor<T>,
  options: { required?: boolean; nonEmpty?: boolean; shorthand?: (item: unknown) => unknown } = {},
): PropertyDecorator =>
  compose(
    nested(type, (value) => {
      if (value === undefined || value === null) return options.required ? null : [];
      if (!Array.isArray(value)) return value;
      const reshape = options.shorthand;
      return value.map((item) => {
        // class-transformer reads a list inside the list as a list of instances, which ValidateNested then walks
        // into: a package or a line sent as a list passed as one with every field absent (or threw further on).
        // Null is what the validator names as "is not an object", at the item's index.
        if (Array.isArray(item)) return null;
        if (!reshape || isPlainObject(item) || item instanceof type()) return item;
        const reshaped = reshape(item);
        return isPlainObject(reshaped) ? plainToInstance(type(), reshaped) : reshaped;
      });
    }),
    ...(options.required ? [IsDefined({ message: MESSAGES.missing })] : []),
    IsArray({ message: MESSAGES.notList }),
    ...(options.nonEmpty ? [ArrayNotEmpty({ message: MESSAGES.empty })] : []),
    ValidateNested({ each: true }),
  );

/** A list of scalars normalised to strings (`merchant_order_id`, `marketplace_order_line_ids`). */
export const TextList = (normalise: (value: unknown) => unknown): PropertyDecorator =>
  compose(
    fromRaw(normalise),
    IsArray({ message: MESSAGES.notList }),
    IsString({ each: true, message: MESSAGES.notString }),
  );
