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

/**
 * The merchant's reason for a cancel or refund, as the shop recorded it: the action's `reason` / `refund_reason` choice
 * (lengow-api.md §10.2). Added after the first events were written, without a version bump (an added optional field):
 * absent on those, and whenever the merchant gave none, which leaves the marketplace's default reason.
 */
interface MerchantReason {
  readonly reason?: string;
}

export type ShopOrderShipped = DomainEvent<'ShopOrderShipped', ShopChangeData & ShopShipment>;
export type ShopOrderCanceled = DomainEvent<'ShopOrderCanceled', ShopChangeData & MerchantReason>;
export type ShopOrderRefunded = DomainEvent<'ShopOrderRefunded', ShopChangeData & MerchantReason>;
export type ShopOrderLineRefunded = DomainEvent<
  'ShopOrderLineRefunded',
  ShopChangeData & MerchantReason & { readonly lines: readonly RefundedLine[] }
>;

export type ShopStatusEvent = ShopOrderShipped | ShopOrderCanceled | ShopOrderRefunded | ShopOrderLineRefunded;
