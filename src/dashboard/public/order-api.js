// How the order endpoints' answers map to what the order page shows.

/** The overview row of an order answer. */
export function orderFrom(body) {
  return body?.overview ?? body?.order ?? body;
}

/** Timeline entries with the metadata the page shows pulled up: who, correlation, causation. */
export function eventsFrom(body) {
  const list = Array.isArray(body) ? body : (body?.events ?? body?.items ?? []);
  return list
    .map((event) => ({
      ...event,
      actor: event.actor ?? event.metadata?.actor ?? null,
      correlationId: event.correlationId ?? event.metadata?.correlationId ?? null,
      causationId: event.causationId ?? event.metadata?.causationId ?? null,
    }))
    .sort((a, b) => a.revision - b.revision);
}

export function stateFrom(body) {
  return { overview: body?.overview ?? null, raw: body?.state ?? body };
}

/** Failures get a red dot in the timeline. */
export function isFailureEvent(type) {
  return /Failed|Rejected|TimedOut|Ignored/.test(type ?? '');
}

export function commandBody(payload) {
  return payload;
}
