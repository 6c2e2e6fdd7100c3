import type { AppModuleOptions } from '../../app.module.js';
import { startEngine, type RunningEngine } from '../../boot/start-engine.js';
import { loadConfig } from '../../config/load-config.js';
import type { LengowClientTuning } from '../../lengow/lengow.module.js';
import { silentLogger, type Logger } from '../../logging/logger.js';
import type { OrdersImportModuleOptions } from '../../orders/import/orders-import.module.js';
import type { OrdersReactionsOptions } from '../../orders/integration/reactions-options.js';
import type { HttpApiOptions } from '../http-api-options.js';

export interface HttpEngineOptions {
  readonly logger?: Logger;
  readonly app?: Omit<AppModuleOptions, 'lengow'>;
  readonly http?: HttpApiOptions;
  /** Import pipeline options; the scheduled poll is off by default so tests import when they say so. */
  readonly imports?: OrdersImportModuleOptions;
  readonly reactions?: Partial<OrdersReactionsOptions>;
  /** The Lengow connector's timeouts and retries (e.g. no retries, for a fault to fail a call at once). */
  readonly lengow?: LengowClientTuning;
}

/** The whole engine (HTTP API included) for end-to-end tests, with test-friendly defaults. */
export async function startHttpEngine(env: NodeJS.ProcessEnv, options: HttpEngineOptions = {}): Promise<RunningEngine> {
  return startEngine(loadConfig(env), {
    logger: options.logger ?? silentLogger(),
    app: {
      ...options.app,
      http: { ...options.app?.http, ...options.http },
      import: { schedule: false, ...options.app?.import, ...options.imports },
      reactions: { ...options.app?.reactions, ...options.reactions },
      lengow: options.lengow,
    },
  });
}
