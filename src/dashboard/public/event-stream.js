import { authHeaders } from './api.js';

// Server-sent events read with fetch rather than EventSource: EventSource cannot send the X-API-Key header, and putting
// the key in the URL would leak it into logs and history. The parsing follows the SSE rules (event, data, id, retry,
// comments, blank line dispatches) and a reconnect sends Last-Event-ID, so no change is missed across drops.
// A resume position the engine refuses (its event store was reset, or the id came from another store) is dropped:
// the stream starts again from now, and reports 'reconnecting' then 'open' like after a drop, so that the views read
// their data again: the changes in between are lost to the stream.

/**
 * @param {string} path
 * @param {{ onEvent: (event: {type: string, data: string, id: string|null}) => void,
 *           onState?: (state: 'connecting'|'open'|'reconnecting'|'unauthorized'|'closed') => void }} handlers
 * @returns {{ close(): void }}
 */
export function openEventStream(path, { onEvent, onState = () => {} }) {
  const url = new URL(path, location.origin);
  let lastEventId = null;
  let retryMs = 2000;
  let failures = 0;
  let closed = false;
  let controller = null;
  let timer = null;

  const onKeyChanged = () => {
    if (closed) return;
    controller?.abort();
    clearTimeout(timer);
    timer = setTimeout(connect, 0);
  };
  document.addEventListener('api-key-changed', onKeyChanged);

  async function connect() {
    if (closed) return;
    controller = new AbortController();
    onState(failures === 0 ? 'connecting' : 'reconnecting');
    // An empty id is the server clearing the position (SSE rules): no header then, as EventSource does.
    const resuming = Boolean(lastEventId) || url.searchParams.has('from');
    try {
      const response = await fetch(url.pathname + url.search, {
        headers: {
          Accept: 'text/event-stream',
          ...authHeaders(),
          ...(lastEventId ? { 'Last-Event-ID': lastEventId } : {}),
        },
        cache: 'no-store',
        signal: controller.signal,
      });
      if (response.status === 401 || response.status === 403) {
        // The page's own requests ask for a key; the stream waits for one (api-key-changed) instead of looping.
        onState('unauthorized');
        return;
      }
      // Any other 4xx is the engine refusing this request as such, so sending it again can never work; when it
      // carried a position, that position is the likely culprit (INVALID_POSITION). 429 only asks to slow down.
      if (resuming && response.status >= 400 && response.status < 500 && response.status !== 429) {
        response.body?.cancel().catch(() => {});
        lastEventId = null;
        url.searchParams.delete('from');
        failures = Math.max(failures, 1);
        timer = setTimeout(connect, 0);
        return;
      }
      if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
      failures = 0;
      onState('open');
      await readEvents(response.body);
    } catch (error) {
      if (closed || error?.name === 'AbortError') return;
    }
    if (closed) return;
    failures += 1;
    onState('reconnecting');
    // Back off up to 30 s so a stopped engine is not hammered, with jitter so many tabs do not reconnect in step.
    const delay = Math.min(30_000, retryMs * 2 ** Math.min(failures - 1, 4)) * (0.75 + Math.random() / 2);
    timer = setTimeout(connect, delay);
  }

  async function readEvents(body) {
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    let type = '';
    let data = [];
    let id = null;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let match;
      while ((match = /\r\n|\r|\n/.exec(buffer))) {
        // A lone \r at the very end may be the first half of \r\n: wait for the next chunk.
        if (match[0] === '\r' && match.index === buffer.length - 1) break;
        const line = buffer.slice(0, match.index);
        buffer = buffer.slice(match.index + match[0].length);
        if (line === '') {
          if (id !== null) lastEventId = id;
          if (data.length > 0) onEvent({ type: type || 'message', data: data.join('\n'), id: lastEventId });
          type = '';
          data = [];
          id = null;
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon === -1 ? line : line.slice(0, colon);
        let fieldValue = colon === -1 ? '' : line.slice(colon + 1);
        if (fieldValue.startsWith(' ')) fieldValue = fieldValue.slice(1);
        if (field === 'event') type = fieldValue;
        else if (field === 'data') data.push(fieldValue);
        else if (field === 'id' && !fieldValue.includes('\0')) id = fieldValue;
        else if (field === 'retry' && /^\d+$/.test(fieldValue)) retryMs = Number(fieldValue);
      }
    }
  }

  connect();
  return {
    close() {
      closed = true;
      clearTimeout(timer);
      controller?.abort();
      document.removeEventListener('api-key-changed', onKeyChanged);
      onState('closed');
    },
  };
}
