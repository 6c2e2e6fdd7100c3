import type { ShopCarrier } from '../../orders/domain/carrier-mapping.js';
import type { RetryPolicy } from '../../orders/domain/import-settings.js';
import type {
  AllowedCodes,
  ImportSettingsChange,
  MapCarrierData,
  MapShippingMethodData,
  RecordMarketplaceSeenData,
  SetDefaultCarrierData,
  UnmapCarrierData,
  UnmapShippingMethodData,
} from '../domain/settings-commands.js';
import type { MarketplaceSeenSource } from '../domain/settings-events.js';
import { IsIn, IsOptional } from 'class-validator';
import {
  Flag,
  Nested,
  Num,
  OptionalFlag,
  OptionalNumber,
  OptionalText,
  Text,
  TextList,
} from './settings-dto-decorators.js';

/** Payload shapes of the settings commands, checked by validateOrThrow before the domain decides. */

export class ShopCarrierDto implements ShopCarrier {
  @Text() id: string;
  @Text() name: string;
  @OptionalText() trackingUrlTemplate?: string | null;
}

export class AllowedCodesDto implements AllowedCodes {
  @TextList() codes: string[];
  @Flag() acceptFreeValues: boolean;
}

export class RetryPolicyDto implements RetryPolicy {
  @Num() initialDelaySeconds: number;
  @Num() maxDelaySeconds: number;
  @Num() maxAttempts: number;
}

export class ChangeImportSettingsDto implements ImportSettingsChange {
  @IsOptional() @TextList() importableStatuses?: string[];
  @OptionalNumber() importWindowDays?: number;
  /** null: back to the deployment's IMPORT_INTERVAL. */
  @OptionalNumber() importIntervalSeconds?: number | null;
  @OptionalFlag() createShippedByMarketplace?: boolean;
  @OptionalFlag() decrementStockShippedByMarketplace?: boolean;
  @OptionalFlag() importProcessingFee?: boolean;
  @OptionalFlag() forceProduct?: boolean;
  @OptionalNumber() maxOrderAgeMonths?: number;
  @Nested(() => RetryPolicyDto, true) retryPolicy?: RetryPolicyDto;
}

export class MapCarrierDto implements MapCarrierData {
  @Text() marketplace: string;
  @Text() country: string;
  @Nested(() => ShopCarrierDto) shopCarrier: ShopCarrierDto;
  @Text() marketplaceCarrier: string;
  @Nested(() => AllowedCodesDto, true) allowedCarriers?: AllowedCodesDto | null;
}

export class UnmapCarrierDto implements UnmapCarrierData {
  @Text() marketplace: string;
  @Text() country: string;
  @Text() shopCarrierId: string;
}

export class MapShippingMethodDto implements MapShippingMethodData {
  @Text() marketplace: string;
  @Text() country: string;
  @Text() marketplaceMethod: string;
  @Nested(() => ShopCarrierDto) shopCarrier: ShopCarrierDto;
  @Nested(() => AllowedCodesDto, true) allowedMethods?: AllowedCodesDto | null;
}

export class UnmapShippingMethodDto implements UnmapShippingMethodData {
  @Text() marketplace: string;
  @Text() country: string;
  @Text() marketplaceMethod: string;
}

export class SetDefaultCarrierDto implements SetDefaultCarrierData {
  @Text() marketplace: string;
  @Text() country: string;
  /** Absent: keep; null: clear. */
  @Nested(() => ShopCarrierDto, true) importCarrier?: ShopCarrierDto | null;
  @OptionalText() shipCarrier?: string | null;
  @Nested(() => AllowedCodesDto, true) allowedCarriers?: AllowedCodesDto | null;
}

export class RecordMarketplaceSeenDto implements RecordMarketplaceSeenData {
  @Text() marketplace: string;
  /** null when the order has no delivery country. */
  @OptionalText() country: string | null;
  @IsIn(['order', 'lengow_list'], { message: 'must be order or lengow_list' }) source: MarketplaceSeenSource;
  @OptionalText() label?: string | null;
}
