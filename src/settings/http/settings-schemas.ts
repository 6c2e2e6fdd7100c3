import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { MAX_HISTORY_LIMIT } from '../queries/get-order-settings.query.js';

/** Query of `GET /api/settings` and `GET /api/settings/history`. */
export class SettingsHistoryQuery {
  @ApiPropertyOptional({
    minimum: 0,
    maximum: MAX_HISTORY_LIMIT,
    default: 100,
    description: 'History entries, newest first',
  })
  @IsOptional()
  @Type(() => Number)
  // Registered bottom-up and reported first-registered first: the type check sits last so it is the one named.
  @Min(0, { message: 'historyLimit must be at least 0' })
  @Max(MAX_HISTORY_LIMIT, { message: `historyLimit must be at most ${MAX_HISTORY_LIMIT}` })
  @IsInt({ message: 'historyLimit must be a whole number' })
  historyLimit?: number;
}

export class SettingsHistoryEntrySchema {
  @ApiProperty({ example: 4, description: 'Revision of the settings stream this change produced' })
  revision: number;
  @ApiProperty({ example: 'CarrierMapped' })
  type: string;
  @ApiProperty({ example: '2025-03-01T10:00:00.000Z' })
  at: string;
  @ApiProperty({ type: String, nullable: true, example: 'api-key:3f2a9c1d0b7e' })
  actor: string | null;
  @ApiProperty({ type: String, nullable: true })
  commandId: string | null;
  @ApiProperty({ example: 'amazon_fr FR: shop carrier Colissimo (colissimo) ships as COLISSIMO' })
  summary: string;
  @ApiProperty({ type: 'object', additionalProperties: true })
  data: Record<string, unknown>;
}

export class SettingsHistorySchema {
  @ApiProperty({ type: [SettingsHistoryEntrySchema] })
  history: SettingsHistoryEntrySchema[];
  @ApiProperty({ example: 12, description: 'Entries in the whole trail' })
  historyTotal: number;
}

export class SettingsViewSchema extends SettingsHistorySchema {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'What the engine reads: import settings, window, interval, carrier mappings per marketplace, unmapped ' +
      'marketplaces and `revision` (the If-Match value for the next change)',
  })
  settings: Record<string, unknown>;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Import parameters as edited' })
  parameters: Record<string, unknown>;
  @ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description: 'Every marketplace seen or configured, with the countries still to map',
  })
  marketplaces: Record<string, unknown>[];
}

export class SettingsChangeResultSchema {
  @ApiProperty({ format: 'uuid', description: 'Id of the command (derived from Idempotency-Key when one is sent)' })
  commandId: string;
  @ApiProperty({ example: '5', description: 'Settings revision after the change (also in the ETag)' })
  revision: string;
  @ApiProperty({ type: [String], example: ['CarrierMapped'], description: 'Events appended; empty: nothing changed' })
  changed: string[];
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The settings as the engine now reads them' })
  settings: Record<string, unknown>;
}
