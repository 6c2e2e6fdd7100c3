import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { MAX_IMPORT_WINDOW_DAYS, MIN_IMPORT_WINDOW_DAYS } from '../import-window.js';

/** Date and time with an offset, as Lengow's filters need (a bare local time would be read in an unknown zone). */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const INSTANT_MESSAGE = 'must be an ISO 8601 date-time with an offset, e.g. 2024-05-01T10:00:00+02:00';

/** `ImportOrdersNow`: nothing (the incremental window), `days` back from now, or explicit bounds. */
export class ImportOrdersNowPayloadDto {
  @IsOptional()
  @Matches(INSTANT, { message: INSTANT_MESSAGE })
  from?: string;

  @IsOptional()
  @Matches(INSTANT, { message: INSTANT_MESSAGE })
  to?: string;

  @IsOptional()
  @IsInt({ message: 'must be a whole number of days' })
  @Min(MIN_IMPORT_WINDOW_DAYS, { message: `must be between ${MIN_IMPORT_WINDOW_DAYS} and ${MAX_IMPORT_WINDOW_DAYS}` })
  @Max(MAX_IMPORT_WINDOW_DAYS, { message: `must be between ${MIN_IMPORT_WINDOW_DAYS} and ${MAX_IMPORT_WINDOW_DAYS}` })
  days?: number;
}
