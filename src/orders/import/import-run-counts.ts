/**
 * What one run did with the orders Lengow returned: every result of every page lands in exactly one bucket among
 * `planned`, `ignored`, `failed`, `statusChanged`, `unchanged`, `notFormatted`, `duplicates`, `transientFailures`,
 * `rejected` and `errors`, so `received` is their sum (failure and ignore reasons are broken down by code).
 */
export interface ImportRunCounts {
  /** Results on every page, repeats included. */
  received: number;
  /** A shop-order plan was recorded (`OrderImportPlanned`). */
  planned: number;
  /** `OrderImportIgnored` by reason code (status not importable, shipped by marketplace…). */
  ignored: Record<string, number>;
  /** Orders with a new `OrderImportFailed` from validation. */
  failedOrders: number;
  /** Those failures by failure code; one order failing two checks counts under both codes. */
  failed: Record<string, number>;
  /** An imported order's marketplace status moved (`LengowStatusChanged`). */
  statusChanged: number;
  /** Nothing new to record: already imported and unchanged, same verdict as before, or a retry not yet due. */
  unchanged: number;
  /** Payloads that cannot be represented, by whether they could be recorded on the order's stream. */
  notFormatted: { recorded: number; withoutIdentity: number; notRecorded: number };
  /** The same order version met again in this run (paging shifts, overlapping pages). */
  duplicates: number;
  /** The shop could not be reached for the lookups: recorded as a transient failure, retried with backoff. */
  transientFailures: number;
  /** The order's stream refused the command (domain error), by code; logged with the order's identity. */
  rejected: Record<string, number>;
  /** Unexpected errors (event store or bus down…): the run fails so its window is read again. */
  errors: number;
  /** Not a bucket: orders (of any bucket) still waiting for a transient-failure retry after this run. */
  awaitingRetry: number;
}

export function emptyImportRunCounts(): ImportRunCounts {
  return {
    received: 0,
    planned: 0,
    ignored: {},
    failedOrders: 0,
    failed: {},
    statusChanged: 0,
    unchanged: 0,
    notFormatted: { recorded: 0, withoutIdentity: 0, notRecorded: 0 },
    duplicates: 0,
    transientFailures: 0,
    rejected: {},
    errors: 0,
    awaitingRetry: 0,
  };
}

export function increment(table: Record<string, number>, key: string, by = 1): void {
  table[key] = (table[key] ?? 0) + by;
}
