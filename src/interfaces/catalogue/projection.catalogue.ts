import { defineCommand } from './catalogue-entry.js';
import { RebuildProjection, ResumeProjection, VerifyProjection } from './projection-commands.js';
import { ProjectionNamePayloadDto, VerifyProjectionPayloadDto } from './projection-payloads.js';

/** Read-model maintenance: admin only, since a rebuild reads the whole log. */

export const REBUILD_PROJECTION = defineCommand({
  name: 'rebuild-projection',
  description: 'Rebuild a read model from the first event beside the live tables, then switch over (blue-green)',
  payload: ProjectionNamePayloadDto,
  role: 'admin',
  concurrency: 'none',
  build: (payload, metadata) => new RebuildProjection({ projection: payload.projection }, metadata),
});

export const VERIFY_PROJECTION = defineCommand({
  name: 'verify-projection',
  description: 'Compare every overview row with a fresh fold of its stream and report each field that differs',
  payload: VerifyProjectionPayloadDto,
  role: 'admin',
  concurrency: 'none',
  build: (payload, metadata) => new VerifyProjection({ ...payload }, metadata),
});

export const RESUME_PROJECTION = defineCommand({
  name: 'resume-projection',
  description: 'Restart a read model stopped on an event it could not apply, once the cause is fixed',
  payload: ProjectionNamePayloadDto,
  role: 'admin',
  concurrency: 'none',
  build: (payload, metadata) => new ResumeProjection({ projection: payload.projection }, metadata),
});
