/** Rejects `waitUntilCaughtUp` for a projection that stopped on a poison event (or was superseded). */
export class ProjectionFailedError extends Error {
  constructor(
    readonly projection: string,
    readonly reason: string,
    readonly failedPosition: string | null,
  ) {
    super(`projection ${projection} stopped: ${reason}`);
    this.name = 'ProjectionFailedError';
  }
}
