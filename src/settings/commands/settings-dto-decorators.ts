import { Type } from 'class-transformer';
import { IsArray, IsBoolean, IsNumber, IsObject, IsOptional, IsString, ValidateNested } from 'class-validator';

/**
 * Shape checks for settings payloads. Messages complete a field path ("importWindowDays" + " must be a number").
 * Ranges and allowed values are left to the domain, so each rule has one home and one message.
 */
const compose =
  (...decorators: PropertyDecorator[]): PropertyDecorator =>
  (target, key) =>
    decorators.forEach((decorate) => decorate(target, key));

export const Text = (): PropertyDecorator => IsString({ message: 'must be a string' });
export const OptionalText = (): PropertyDecorator => compose(IsOptional(), Text());
export const OptionalNumber = (): PropertyDecorator =>
  compose(IsOptional(), IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'must be a number' }));
export const Num = (): PropertyDecorator =>
  IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'must be a number' });
export const OptionalFlag = (): PropertyDecorator =>
  compose(IsOptional(), IsBoolean({ message: 'must be true or false' }));
export const Flag = (): PropertyDecorator => IsBoolean({ message: 'must be true or false' });
export const TextList = (): PropertyDecorator =>
  compose(IsArray({ message: 'must be a list' }), IsString({ each: true, message: 'must contain only strings' }));

/** A nested object validated by its own DTO; `optional` lets it be absent or null. */
export const Nested = (type: () => new () => object, optional = false): PropertyDecorator =>
  compose(
    ...(optional ? [IsOptional()] : []),
    IsObject({ message: 'must be an object' }),
    ValidateNested(),
    Type(type),
  );
