/**
 * A checkpoint row was not where this instance left it: another instance of the same projection or consumer moved it
 * (two processes on one PostgreSQL database, or a stale instance after a restart). The write is rolled back and this
 * instance stops, so the same events are never applied twice.
 */
export class CheckpointConflictError extends Error {
  constructor(
    readonly owner: string,
    readonly expected: string | null,
  ) {
    super(`checkpoint of ${owner} is no longer at ${expected ?? 'the start'}: another instance moved it`);
    this.name = 'CheckpointConflictError';
  }
}
