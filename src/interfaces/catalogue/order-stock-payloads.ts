import { ApiProperty } from '@nestjs/swagger';
import { RetryOrderStockDecrementDto } from '../../orders/integration/reaction-command-dtos.js';

/**
 * The stock retry's payload: the reaction module's own DTO (its handler validates again with these very rules),
 * re-declared only to document it for OpenAPI.
 */
export class RetryOrderStockDecrementPayload extends RetryOrderStockDecrementDto {
  @ApiProperty({ example: 'amazon_fr', description: 'Taken from the URL over HTTP' })
  override marketplace: string;
  @ApiProperty({ example: '402-1234567-1234567', description: 'Taken from the URL over HTTP' })
  override marketplaceOrderId: string;
}
