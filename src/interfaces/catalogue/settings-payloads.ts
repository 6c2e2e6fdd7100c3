import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  AllowedCodesDto,
  ChangeImportSettingsDto,
  MapCarrierDto,
  MapShippingMethodDto,
  RetryPolicyDto,
  SetDefaultCarrierDto,
  ShopCarrierDto,
  UnmapCarrierDto,
  UnmapShippingMethodDto,
} from '../../settings/commands/settings-dtos.js';
import { KNOWN_LENGOW_STATUSES } from '../../settings/domain/import-parameters.js';

/**
 * The settings payloads as the doors accept them: the settings module's own DTOs (so validation is exactly the one its
 * handlers run again), re-declared here only to document each field for OpenAPI. Ranges are checked by the domain.
 */

export class ShopCarrierPayload extends ShopCarrierDto {
  @ApiProperty({ example: 'colissimo', description: 'Carrier id in the shop' })
  override id: string;
  @ApiProperty({ example: 'Colissimo' })
  override name: string;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'https://www.laposte.fr/outils/suivre-vos-envois?code=@',
    description: 'Tracking URL, `@` standing for the tracking number',
  })
  override trackingUrlTemplate?: string | null;
}

export class AllowedCodesPayload extends AllowedCodesDto {
  @ApiProperty({ type: [String], example: ['COLISSIMO', 'CHRONOPOST'] })
  override codes: string[];
  @ApiProperty({ description: 'Whether a code outside `codes` is accepted' })
  override acceptFreeValues: boolean;
}

export class RetryPolicyPayload extends RetryPolicyDto {
  @ApiProperty({ example: 60, description: 'Seconds before the first retry (1 s – 1 day)' })
  override initialDelaySeconds: number;
  @ApiProperty({ example: 3600, description: 'Longest pause between retries (up to 7 days, not below the initial)' })
  override maxDelaySeconds: number;
  @ApiProperty({ example: 10, description: 'Attempts before an import is parked (1–100)' })
  override maxAttempts: number;
}

export class ChangeImportSettingsPayload extends ChangeImportSettingsDto {
  @ApiPropertyOptional({
    type: [String],
    enum: KNOWN_LENGOW_STATUSES,
    description: 'Lengow statuses that get imported',
  })
  override importableStatuses?: string[];
  @ApiPropertyOptional({ example: 3, description: 'Days of updated orders a poll covers (1–10)' })
  override importWindowDays?: number;
  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    example: 300,
    description: 'Seconds between scheduled imports (10 s – 1 day); null follows IMPORT_INTERVAL',
  })
  override importIntervalSeconds?: number | null;
  @ApiPropertyOptional({ description: 'Import orders the marketplace ships itself' })
  override createShippedByMarketplace?: boolean;
  @ApiPropertyOptional({ description: 'Decrement stock for orders the marketplace ships itself' })
  override decrementStockShippedByMarketplace?: boolean;
  @ApiPropertyOptional({ description: 'Add the marketplace processing fee to imported orders' })
  override importProcessingFee?: boolean;
  @ApiPropertyOptional({ description: 'Create a placeholder product when a line matches none' })
  override forceProduct?: boolean;
  @ApiPropertyOptional({ example: 3, description: 'Orders older than this are ignored (1–24 months)' })
  override maxOrderAgeMonths?: number;
  @ApiPropertyOptional({ type: () => RetryPolicyPayload })
  override retryPolicy?: RetryPolicyPayload;
}

export class MapCarrierPayload extends MapCarrierDto {
  @ApiProperty({ example: 'amazon_fr', description: 'Lengow marketplace code' })
  override marketplace: string;
  @ApiProperty({ example: 'FR', description: 'Delivery country, ISO 3166 alpha-2' })
  override country: string;
  @ApiProperty({ type: () => ShopCarrierPayload })
  override shopCarrier: ShopCarrierPayload;
  @ApiProperty({ example: 'COLISSIMO', description: 'Marketplace carrier code sent with ship' })
  override marketplaceCarrier: string;
  @ApiPropertyOptional({
    type: () => AllowedCodesPayload,
    nullable: true,
    description: "The marketplace's accepted carrier codes, when the sender knows its definition",
  })
  override allowedCarriers?: AllowedCodesPayload | null;
}

export class UnmapCarrierPayload extends UnmapCarrierDto {
  @ApiProperty({ example: 'amazon_fr' })
  override marketplace: string;
  @ApiProperty({ example: 'FR' })
  override country: string;
  @ApiProperty({ example: 'colissimo' })
  override shopCarrierId: string;
}

export class MapShippingMethodPayload extends MapShippingMethodDto {
  @ApiProperty({ example: 'cdiscount' })
  override marketplace: string;
  @ApiProperty({ example: 'FR' })
  override country: string;
  @ApiProperty({ example: 'Standard', description: 'Shipping method as the marketplace names it' })
  override marketplaceMethod: string;
  @ApiProperty({ type: () => ShopCarrierPayload })
  override shopCarrier: ShopCarrierPayload;
  @ApiPropertyOptional({ type: () => AllowedCodesPayload, nullable: true })
  override allowedMethods?: AllowedCodesPayload | null;
}

export class UnmapShippingMethodPayload extends UnmapShippingMethodDto {
  @ApiProperty({ example: 'cdiscount' })
  override marketplace: string;
  @ApiProperty({ example: 'FR' })
  override country: string;
  @ApiProperty({ example: 'Standard' })
  override marketplaceMethod: string;
}

export class SetDefaultCarrierPayload extends SetDefaultCarrierDto {
  @ApiProperty({ example: 'amazon_fr' })
  override marketplace: string;
  @ApiProperty({ example: 'FR' })
  override country: string;
  @ApiPropertyOptional({
    type: () => ShopCarrierPayload,
    nullable: true,
    description: 'Shop carrier for imported orders; absent keeps it, null clears it',
  })
  override importCarrier?: ShopCarrierPayload | null;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'COLISSIMO',
    description: 'Marketplace carrier sent with ship; absent keeps it, null clears it',
  })
  override shipCarrier?: string | null;
  @ApiPropertyOptional({ type: () => AllowedCodesPayload, nullable: true })
  override allowedCarriers?: AllowedCodesPayload | null;
}
