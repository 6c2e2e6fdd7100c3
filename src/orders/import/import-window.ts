/** The `updated_from` / `updated_to` window of one import run (lengow-api.md §12). */
export interface ImportWindow {
  readonly from: Date;
  readonly to: Date;
}

export const DEFAULT_IMPORT_WINDOW_DAYS = 3;
export const MIN_IMPORT_WINDOW_DAYS = 1;
export const MAX_IMPORT_WINDOW_DAYS = 10;
/**
 * Re-read this much before the end of the last successful run (the plugins' `SECURITY_INTERVAL_TIME`): Lengow's
 * `updated_at` and our clock disagree a little, and an order updated while the last run paged could have been missed.
 */
export const IMPORT_OVERLAP_MS = 2 * 3600_000;

const DAY_MS = 86_400_000;

/** Days of window, clamped to 1–10 as the plugins do; a value that is not a number gives the default. */
export function clampWindowDays(days: number | null | undefined): number {
  if (typeof days !== 'number' || !Number.isFinite(days)) return DEFAULT_IMPORT_WINDOW_DAYS;
  return Math.min(MAX_IMPORT_WINDOW_DAYS, Math.max(MIN_IMPORT_WINDOW_DAYS, days));
}

/** Where the previous incremental run left off. */
export interface ImportCheckpoint {
  /** `updated_to` of the last successful run that covered everything up to it. */
  readonly windowTo: Date;
  /** Configuration the run decided with; another one now means the whole window must be looked at again. */
  readonly configurationRevision: string | null;
  /**
   * `updated_at` of the oldest order left waiting for a transient-failure retry: later runs keep reading from there
   * (within the configured days), or the retry would never come for an order Lengow does not touch again.
   */
  readonly retryFrom?: Date | null;
}

export interface IncrementalWindowInput {
  readonly now: Date;
  /** Settings' window (clamped here). */
  readonly windowDays: number;
  readonly checkpoint: ImportCheckpoint | null;
  readonly configurationRevision: string | null;
}

/**
 * The scheduled run's window: the configured days back from now, shortened to "the last successful run's end minus
 * 2 h" (or earlier, to the oldest order awaiting a retry) when that run is newer and was decided with the same configuration (a changed configuration, e.g. a newly
 * importable status, must see the whole window again, as the plugins do after a settings change). Never empty, never
 * longer than the configured days.
 */
export function incrementalImportWindow({
  now,
  windowDays,
  checkpoint,
  configurationRevision,
}: IncrementalWindowInput): ImportWindow {
  const to = now.getTime();
  let from = to - clampWindowDays(windowDays) * DAY_MS;
  if (checkpoint && checkpoint.configurationRevision === configurationRevision) {
    // A checkpoint in the future (another process's clock ahead of ours) still leaves a 2 h look-back from now.
    let resume = Math.min(checkpoint.windowTo.getTime(), to) - IMPORT_OVERLAP_MS;
    if (checkpoint.retryFrom) resume = Math.min(resume, checkpoint.retryFrom.getTime());
    from = Math.max(from, resume);
  }
  return { from: new Date(from), to: new Date(to) };
}

/** What an operator may ask for: explicit bounds, or a number of days back from now. */
export interface RequestedWindow {
  readonly from?: Date;
  readonly to?: Date;
  readonly days?: number;
}

/**
 * An operator's window: `days` back from now (clamped like the setting), or explicit bounds (`to` defaults to now;
 * `from` alone is a backfill from that instant). With nothing asked, null: the caller uses the incremental window.
 */
export function requestedImportWindow(request: RequestedWindow, now: Date): ImportWindow | null {
  if (request.days !== undefined) {
    return { from: new Date(now.getTime() - clampWindowDays(request.days) * DAY_MS), to: now };
  }
  if (request.from === undefined && request.to === undefined) return null;
  const to = request.to ?? now;
  const from = request.from ?? new Date(to.getTime() - DEFAULT_IMPORT_WINDOW_DAYS * DAY_MS);
  return { from, to };
}

/**
 * The window as Lengow is asked for it: the API's dates have whole seconds, so `from` is rounded down and `to` up.
 * Widening, never narrowing: an order updated in the last fraction of a second is inside, not silently after it.
 */
export function toWholeSeconds(window: ImportWindow): ImportWindow {
  return {
    from: new Date(Math.floor(window.from.getTime() / 1000) * 1000),
    to: new Date(Math.ceil(window.to.getTime() / 1000) * 1000),
  };
}

/** Whether a run over `window` covers the whole incremental window, so that its success may move the checkpoint. */
export function coversWindow(window: ImportWindow, incremental: ImportWindow): boolean {
  return window.from.getTime() <= incremental.from.getTime() && window.to.getTime() >= incremental.to.getTime();
}
