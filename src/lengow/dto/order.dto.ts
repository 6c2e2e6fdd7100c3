import { Expose, Transform } from 'class-transformer';
import { IsArray, IsString } from 'class-validator';
import { AddressDto } from './address.dto.js';
import { CurrencyDto } from './currency.dto.js';
import {
  IdentityText,
  IsoDate,
  MESSAGES,
  Money,
  NestedList,
  OptionalBoolean,
  OptionalInteger,
  OptionalJsonObject,
  OptionalNested,
  OptionalText,
} from './field-decorators.js';
import { MAX_MARKETPLACE_LENGTH, MAX_ORDER_ID_LENGTH, toCurrency, toOrderType, toStringList } from './normalise.js';
import { OrderTypeDto } from './order-type.dto.js';
import { PackageDto } from './package.dto.js';
import { PaymentDto } from './payment.dto.js';

/**
 * One order of `GET /v3.0/orders`, as the API spells it. Only what makes the order unrepresentable is required:
 * its identity (marketplace, marketplace order id: exact text an operator can name back) and at least one package with a delivery id (lengow-api.md §9
 * step 0). Everything the engine checks later (billing address, currency, `total_order == -1`, empty cart) stays
 * representable, as null or empty.
 */
export class OrderDto {
  @IdentityText(MAX_MARKETPLACE_LENGTH) marketplace: string;
  @IdentityText(MAX_ORDER_ID_LENGTH) marketplace_order_id: string;
  @OptionalInteger() account_id: number | null;
  @OptionalText() marketplace_country_iso2: string | null;
  @OptionalText() marketplace_status: string | null;
  @OptionalText() lengow_status: string | null;
  @OptionalInteger() workflow_rank: number | null;
  @IsoDate() marketplace_order_date: string | null;
  @IsoDate() imported_at: string | null;
  @IsoDate() updated_at: string | null;
  @OptionalBoolean() anonymized: boolean | null;

  /** Shop order ids set by moi: `[]`, `["60"]` (2016) or `null` (2024); always a list here. */
  @Expose()
  @Transform(({ obj }) => toStringList((obj as Record<string, unknown>).merchant_order_id))
  @IsArray({ message: MESSAGES.notList })
  @IsString({ each: true, message: MESSAGES.notString })
  merchant_order_id: string[];

  @OptionalNested(() => CurrencyDto, toCurrency) currency: CurrencyDto | null;
  @OptionalNested(() => CurrencyDto, toCurrency) original_currency: CurrencyDto | null;
  @OptionalNested(() => CurrencyDto, toCurrency) original_buyer_currency: CurrencyDto | null;

  /** In the account currency; `-1` means Lengow had no exchange rate. */
  @Money() total_order: number | null;
  @Money() total_tax: number | null;
  @Money() shipping: number | null;
  @Money() processing_fee: number | null;
  @Money() commission: number | null;
  @Money() discount: number | null;
  @Money() original_total_order: number | null;
  @Money() original_total_tax: number | null;
  @Money() original_shipping: number | null;
  @Money() original_processing_fee: number | null;
  @Money() original_commission: number | null;
  @Money() original_discount: number | null;
  @Money() original_total_buyer_amount: number | null;
  @Money() original_total_buyer_tax: number | null;

  @NestedList(() => OrderTypeDto, { shorthand: toOrderType }) order_types: OrderTypeDto[];

  /** A string on some channels, a list on others; always a list here. */
  @Expose()
  @Transform(({ obj }) => toStringList((obj as Record<string, unknown>).comments))
  @IsArray({ message: MESSAGES.notList })
  comments: string[];

  @OptionalText() marketplace_customer_id: string | null;
  @OptionalText() invoice_number: string | null;
  @OptionalText() invoice_url: string | null;
  @OptionalJsonObject() meta: Record<string, unknown> | null;
  @OptionalJsonObject() order_meta: Record<string, unknown> | null;

  @NestedList(() => PaymentDto) payments: PaymentDto[];
  @OptionalNested(() => AddressDto) billing_address: AddressDto | null;
  @OptionalNested(() => AddressDto) contact_address: AddressDto | null;
  @NestedList(() => PackageDto, { required: true, nonEmpty: true }) packages: PackageDto[];
}
