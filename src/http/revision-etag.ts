import { HttpProblem } from './http-problem.js';

/** `W/"<revision>"`: weak, since the revision names the record's state, not the bytes of one representation. */
export function revisionETag(revision: number | string): string {
  return `W/"${revision}"`;
}

/**
 * The revision an `If-Match` header names: `W/"5"`, `"5"` or a bare `5` (what a hand-written curl sends). Absent or
 * `*` means no condition. Revisions are integers from -1 ("does not exist yet"); anything else is refused with 400,
 * since guessing would turn a typo into an unconditional write.
 */
export function revisionFromIfMatch(header: string | string[] | undefined): number | undefined {
  if (header === undefined) return undefined;
  const value = (Array.isArray(header) ? header.join(',') : header).trim();
  if (value === '' || value === '*') return undefined;
  const match = /^(?:W\/"(-?\d{1,15})"|"(-?\d{1,15})"|(-?\d{1,15}))$/.exec(value);
  const revision = match ? Number(match[1] ?? match[2] ?? match[3]) : NaN;
  if (!Number.isSafeInteger(revision) || revision < -1) {
    throw new HttpProblem(400, 'INVALID_IF_MATCH', 'Bad Request', 'If-Match must name one revision: W/"<revision>"', {
      errors: [{ field: 'header.if-match', message: 'If-Match must look like W/"12", "12" or 12' }],
    });
  }
  return revision;
}
