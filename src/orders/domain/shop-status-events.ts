import type { ShopCarrier } from './carrier-mapping.js';
import type { DomainEvent } from './domain-event.js';

export interface RefundedLine {
  readonly marketplaceLineId: string;
  readonly quantity: number;
}

export interface ShopShipment {
  readonly carrier: ShopCarrier | null;
  readonly trackingNumber: string | null;
  readonly trackingUrl: string | null;
  readonly returnCarrier: ShopCarrier | null;
  readonly returnTrackingNumber: string | null;
}

/** `changeId` is the shop's id for the change (history row, credit slip…): the same change is recorded once. */
interface ShopChangeData {
  readonly changeId: string;
  readonly shopOrderId: string;
  readonly at: string;
}

export type ShopOrderShipped = DomainEvent<'ShopOrderShipped', ShopChangeData & ShopShipment>;
export type ShopOrderCanceled = DomainEvent<'ShopOrderCanceled', ShopChangeData>;
export type ShopOrderRefunded = DomainEvent<'ShopOrderRefunded', ShopChangeData>;
export type ShopOrderLineRefunded = DomainEvent<
  'ShopOrderLineRefunded',
  ShopChangeData & { readonly lines: readonly RefundedLine[] }
>;

export type ShopStatusEvent = ShopOrderShipped | ShopOrderCanceled | ShopOrderRefunded | ShopOrderLineRefunded;
