import { defineEventClass } from '../../cqrs/event-class-registry.js';
import type { SettingsEventOf, SettingsEventType } from '../domain/settings-events.js';

/**
 * The EventBus classes of the settings events (the bus routes by class), e.g. a saga re-driving imports parked on a
 * missing mapping: `ofType(CarrierMappedEvent, DefaultCarrierSetEvent)`.
 */
type DataOf<T extends SettingsEventType> = SettingsEventOf<T>['data'];

export const ImportSettingsChangedEvent = defineEventClass<DataOf<'ImportSettingsChanged'>>('ImportSettingsChanged');
export type ImportSettingsChangedEvent = InstanceType<typeof ImportSettingsChangedEvent>;
export const CarrierMappedEvent = defineEventClass<DataOf<'CarrierMapped'>>('CarrierMapped');
export type CarrierMappedEvent = InstanceType<typeof CarrierMappedEvent>;
export const CarrierUnmappedEvent = defineEventClass<DataOf<'CarrierUnmapped'>>('CarrierUnmapped');
export type CarrierUnmappedEvent = InstanceType<typeof CarrierUnmappedEvent>;
export const ShippingMethodMappedEvent = defineEventClass<DataOf<'ShippingMethodMapped'>>('ShippingMethodMapped');
export type ShippingMethodMappedEvent = InstanceType<typeof ShippingMethodMappedEvent>;
export const ShippingMethodUnmappedEvent = defineEventClass<DataOf<'ShippingMethodUnmapped'>>('ShippingMethodUnmapped');
export type ShippingMethodUnmappedEvent = InstanceType<typeof ShippingMethodUnmappedEvent>;
export const DefaultCarrierSetEvent = defineEventClass<DataOf<'DefaultCarrierSet'>>('DefaultCarrierSet');
export type DefaultCarrierSetEvent = InstanceType<typeof DefaultCarrierSetEvent>;
export const MarketplaceDiscoveredEvent = defineEventClass<DataOf<'MarketplaceDiscovered'>>('MarketplaceDiscovered');
export type MarketplaceDiscoveredEvent = InstanceType<typeof MarketplaceDiscoveredEvent>;
export const MarketplaceCountrySeenEvent = defineEventClass<DataOf<'MarketplaceCountrySeen'>>('MarketplaceCountrySeen');
export type MarketplaceCountrySeenEvent = InstanceType<typeof MarketplaceCountrySeenEvent>;
