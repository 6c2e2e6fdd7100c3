import { LengowTransportTimeout, type LengowTransport } from './lengow-transport.js';

/** A fetch-compatible function as a transport, so tests can observe or stub what the connector sends. */
export function fetchLengowTransport(fetchImpl: typeof fetch): LengowTransport {
  return async (url, { method, headers, body, timeoutMs }) => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new LengowTransportTimeout(timeoutMs)), timeoutMs);
    // The reason given to abort(), whatever a stub or fetch itself rejected with once the signal fired.
    const timedOut = (error: unknown) => (controller.signal.aborted ? controller.signal.reason : error);
    let response: Response;
    try {
      response = await fetchImpl(url, {
        method,
        headers,
        body,
        signal: controller.signal,
        redirect: 'error', // a redirect could carry the token to another host
      });
    } catch (error) {
      clearTimeout(timer);
      throw timedOut(error);
    }
    return {
      status: response.status,
      headers: response.headers,
      text: async () => {
        try {
          return await response.text();
        } catch (error) {
          throw timedOut(error);
        } finally {
          clearTimeout(timer);
        }
      },
    };
  };
}
