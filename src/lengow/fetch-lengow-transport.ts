import type { LengowTransport } from './lengow-transport.js';

/** A fetch-compatible function as a transport, so tests can observe or stub what the connector sends. */
export function fetchLengowTransport(fetchImpl: typeof fetch): LengowTransport {
  return (url, { method, headers, body, signal }) =>
    fetchImpl(url, {
      method,
      headers,
      body,
      signal,
      redirect: 'error', // a redirect could carry the token to another host
    });
}
