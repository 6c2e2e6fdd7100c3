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
/** Tokens remembered for scrubbing: a replaced token stays valid at Lengow for up to an hour, a few refreshes. */
const REMEMBERED_TOKENS = 16;

export class TokenSession {
  private current: Session | null = null;
  private pending: Promise<Session> | null = null;
  /** Every token held lately, current or replaced: an answer to a request sent with an old one may echo it. */
  private readonly held: string[] = [];

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
          if (!this.held.includes(session.token)) this.held.push(session.token);
          if (this.held.length > REMEMBERED_TOKENS) this.held.shift();
          return this.current;
        })
        .finally(() => {
          this.pending = null;
        });
    }
    return this.pending;
  }

  /** The tokens held lately, the current one included; for scrubbing text that might echo any of them. */
  heldTokens(): readonly string[] {
    return this.held;
  }

  /** Forgets `token` if it is still current: the server refused it. */
  invalidate(token: string): void {
    if (this.current?.token === token) this.current = null;
  }
}
