/** Bad command-line input found after commander parsed it (e.g. a malformed order key): exit status 2. */
export class UsageError extends Error {
  readonly code = 'USAGE';
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
