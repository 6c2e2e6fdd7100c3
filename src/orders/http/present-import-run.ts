import { problemDetails } from '../../http/error-to-problem.js';
import type { CommandAnswer } from '../../http/http-command-runner.js';
import { isFailedImportRun } from '../import/failed-import-run.js';
import type { ImportRunReport } from '../import/order-importer.js';

/**
 * The answer to "import now". A run that ended failed did not do what was asked, so it is not a 200: 503 when Lengow
 * (or the shop) could not be reached and the same request can succeed later, 502 when Lengow refused the engine (its
 * credentials). The body is problem details with the run's report as `run` (how far it got), and a 5xx answer frees
 * the request's Idempotency-Key, so the client's retry runs the import again instead of replaying the failure.
 */
export function presentImportRun(report: ImportRunReport): CommandAnswer {
  if (!isFailedImportRun(report)) return { body: report };
  const status = report.error.transient ? 503 : 502;
  return {
    status,
    body: problemDetails(status, report.error.code, `the import run failed: ${report.error.message}`, undefined, {
      run: report,
    }),
  };
}
