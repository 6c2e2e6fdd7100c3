/** The runner or consumer was stopped while someone was waiting on it. */
export class StoppedError extends Error {
  constructor(what: string) {
    super(`${what} stopped`);
    this.name = 'StoppedError';
  }
}
