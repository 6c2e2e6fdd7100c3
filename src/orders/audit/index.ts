/** Audit and replay of orders, drift check of the overview, projection maintenance. */
export * from './field-difference.js';
export * from './order-audit.js';
export * from './overview-drift-check.js';
export * from './projection-maintenance.js';
