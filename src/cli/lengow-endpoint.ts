import type { AppConfig } from '../config/app-config.js';
import type { LengowConnection } from '../lengow/lengow.module.js';
import type { Logger } from '../logging/logger.js';
import { startSandbox, type Sandbox } from '../sandbox/sandbox-server.js';

/** Which Lengow the CLI talks to for this run. */
export interface LengowEndpoint {
  /** Connection for the LengowModule; undefined = the configured LENGOW_API_URL and credentials. */
  connection?: LengowConnection;
  /** `lengow` (configured credentials), `server-emulator` or `private-emulator`. */
  kind: 'lengow' | 'server-emulator' | 'private-emulator';
  /** An emulator this process started; closed with the session. */
  privateSandbox?: Sandbox;
  /** Base URL, for messages (never carries credentials). */
  url: string;
}

const PROBE_TIMEOUT_MS = 1500;

/**
 * Real Lengow when credentials are configured. In sandbox mode the server's emulator owns the orders (and the actions
 * the server sends), so the CLI uses it when it answers at 127.0.0.1:$SANDBOX_PORT; only when nothing answers does it
 * start a private emulator with the server's seed and order count — the caller tells the operator, because orders
 * and actions of a private emulator vanish when the command ends.
 */
export async function resolveLengowEndpoint(config: AppConfig, logger: Logger): Promise<LengowEndpoint> {
  if (!config.sandboxEnabled) return { kind: 'lengow', url: config.LENGOW_API_URL };
  if (config.SANDBOX_PORT !== 0) {
    const url = `http://127.0.0.1:${config.SANDBOX_PORT}`;
    if (await isEmulator(url)) {
      return { kind: 'server-emulator', url, connection: emulatorConnection(url) };
    }
  }
  const sandbox = await startSandbox({
    host: '127.0.0.1',
    port: 0,
    seed: config.SANDBOX_SEED,
    orderCount: config.SANDBOX_ORDERS,
    logger: logger.child({ component: 'sandbox' }),
  });
  return {
    kind: 'private-emulator',
    url: sandbox.url,
    connection: emulatorConnection(sandbox.url),
    privateSandbox: sandbox,
  };
}

/** The engine's emulator accepts any credential pair unless pinned; the boot uses this one too. */
export function emulatorConnection(url: string): LengowConnection {
  return { baseUrl: url, accessToken: 'sandbox', secret: 'sandbox' };
}

/** True when `url` is a Lengow emulator: it answers the admin catalogue route (static, so probing costs nothing). */
export async function isEmulator(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url.replace(/\/+$/, '')}/_sandbox/catalogue`, {
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    });
    if (!response.ok) return false;
    const body = (await response.json()) as unknown;
    return typeof body === 'object' && body !== null && Array.isArray((body as { products?: unknown }).products);
  } catch {
    return false;
  }
}
