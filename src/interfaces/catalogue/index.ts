// Importing this file fills the shared command catalogue with every command group.
export * from './catalogue-entry.js';
export * from './order-action.catalogue.js';
export * from './order-import.catalogue.js';
export * from './order-stock.catalogue.js';
export * from './payload-depth.js';
export * from './payload-invalid.error.js';
export * from './projection-command-handlers.js';
export * from './projection-commands.js';
export * from './projection.catalogue.js';
export * from './reaction-commands.js';
export * from './reactions.catalogue.js';
export * from './settings.catalogue.js';
export * from './validate-payload.js';
export * from './waiting-reactions.js';
