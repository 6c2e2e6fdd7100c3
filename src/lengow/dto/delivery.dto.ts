import { AddressFieldsDto } from './address.dto.js';
import { NestedList, RequiredInteger } from './field-decorators.js';
import { TrackingDto } from './tracking.dto.js';

/**
 * The delivery address of a package. `id` (the plugins' `delivery_address_id`) is the one field the plugins refuse an
 * order without ("no delivery address in the order"); it is an attribute of the package, not an identity, because
 * Lengow has changed it on existing orders.
 */
export class DeliveryDto extends AddressFieldsDto {
  @RequiredInteger() id: number;
  @NestedList(() => TrackingDto) trackings: TrackingDto[];
}
