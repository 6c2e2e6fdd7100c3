import { randomUUID } from 'node:crypto';

export interface IssuedToken {
  token: string;
  accountId: number;
  expiresAtMs: number;
}

export type TokenCheck = { ok: true; token: IssuedToken } | { ok: false; reason: 'unknown' | 'expired' };

/** Tokens handed out by `/access/get_token`, checked against the sandbox clock. */
export class TokenStore {
  private tokens = new Map<string, IssuedToken>();

  constructor(
    private readonly lifetimeMs: number,
    private readonly now: () => number,
  ) {}

  issue(accountId: number): IssuedToken {
    const now = this.now();
    // A client fetches a token about every lifetime for as long as it runs. Forgetting one a lifetime after it expired
    // bounds the store, while a client still holding it is told "expired" rather than "invalid" for that long.
    for (const [token, held] of this.tokens) if (held.expiresAtMs <= now - this.lifetimeMs) this.tokens.delete(token);
    const issued = { token: randomUUID(), accountId, expiresAtMs: now + this.lifetimeMs };
    this.tokens.set(issued.token, issued);
    return issued;
  }

  check(token: string): TokenCheck {
    const issued = this.tokens.get(token);
    if (!issued) return { ok: false, reason: 'unknown' };
    if (this.now() >= issued.expiresAtMs) return { ok: false, reason: 'expired' };
    return { ok: true, token: issued };
  }

  /** Every token issued so far expires now; new ones can be fetched as usual. */
  expireAll(): number {
    const at = this.now();
    let count = 0;
    for (const issued of this.tokens.values()) {
      if (issued.expiresAtMs > at) count++;
      issued.expiresAtMs = at;
    }
    return count;
  }

  /** Tokens remembered, expired or not. */
  get storedCount(): number {
    return this.tokens.size;
  }

  get activeCount(): number {
    const at = this.now();
    return [...this.tokens.values()].filter((t) => t.expiresAtMs > at).length;
  }
}
