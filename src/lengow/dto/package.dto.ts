import { CartLineDto } from './cart-line.dto.js';
import { DeliveryDto } from './delivery.dto.js';
import { NestedList, RequiredNested } from './field-decorators.js';

/** `packages[]`: one delivery address and its cart lines. An empty cart is a business check, not a shape error. */
export class PackageDto {
  @RequiredNested(() => DeliveryDto) delivery: DeliveryDto;
  @NestedList(() => CartLineDto, { required: true }) cart: CartLineDto[];
}
