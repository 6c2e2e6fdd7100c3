import type { EventMetadata } from '../event-store.port.js';

/**
 * Our metadata → what is stored with the event. correlationId/causationId are stored under the names EventStoreDB
 * itself uses (`$correlationId`, read by the server's `$by_correlation_id` projection; `$causationId` by convention), so
 * server-side tooling sees them; everything else is stored as given.
 */
export function toEsdbMetadata(metadata: EventMetadata | undefined): Record<string, unknown> {
  const { correlationId, causationId, ...rest } = metadata ?? {};
  const stored: Record<string, unknown> = { ...rest };
  if (correlationId !== undefined) stored.$correlationId = correlationId;
  if (causationId !== undefined) stored.$causationId = causationId;
  return stored;
}

/**
 * Stored metadata → ours: `$correlationId`/`$causationId` come back as correlationId/causationId. Metadata that is not
 * a JSON object (binary or foreign events) reads as empty rather than failing the read.
 */
export function fromEsdbMetadata(stored: unknown): EventMetadata {
  if (stored === null || typeof stored !== 'object' || Array.isArray(stored) || stored instanceof Uint8Array) return {};
  const { $correlationId, $causationId, ...rest } = stored as Record<string, unknown>;
  const metadata: EventMetadata = { ...rest };
  if (metadata.correlationId === undefined && typeof $correlationId === 'string')
    metadata.correlationId = $correlationId;
  if (metadata.causationId === undefined && typeof $causationId === 'string') metadata.causationId = $causationId;
  return metadata;
}
