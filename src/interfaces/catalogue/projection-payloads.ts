import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsNotEmpty, IsOptional, IsString, Max, Min } from 'class-validator';
import type { ProjectionNamePayload, VerifyProjectionPayload } from './projection-commands.js';

export class ProjectionNamePayloadDto implements ProjectionNamePayload {
  @ApiProperty({ example: 'order-overview', description: 'Projection name (taken from the URL over HTTP)' })
  @IsString({ message: 'projection must be a string' })
  @IsNotEmpty({ message: 'projection must not be empty' })
  projection: string;
}

export class VerifyProjectionPayloadDto extends ProjectionNamePayloadDto implements VerifyProjectionPayload {
  @ApiPropertyOptional({ minimum: 0, maximum: 10_000, default: 100, description: 'Differences kept in the report' })
  @IsOptional()
  @Min(0, { message: 'maxDifferences must be at least 0' })
  @Max(10_000, { message: 'maxDifferences must be at most 10000' })
  @IsInt({ message: 'maxDifferences must be a whole number' })
  maxDifferences?: number;

  @ApiPropertyOptional({
    default: true,
    description: 'Also look for orders that have no row (reads every order event)',
  })
  @IsOptional()
  @IsBoolean({ message: 'missingRows must be true or false' })
  missingRows?: boolean;
}
