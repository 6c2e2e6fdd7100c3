/** Lengow connector types → order domain types: pure, no lookups, no clock. */
export * from './to-domain-marketplace-definition.js';
export * from './to-marketplace-order-snapshot.js';
