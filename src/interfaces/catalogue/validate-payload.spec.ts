import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsArray, IsInt, IsOptional, IsString, ValidateNested } from 'class-validator';
import { MAX_PAYLOAD_DEPTH } from './payload-depth.js';
import { PayloadInvalid } from './payload-invalid.error.js';
import { validatePayload } from './validate-payload.js';

class Line {
  @IsInt() lineId: number;
  @IsInt({ message: 'must be a whole number' }) quantity: number;
}

class Refund {
  @IsString() shopOrderId: string;
  @IsOptional() @IsArray() @ValidateNested({ each: true }) @Type(() => Line) lines?: Line[];
}

const failuresOf = (payload: unknown) => {
  try {
    validatePayload(Refund, payload);
  } catch (error) {
    if (error instanceof PayloadInvalid) return error.failures;
    throw error;
  }
  return [];
};

describe('validatePayload', () => {
  it('returns an instance of the DTO for a valid payload', () => {
    const refund = validatePayload(Refund, { shopOrderId: 'SO-1', lines: [{ lineId: 1, quantity: 2 }] });
    expect(refund).toBeInstanceOf(Refund);
    expect(refund.lines?.[0]).toBeInstanceOf(Line);
  });

  it('names unknown fields, at any depth', () => {
    expect(failuresOf({ shopOrderId: 'SO-1', colour: 'red' })).toEqual([
      { field: 'colour', message: 'colour is not a known field' },
    ]);
    expect(failuresOf({ shopOrderId: 'SO-1', lines: [{ lineId: 1, quantity: 1, extra: true }] })).toEqual([
      { field: 'lines[0].extra', message: 'lines[0].extra is not a known field' },
    ]);
  });

  it('never converts types, and phrases every message after the field path', () => {
    expect(failuresOf({ shopOrderId: 12 })).toEqual([
      { field: 'shopOrderId', message: 'shopOrderId must be a string' },
    ]);
    expect(failuresOf({ shopOrderId: 'SO-1', lines: [{ lineId: 1, quantity: '2' }] })).toEqual([
      { field: 'lines[0].quantity', message: 'lines[0].quantity must be a whole number' },
    ]);
  });

  it('takes a missing payload as empty and refuses a non-object one', () => {
    expect(failuresOf(undefined)).toEqual([{ field: 'shopOrderId', message: 'shopOrderId must be a string' }]);
    expect(failuresOf([1])).toEqual([{ field: 'payload', message: 'payload must be a JSON object' }]);
    expect(failuresOf('text')).toEqual([{ field: 'payload', message: 'payload must be a JSON object' }]);
  });

  it('refuses a payload nested too deeply, naming its field, rather than overflowing the stack', () => {
    const arrays = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`) as unknown;
    expect(failuresOf({ shopOrderId: 'SO-1', lines: arrays })).toEqual([
      {
        field: 'lines',
        message: `lines is nested too deeply (more than ${MAX_PAYLOAD_DEPTH} levels of objects and arrays)`,
      },
    ]);
    const objects = JSON.parse(`${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`) as unknown;
    expect(failuresOf({ shopOrderId: 'SO-1', colour: objects })).toEqual([
      expect.objectContaining({ field: 'colour' }),
    ]);
  });

  it('accepts nesting up to the limit', () => {
    let nested: unknown = 1;
    for (let level = 2; level <= MAX_PAYLOAD_DEPTH; level++) nested = [nested];
    expect(failuresOf({ shopOrderId: 'SO-1', colour: nested })).toEqual([
      { field: 'colour', message: 'colour is not a known field' },
    ]);
    expect(failuresOf({ shopOrderId: 'SO-1', colour: [nested] })[0].message).toContain('nested too deeply');
  });
});
