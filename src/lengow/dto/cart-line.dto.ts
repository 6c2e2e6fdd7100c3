import { IsOptional, IsArray } from 'class-validator';
import { Expose, Transform } from 'class-transformer';
import {
  IsoDate,
  MESSAGES,
  Money,
  OptionalInteger,
  OptionalNested,
  OptionalText,
  RequiredInteger,
} from './field-decorators.js';

export class MerchantProductIdDto {
  @OptionalText() id: string | null;
  @OptionalText() field: string | null;
}

/** One line of `packages[].cart[]`. `marketplace_order_line_id` is the `line` argument of per-line actions. */
export class CartLineDto {
  @OptionalInteger() id: number | null;
  @OptionalText() marketplace_order_line_id: string | null;
  @OptionalText() marketplace_product_id: string | null;
  @OptionalNested(() => MerchantProductIdDto) merchant_product_id: MerchantProductIdDto | null;
  @OptionalText() marketplace_status: string | null;
  @OptionalText() lengow_status: string | null;
  @OptionalText() title: string | null;
  /**
   * Read as sent, however large: whether the shop can take it is the import rules' call (`validateOrder`, against the
   * shop's limits), which names the line at fault, where an upper bound here would only make the order unreadable.
   */
  @RequiredInteger({ min: 0 }) quantity: number;
  /** Line total including tax; the unit price is amount / quantity. Its size is judged the same way. */
  @Money() amount: number | null;
  @Money() original_amount: number | null;
  @Money() tax: number | null;
  @Money() original_tax: number | null;
  @Money() discount: number | null;
  @Money() shipping: number | null;
  @Money() refunded_amount: number | null;
  @OptionalText() marketplace_package_id: string | null;
  @IsoDate() max_shipping_date: string | null;
  @IsoDate() created_at: string | null;
  @IsoDate() updated_at: string | null;
  @Expose()
  @Transform(({ obj }) => (obj as Record<string, unknown>).orderline_types ?? [])
  @IsOptional()
  @IsArray({ message: MESSAGES.notList })
  orderline_types: unknown[];
}
