// How the order endpoints' answers map to what the order page shows.

/**
 * `GET /api/orders/:marketplace/:id` answers `{ overview, revision, timeline: { entries, nextRevision },
 * deferredActionRequests }`; the overview is null while the read model has not caught up with a new order. An engine
 * older than the deferred requests on the order page sends none: nothing waits, as far as the page can tell.
 */
export function orderFrom(body) {
  return {
    overview: body?.overview ?? null,
    revision: typeof body?.revision === 'number' ? body.revision : -1,
    entries: body?.timeline?.entries ?? [],
    nextRevision: body?.timeline?.nextRevision ?? null,
    deferredRequests: Array.isArray(body?.deferredActionRequests) ? body.deferredActionRequests : [],
  };
}

/** Timeline entries, newest first (the page asks for them backwards). */
export function eventsFrom(entries) {
  return [...entries].sort((a, b) => b.revision - a.revision);
}

/** Failures get a red dot in the timeline. */
export function isFailureEvent(type) {
  return /Failed|Rejected|TimedOut|Ignored/.test(type ?? '');
}

/** Actor ids as people read them: `api-key:3f2a…` → "API key 3f2a…", `saga:ship` → "engine (ship)". */
export function describeActor(actor) {
  if (!actor) return 'unknown';
  const [kind, ...rest] = String(actor).split(':');
  const name = rest.join(':');
  if (kind === 'system') return 'engine';
  if (kind === 'saga') return `engine (${name})`;
  if (kind === 'api-key') return `API key ${name}`;
  if (kind === 'operator') return name === 'anonymous' ? 'operator (no API key)' : `operator ${name}`;
  return actor;
}
