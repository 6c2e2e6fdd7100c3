import type { AppConfig } from '../config/app-config.js';

const PROBE_TIMEOUT_MS = 1500;

/**
 * The URL of an engine answering /health at this configuration's HOST:PORT on this machine, or null. Only a local
 * server can be seen this way; one on another host sharing a PostgreSQL database cannot.
 */
export async function runningServerUrl(config: AppConfig): Promise<string | null> {
  const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? '127.0.0.1' : config.HOST;
  if (config.PORT === 0) return null;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${config.PORT}`;
  try {
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    const body = (await response.json()) as { status?: unknown; info?: unknown; error?: unknown };
    // Terminus answers 200 or 503 with this shape; anything else on that port is not our engine.
    return typeof body?.status === 'string' && ('info' in body || 'error' in body) ? url : null;
  } catch {
    return null;
  }
}
