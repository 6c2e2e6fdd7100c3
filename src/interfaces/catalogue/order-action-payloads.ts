import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ACTION_TYPES, type ActionType } from '../../orders/domain/marketplace-definition.js';
import {
  MarkShopOrderCanceledDto,
  MarkShopOrderRefundedDto,
  MarkShopOrderShippedDto,
  RefundLineDto,
  ResendOrderActionDto,
} from '../../orders/integration/reaction-command-dtos.js';

/**
 * The re-send and merchant commands' payloads: the reaction module's own DTOs (its handlers validate again with these
 * very rules), re-declared only to document them for OpenAPI.
 */

export class ResendOrderActionPayload extends ResendOrderActionDto {
  @ApiProperty({ example: 'amazon_fr', description: 'Taken from the URL over HTTP' })
  override marketplace: string;
  @ApiProperty({ example: '402-1234567-1234567', description: 'Taken from the URL over HTTP' })
  override marketplaceOrderId: string;
  @ApiPropertyOptional({ enum: ACTION_TYPES, description: 'Only this type; else the most recent failed action' })
  override actionType?: ActionType;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { carrier: 'COLISSIMO' },
    description: 'New merchant choices (reason, refund_reason, carrier…); earlier ones are kept for the rest',
  })
  override choices?: Record<string, string>;
}

export class MarkShopOrderShippedPayload extends MarkShopOrderShippedDto {
  @ApiProperty({ example: 'SO-000012', description: 'Shop order id or reference (taken from the URL over HTTP)' })
  override shopOrderId: string;
  @ApiPropertyOptional({ example: 'Colissimo', description: 'A shop carrier id or name' })
  override carrier?: string;
  @ApiProperty({ example: '6A12345678901' })
  override trackingNumber: string;
  @ApiPropertyOptional({ example: 'https://www.laposte.fr/outils/suivre-vos-envois?code=6A12345678901' })
  override trackingUrl?: string;
  @ApiPropertyOptional({ example: '2025-03-01T10:00:00Z', description: 'Now by default' })
  override shippedAt?: string;
}

export class MarkShopOrderCanceledPayload extends MarkShopOrderCanceledDto {
  @ApiProperty({ example: 'SO-000012', description: 'Taken from the URL over HTTP' })
  override shopOrderId: string;
  @ApiPropertyOptional({
    example: 'CUSTOMER_REQUEST',
    maxLength: 500,
    description:
      "Sent to Lengow as the cancel's `reason`: one of the marketplace's reason codes, or its label (Cdiscount: " +
      'CUSTOMER_REQUEST or "Customer request"). Omitted: the marketplace\'s default reason. One the marketplace does ' +
      'not list is refused before anything is sent (the cancel shows as not sent, saying why); re-send it with ' +
      '`choices.reason`',
  })
  override reason?: string;
}

export class RefundLinePayload extends RefundLineDto {
  @ApiProperty({ example: 1, description: 'Shop order line id' })
  override lineId: number;
  @ApiProperty({ example: 1, minimum: 1 })
  override quantity: number;
}

export class MarkShopOrderRefundedPayload extends MarkShopOrderRefundedDto {
  @ApiProperty({ example: 'SO-000012', description: 'Taken from the URL over HTTP' })
  override shopOrderId: string;
  @ApiPropertyOptional({ type: [RefundLinePayload], description: 'Omitted: everything not refunded yet' })
  override lines?: RefundLinePayload[];
  @ApiPropertyOptional({
    example: 'DAMAGED',
    maxLength: 500,
    description:
      "Sent to Lengow as the refund's reason (`refund_reason`, or `reason` on marketplaces that name it so): one of " +
      "the marketplace's reason codes, or its label. Omitted: the marketplace's default reason. One the marketplace " +
      'does not list is refused before anything is sent (the refund shows as not sent, saying why); re-send it with ' +
      'the corrected choice',
  })
  override reason?: string;
}
