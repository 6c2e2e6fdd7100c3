export interface HttpApiOptions {
  /** Pause between SSE heartbeat comments; 15 s by default (under the usual 30–60 s proxy idle timeouts). */
  readonly sseHeartbeatMs?: number;
}

export const HTTP_API_OPTIONS = Symbol('HTTP_API_OPTIONS');
