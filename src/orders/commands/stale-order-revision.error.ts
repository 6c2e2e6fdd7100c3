/** The caller's If-Match revision is not the order's current one (HTTP 412). */
export class StaleOrderRevision extends Error {
  readonly code = 'STALE_ORDER_REVISION';
  constructor(
    readonly stream: string,
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`order ${stream} is at revision ${actual}, not ${expected}`);
    this.name = 'StaleOrderRevision';
  }
}
