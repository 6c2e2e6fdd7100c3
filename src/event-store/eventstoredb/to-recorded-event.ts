import type { AllStreamResolvedEvent, ResolvedEvent } from '@eventstore/db-client';
import type { RecordedEvent } from '../event-store.port.js';
import { fromEsdbMetadata } from './esdb-metadata.js';
import { encodeEsdbPosition } from './esdb-global-position.js';
import { fromEsdbRevision } from './esdb-revision.js';
import { EsdbPositionMissing } from './esdb-position-missing.error.js';

/**
 * Our events are always JSON objects. Events written by other tools may carry JSON scalars/arrays or binary data;
 * they are wrapped rather than dropped so a read never fails on them.
 */
function toData(data: unknown): Record<string, unknown> {
  if (data instanceof Uint8Array) return { binary: Buffer.from(data).toString('base64') };
  if (data !== null && typeof data === 'object' && !Array.isArray(data)) return data as Record<string, unknown>;
  return { value: data };
}

/**
 * A client event → ours: bigint revision → number, `{commit, prepare}` → padded string, `created` → ISO recordedAt,
 * metadata names mapped back. Returns undefined for an unresolved link (no `event`), which we never read on purpose.
 */
export function toRecordedEvent(resolved: ResolvedEvent | AllStreamResolvedEvent): RecordedEvent | undefined {
  const event = resolved.event;
  if (!event) return undefined;
  const revision = fromEsdbRevision(event.revision);
  // Servers before 22.6 only report the commit position on stream reads; prepare equals commit for every event written
  // through gRPC (only legacy TCP transactions differ), which is what other clients assume too.
  const position =
    event.position ??
    (resolved.commitPosition !== undefined
      ? { commit: resolved.commitPosition, prepare: resolved.commitPosition }
      : undefined);
  if (!position) throw new EsdbPositionMissing(event.streamId, revision);
  return {
    id: event.id,
    stream: event.streamId,
    revision,
    position: encodeEsdbPosition(position),
    type: event.type,
    data: toData(event.data),
    metadata: fromEsdbMetadata(event.metadata),
    recordedAt: event.created.toISOString(),
  };
}
