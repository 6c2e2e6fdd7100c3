import { defineEventClass } from '../../cqrs/event-class-registry.js';
import type { OrderEventOf, OrderEventType } from '../domain/order-events.js';

/**
 * The EventBus classes of the order events (the bus routes by class; stored events are plain JSON). One per stored
 * event type, named after it: `@EventsHandler(OrderImportedEvent)`, `ofType(ActionRequestedEvent)`.
 */
type DataOf<T extends OrderEventType> = OrderEventOf<T>['data'];

export const OrderImportIgnoredEvent = defineEventClass<DataOf<'OrderImportIgnored'>>('OrderImportIgnored');
export type OrderImportIgnoredEvent = InstanceType<typeof OrderImportIgnoredEvent>;
export const OrderImportPlannedEvent = defineEventClass<DataOf<'OrderImportPlanned'>>('OrderImportPlanned');
export type OrderImportPlannedEvent = InstanceType<typeof OrderImportPlannedEvent>;
export const OrderImportFailedEvent = defineEventClass<DataOf<'OrderImportFailed'>>('OrderImportFailed');
export type OrderImportFailedEvent = InstanceType<typeof OrderImportFailedEvent>;
export const OrderImportedEvent = defineEventClass<DataOf<'OrderImported'>>('OrderImported');
export type OrderImportedEvent = InstanceType<typeof OrderImportedEvent>;
export const OrderReimportedEvent = defineEventClass<DataOf<'OrderReimported'>>('OrderReimported');
export type OrderReimportedEvent = InstanceType<typeof OrderReimportedEvent>;
export const StockDecrementedEvent = defineEventClass<DataOf<'StockDecremented'>>('StockDecremented');
export type StockDecrementedEvent = InstanceType<typeof StockDecrementedEvent>;
export const StockDecrementFailedEvent = defineEventClass<DataOf<'StockDecrementFailed'>>('StockDecrementFailed');
export type StockDecrementFailedEvent = InstanceType<typeof StockDecrementFailedEvent>;
export const StockDecrementRetryRequestedEvent =
  defineEventClass<DataOf<'StockDecrementRetryRequested'>>('StockDecrementRetryRequested');
export type StockDecrementRetryRequestedEvent = InstanceType<typeof StockDecrementRetryRequestedEvent>;
export const MerchantOrderIdsSentEvent = defineEventClass<DataOf<'MerchantOrderIdsSent'>>('MerchantOrderIdsSent');
export type MerchantOrderIdsSentEvent = InstanceType<typeof MerchantOrderIdsSentEvent>;
export const MerchantOrderIdsFailedEvent = defineEventClass<DataOf<'MerchantOrderIdsFailed'>>('MerchantOrderIdsFailed');
export type MerchantOrderIdsFailedEvent = InstanceType<typeof MerchantOrderIdsFailedEvent>;
export const OrderResynchronisationRequestedEvent = defineEventClass<DataOf<'OrderResynchronisationRequested'>>(
  'OrderResynchronisationRequested',
);
export type OrderResynchronisationRequestedEvent = InstanceType<typeof OrderResynchronisationRequestedEvent>;
export const OrderResynchronisedEvent = defineEventClass<DataOf<'OrderResynchronised'>>('OrderResynchronised');
export type OrderResynchronisedEvent = InstanceType<typeof OrderResynchronisedEvent>;
export const LengowStatusChangedEvent = defineEventClass<DataOf<'LengowStatusChanged'>>('LengowStatusChanged');
export type LengowStatusChangedEvent = InstanceType<typeof LengowStatusChangedEvent>;
export const ShopOrderShippedEvent = defineEventClass<DataOf<'ShopOrderShipped'>>('ShopOrderShipped');
export type ShopOrderShippedEvent = InstanceType<typeof ShopOrderShippedEvent>;
export const ShopOrderCanceledEvent = defineEventClass<DataOf<'ShopOrderCanceled'>>('ShopOrderCanceled');
export type ShopOrderCanceledEvent = InstanceType<typeof ShopOrderCanceledEvent>;
export const ShopOrderRefundedEvent = defineEventClass<DataOf<'ShopOrderRefunded'>>('ShopOrderRefunded');
export type ShopOrderRefundedEvent = InstanceType<typeof ShopOrderRefundedEvent>;
export const ShopOrderLineRefundedEvent = defineEventClass<DataOf<'ShopOrderLineRefunded'>>('ShopOrderLineRefunded');
export type ShopOrderLineRefundedEvent = InstanceType<typeof ShopOrderLineRefundedEvent>;
export const ActionRequestedEvent = defineEventClass<DataOf<'ActionRequested'>>('ActionRequested');
export type ActionRequestedEvent = InstanceType<typeof ActionRequestedEvent>;
export const ActionSentEvent = defineEventClass<DataOf<'ActionSent'>>('ActionSent');
export type ActionSentEvent = InstanceType<typeof ActionSentEvent>;
export const ActionSendFailedEvent = defineEventClass<DataOf<'ActionSendFailed'>>('ActionSendFailed');
export type ActionSendFailedEvent = InstanceType<typeof ActionSendFailedEvent>;
export const ActionConfirmedEvent = defineEventClass<DataOf<'ActionConfirmed'>>('ActionConfirmed');
export type ActionConfirmedEvent = InstanceType<typeof ActionConfirmedEvent>;
export const ActionRejectedEvent = defineEventClass<DataOf<'ActionRejected'>>('ActionRejected');
export type ActionRejectedEvent = InstanceType<typeof ActionRejectedEvent>;
export const ActionTimedOutEvent = defineEventClass<DataOf<'ActionTimedOut'>>('ActionTimedOut');
export type ActionTimedOutEvent = InstanceType<typeof ActionTimedOutEvent>;
