import type { LengowTransportRequest } from './lengow-transport.js';

/*
 * What crosses between the connector and its HTTP thread: plain values only. Requests and answers travel in batches,
 * everything one turn of the event loop gathered: a message costs its sender about as much as a small request's
 * worth of undici, so one per call would give back much of what the thread saves.
 */

export interface TransportThreadRequest {
  id: number;
  url: string;
  request: LengowTransportRequest;
}

export type ToTransportThread =
  | { type: 'requests'; requests: TransportThreadRequest[] }
  /** Let the requests in flight finish, answer them, close the connections, end the thread. */
  | { type: 'close' };

/** A rejected exchange as it crosses back: enough for the connector to classify it (timeout, network code). */
export interface TransportThreadError {
  name: string;
  /** The first string code along the error's cause chain (`ECONNREFUSED`, `UND_ERR_SOCKET`…), or its message. */
  code: string;
  /** Set for a LengowTransportTimeout. */
  timeoutMs?: number;
}

export type TransportThreadAnswer =
  | {
      id: number;
      ok: true;
      status: number;
      /** Lower-cased names; a repeated header joined with ", ". */
      headers: Record<string, string>;
      body: string;
    }
  | { id: number; ok: false; error: TransportThreadError };

export type FromTransportThread = { type: 'answers'; answers: TransportThreadAnswer[] } | { type: 'closed' };
