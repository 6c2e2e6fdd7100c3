/**
 * The one HTTP exchange the Lengow connector needs. Kept this narrow so the default (undici's request API on a
 * keep-alive agent) and a test's fetch-compatible stub are interchangeable, and so the connector's retry, timeout
 * and error rules live in one place whatever carries the bytes.
 */

export interface LengowTransportRequest {
  method: 'GET' | 'POST' | 'PATCH';
  headers: Record<string, string>;
  body?: string;
  /**
   * The route's whole timeout, request and body: past it the call, or the reading of its body, rejects with
   * LengowTransportTimeout. Each transport keeps its own clock, the cheapest its client allows.
   */
  timeoutMs: number;
}

/** The exchange outlived its `timeoutMs`; the request (or its body) was abandoned. */
export class LengowTransportTimeout extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no complete answer within ${timeoutMs} ms`);
    this.name = 'LengowTransportTimeout';
  }
}

export interface LengowTransportResponse {
  status: number;
  /** Case-insensitive; repeated headers joined with ", " as fetch does; null when absent. */
  headers: { get(name: string): string | null };
  /** Reads the whole body; the connector always calls it, which is what frees the connection. */
  text(): Promise<string>;
}

/** Resolves with any HTTP status, rejects only when no response arrived (network failure or timeout). */
export type LengowTransport = (url: string, request: LengowTransportRequest) => Promise<LengowTransportResponse>;
