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
    const issued = { token: randomUUID(), accountId, expiresAtMs: this.now() + this.lifetimeMs };
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

  get activeCount(): number {
    const at = this.now();
    return [...this.tokens.values()].filter((t) => t.expiresAtMs > at).length;
  }
}
