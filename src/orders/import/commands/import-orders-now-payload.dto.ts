import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { IsIsoInstant } from '../../../validation/is-iso-instant.js';
import { MAX_IMPORT_WINDOW_DAYS, MIN_IMPORT_WINDOW_DAYS } from '../import-window.js';

/** `ImportOrdersNow`: nothing (the incremental window), `days` back from now, or explicit bounds. */
export class ImportOrdersNowPayloadDto {
  @IsOptional()
  // With an offset, as Lengow's filters need (a bare local time would be read in an unknown zone).
  @IsIsoInstant()
  from?: string;

  @IsOptional()
  @IsIsoInstant()
  to?: string;

  @IsOptional()
  @IsInt({ message: 'must be a whole number of days' })
  @Min(MIN_IMPORT_WINDOW_DAYS, { message: `must be between ${MIN_IMPORT_WINDOW_DAYS} and ${MAX_IMPORT_WINDOW_DAYS}` })
  @Max(MAX_IMPORT_WINDOW_DAYS, { message: `must be between ${MIN_IMPORT_WINDOW_DAYS} and ${MAX_IMPORT_WINDOW_DAYS}` })
  days?: number;
}
