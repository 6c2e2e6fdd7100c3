import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ImportOrdersNowPayloadDto } from '../../orders/import/commands/import-orders-now-payload.dto.js';
import { OrderReferenceDto } from '../../orders/import/commands/order-reference.dto.js';

/**
 * The import commands' payloads: the import module's own DTOs (its handlers validate again with exactly these rules),
 * re-declared only to document them for OpenAPI.
 */

export class ImportOrdersNowPayload extends ImportOrdersNowPayloadDto {
  @ApiPropertyOptional({
    example: '2025-03-01T00:00:00+01:00',
    description: 'Window start on updated_at, ISO 8601 with an offset; with `to` (default now)',
  })
  override from?: string;
  @ApiPropertyOptional({ example: '2025-03-02T00:00:00+01:00', description: 'Window end, ISO 8601 with an offset' })
  override to?: string;
  @ApiPropertyOptional({ minimum: 1, maximum: 10, example: 3, description: 'Days back from now; not with from/to' })
  override days?: number;
}

export class OrderReferencePayload extends OrderReferenceDto {
  @ApiProperty({ example: 'amazon_fr', description: 'Lengow v3 marketplace code (taken from the URL over HTTP)' })
  override marketplace: string;
  @ApiProperty({ example: '402-1234567-1234567', description: "The marketplace's order id (taken from the URL)" })
  override marketplaceOrderId: string;
}
