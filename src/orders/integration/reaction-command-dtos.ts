import { applyDecorators } from '@nestjs/common';
import { Type } from 'class-transformer';
import {
  IsArray,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import type { CommandMetadata } from '../commands/command-metadata.js';
import { ACTOR_PATTERN, ACTOR_PATTERN_MESSAGE, type Actor } from '../domain/event-metadata.js';
import { ACTION_TYPES, type ActionType } from '../domain/marketplace-definition.js';
import { IsIsoInstant } from '../../validation/is-iso-instant.js';

const text = { message: 'must be a string' };
const filled = { message: 'must not be empty' };

/** The order an operator command names, checked alike wherever it appears (field order decides the report's). */
const IsMarketplaceCode = () =>
  applyDecorators(IsString(text), IsNotEmpty(filled), MaxLength(100, { message: 'must be at most 100 characters' }));
const IsMarketplaceOrderId = () =>
  applyDecorators(IsString(text), IsNotEmpty(filled), MaxLength(200, { message: 'must be at most 200 characters' }));

/** Who sent the command: it becomes the "who" of every event the command appends. */
export class ReactionCommandMetadataDto implements CommandMetadata {
  @IsString(text) @IsNotEmpty(filled) @MaxLength(200, { message: 'must be at most 200 characters' }) commandId: string;
  @IsOptional() @IsString(text) correlationId?: string;
  @IsOptional() @IsString(text) causationId?: string;
  @Matches(ACTOR_PATTERN, { message: ACTOR_PATTERN_MESSAGE })
  actor: Actor;
}

export class ResendOrderActionDto {
  @IsMarketplaceCode() marketplace: string;
  @IsMarketplaceOrderId() marketplaceOrderId: string;
  @IsOptional() @IsIn(ACTION_TYPES, { message: `must be one of ${ACTION_TYPES.join(', ')}` }) actionType?: ActionType;
  /** Merchant choices (`reason`, `refund_reason`, `refund_mode`, `shipping_method`…): code strings. */
  @IsOptional() @IsObject({ message: 'must be an object of strings' }) choices?: Record<string, string>;
}

export class RetryOrderStockDecrementDto {
  @IsMarketplaceCode() marketplace: string;
  @IsMarketplaceOrderId() marketplaceOrderId: string;
}

/** A shop order by id (`12`) or reference (`SO-000012`). */
class ShopOrderTargetDto {
  @IsString(text) @IsNotEmpty(filled) @MaxLength(40, { message: 'must be at most 40 characters' }) shopOrderId: string;
}

export class MarkShopOrderShippedDto extends ShopOrderTargetDto {
  /** A shop carrier id, or a carrier name (one the shop lists, or a free name). */
  @IsOptional() @IsString(text) @MaxLength(100, { message: 'must be at most 100 characters' }) carrier?: string;
  @IsString(text)
  @IsNotEmpty(filled)
  @MaxLength(100, { message: 'must be at most 100 characters' })
  trackingNumber: string;
  @IsOptional() @IsString(text) @MaxLength(1000, { message: 'must be at most 1000 characters' }) trackingUrl?: string;
  /** Defaults to now. */
  @IsOptional() @IsIsoInstant({ dateOnly: true }) shippedAt?: string;
}

/**
 * The merchant's cancel or refund reason, which becomes the Lengow action's reason (lengow-api.md §10.2): a code or a
 * label of the marketplace's list. Blank would only stand for "none", so it is refused rather than silently dropped;
 * whether the marketplace lists it is checked against its definition when the action is built.
 */
const IsMerchantReason = () =>
  applyDecorators(
    IsOptional(),
    IsString(text),
    Matches(/\S/, { message: 'must not be blank' }),
    MaxLength(500, { message: 'must be at most 500 characters' }),
  );

export class MarkShopOrderCanceledDto extends ShopOrderTargetDto {
  @IsMerchantReason() reason?: string;
}

export class RefundLineDto {
  @IsInt({ message: 'must be an integer' }) @Min(1, { message: 'must be at least 1' }) lineId: number;
  @IsInt({ message: 'must be an integer' }) @Min(1, { message: 'must be at least 1' }) quantity: number;
}

export class MarkShopOrderRefundedDto extends ShopOrderTargetDto {
  /** Omitted: everything not refunded yet. */
  @IsOptional()
  @IsArray({ message: 'must be a list' })
  @ValidateNested({ each: true })
  @Type(() => RefundLineDto)
  lines?: RefundLineDto[];
  @IsMerchantReason() reason?: string;
}
