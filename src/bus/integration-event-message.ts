import type { RecordedEvent } from '../event-store/event-store.port.js';
import { encodeJson } from './encode-json.js';

/** The JSON body of an integration event: the stored event as it is, with its place in the log. */
export interface IntegrationEventBody {
  /** The event id: the same on every republish, so consumers de-duplicate by it (JetStream does too, by header). */
  id: string;
  type: string;
  stream: string;
  revision: number;
  position: string;
  recordedAt: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

export interface IntegrationEventMessage {
  subject: string;
  msgId: string;
  headers: Record<string, string>;
  data: Uint8Array;
}

/**
 * `<prefix>.evt.<EventType>`. Event types are PascalCase words; anything that would split or widen a subject (dots,
 * spaces, wildcards) becomes `_`, so a strange type can never publish onto someone else's subject.
 */
export function integrationEventSubject(prefix: string, type: string): string {
  const token = type.replace(/[^A-Za-z0-9_-]/g, '_') || '_';
  return `${prefix}.evt.${token}`;
}

const HEADER_VALUE = /^[\x20-\x7e]{1,500}$/;

export function integrationEventMessage(prefix: string, event: RecordedEvent): IntegrationEventMessage {
  const body: IntegrationEventBody = {
    id: event.id,
    type: event.type,
    stream: event.stream,
    revision: event.revision,
    position: event.position,
    recordedAt: event.recordedAt,
    data: event.data,
    metadata: event.metadata,
  };
  return {
    subject: integrationEventSubject(prefix, event.type),
    msgId: event.id,
    // Enough to route or filter without parsing the body; a value a header cannot carry is left to the body.
    headers: Object.fromEntries(
      Object.entries({ 'Lengow-Event-Type': event.type, 'Lengow-Stream': event.stream }).filter(([, value]) =>
        HEADER_VALUE.test(value),
      ),
    ),
    data: encodeJson(body),
  };
}
