import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { PayloadInvalid } from '../interfaces/catalogue/payload-invalid.error.js';
import { validatePayload } from '../interfaces/catalogue/validate-payload.js';
import { HttpProblem } from './http-problem.js';

/**
 * Validates a `@Query()` object with its DTO class: unknown parameters are refused like unknown body fields (a
 * misspelt filter silently ignored shows the wrong orders), and failures name `query.<parameter>`. Query values are
 * strings; DTOs convert them explicitly (`@Type(() => Number)`), never by implicit guessing.
 */
@Injectable()
export class QueryValidationPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    const type = metadata.metatype as (new () => object) | undefined;
    if (metadata.type !== 'query' || !type || type === Object) return value;
    try {
      return validatePayload(type, { ...(value as object) });
    } catch (error) {
      if (!(error instanceof PayloadInvalid)) throw error;
      const errors = error.failures.map(({ field, message }) => ({
        field: `query.${field}`,
        message: `query parameter ${message}`,
      }));
      throw new HttpProblem(400, 'VALIDATION_FAILED', 'Bad Request', errors.map((e) => e.message).join('; '), {
        errors,
      });
    }
  }
}
