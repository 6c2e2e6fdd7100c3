/** A session token and the account it belongs to, as `POST /access/get_token` returns them. */
export interface Session {
  token: string;
  accountId: number;
  /** Epoch milliseconds at which the token was obtained. */
  obtainedAt: number;
}

/**
 * Holds the current session token. The token is reused until `reuseMs` after it was obtained (the plugins use 3000 s
 * of a 3600 s lifetime), callers arriving while a fetch is in flight share that fetch, and a token reported as
 * refused is dropped only if it is still the current one, so a burst of 401s triggers one refresh, not one each.
 */
export class TokenSession {
  private current: Session | null = null;
  private pending: Promise<Session> | null = null;

  constructor(
    private readonly fetchSession: () => Promise<Omit<Session, 'obtainedAt'>>,
    private readonly reuseMs: number,
    private readonly now: () => number,
  ) {}

  /** The current token, fetching a new one when there is none or it is too old. */
  async get(): Promise<Session> {
    if (this.current && this.now() - this.current.obtainedAt < this.reuseMs) return this.current;
    if (!this.pending) {
      const startedAt = this.now();
      this.pending = this.fetchSession()
        .then((session) => {
          this.current = { ...session, obtainedAt: startedAt };
          return this.current;
        })
        .finally(() => {
          this.pending = null;
        });
    }
    return this.pending;
  }

  /** The current token without fetching one; for scrubbing text that might echo it. */
  peekToken(): string | null {
    return this.current?.token ?? null;
  }

  /** Forgets `token` if it is still current: the server refused it. */
  invalidate(token: string): void {
    if (this.current?.token === token) this.current = null;
  }
}
