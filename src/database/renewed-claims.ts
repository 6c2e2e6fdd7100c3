interface Lease<Stamp> {
  /** The claim's time as last written by this process: the claim is still ours while its row has it. */
  stamp: Stamp;
  timer: NodeJS.Timeout;
  /** The renewal in flight, awaited before the claim is closed so the two writes cannot cross. */
  renewing: Promise<void>;
}

/**
 * Claims this process holds on rows that others take over once they look abandoned (an idempotency key whose request
 * never finished). "Abandoned" must mean the process died, not that the work is slow: so each held claim is renewed
 * on a timer until it is let go. `renew` moves the row's time from the stamp it is given and answers the new stamp,
 * or null when the row no longer has that stamp (taken over while this process was frozen): renewing then stops, and
 * the stale stamp `letGo` hands back makes the caller's closing write, conditional on it, write nothing.
 */
export class RenewedClaims<Stamp> {
  private readonly leases = new Map<string, Lease<Stamp>>();

  constructor(private readonly heartbeatMs: number) {}

  hold(id: string, stamp: Stamp, renew: (stamp: Stamp) => Promise<Stamp | null>): void {
    const previous = this.leases.get(id);
    if (previous) clearInterval(previous.timer);
    const lease: Lease<Stamp> = { stamp, renewing: Promise.resolve(), timer: undefined as unknown as NodeJS.Timeout };
    lease.timer = setInterval(() => {
      lease.renewing = lease.renewing.then(async () => {
        if (this.leases.get(id) !== lease) return;
        try {
          const renewed = await renew(lease.stamp);
          if (renewed === null) clearInterval(lease.timer);
          else lease.stamp = renewed;
        } catch {
          // The database is unreachable for now; the next beat tries again, and the claim's age decides meanwhile.
        }
      });
    }, this.heartbeatMs);
    // Work left hanging must not keep the process alive on its own.
    lease.timer.unref();
    this.leases.set(id, lease);
  }

  /** Stops renewing the claim and answers its stamp as this process last wrote it; undefined when none is held. */
  async letGo(id: string): Promise<Stamp | undefined> {
    const lease = this.leases.get(id);
    if (!lease) return undefined;
    clearInterval(lease.timer);
    this.leases.delete(id);
    await lease.renewing;
    return lease.stamp;
  }
}
