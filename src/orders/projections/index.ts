/** The order read side: overview rows and queries, the timeline, and the Nest module that runs them. */
export * from './invalid-overview-query.error.js';
export * from './marketplace-label.js';
export * from './order-overview.js';
export * from './order-timeline.js';
export * from './orders-read.module.js';
export * from './overview-projection.js';
export * from './overview-queries.js';
export * from './overview-query.js';
export { OVERVIEW_TABLES } from './overview-schema.js';
