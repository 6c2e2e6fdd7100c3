import type { ImportRunError, ImportRunReport } from './order-importer.js';

/**
 * A window run that did not do what was asked: Lengow or the shop could not be reached, or Lengow refused the engine.
 * The run is recorded and the next one reads its window again, but to whoever asked for it now it is a failure, and a
 * retry under the same retry key (HTTP's `Idempotency-Key`, the bus's `commandId`) must run it again, not replay it.
 */
export function isFailedImportRun(result: unknown): result is ImportRunReport & { readonly error: ImportRunError } {
  if (typeof result !== 'object' || result === null) return false;
  const report = result as Partial<ImportRunReport>;
  return typeof report.runId === 'string' && report.outcome === 'failed' && report.error != null;
}
