import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { FieldError, ProblemDetails } from './http-problem.js';

/** OpenAPI description of the problem details every error response carries. */
export class FieldErrorSchema implements FieldError {
  @ApiProperty({
    example: 'importWindowDays',
    description: 'Path of the failing input (body path, query.<name>, header)',
  })
  field: string;
  @ApiProperty({ example: 'importWindowDays must be a number' })
  message: string;
}

export class ProblemDetailsSchema implements ProblemDetails {
  [extension: string]: unknown;
  @ApiProperty({ example: 'urn:lengow-sync:problem:validation-failed' })
  type: string;
  @ApiProperty({ example: 'Bad Request' })
  title: string;
  @ApiProperty({ example: 400 })
  status: number;
  @ApiProperty({ example: 'importWindowDays must be a number' })
  detail: string;
  @ApiProperty({ example: 'VALIDATION_FAILED', description: 'Stable machine-readable code' })
  code: string;
  @ApiPropertyOptional({ type: [FieldErrorSchema], description: 'Every failing input (validation errors)' })
  errors?: FieldErrorSchema[];
  @ApiPropertyOptional({ example: '/api/settings/import' })
  instance?: string;
}
