/** The order import pipeline: importer, scheduler, run history and the operator commands. */
export * from './commands/import-command-invalid.error.js';
export * from './commands/import-commands.js';
export * from './import-already-running.error.js';
export * from './import-run-counts.js';
export * from './import-run-log.js';
export * from './import-window.js';
export * from './order-import-result.js';
export * from './order-importer.js';
export * from './order-not-formatted.error.js';
export * from './orders-import.module.js';
export * from './shop-unavailable.error.js';
