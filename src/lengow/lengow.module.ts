import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, LOGGER } from '../app.tokens.js';
import type { AppConfig } from '../config/app-config.js';
import { SQL_DATABASE, type SqlDatabase } from '../database/sql-database.port.js';
import type { Logger } from '../logging/logger.js';
import { HttpLengowApi, type HttpLengowApiOptions } from './http-lengow-api.js';
import { LENGOW_API, type LengowApi } from './lengow-api.port.js';
import { SqlMarketplaceCatalogueStore } from './marketplace-catalogue-store.js';

export interface LengowConnection {
  baseUrl: string;
  accessToken: string;
  secret: string;
}

/**
 * How patient the connector is. Left out, HttpLengowApi's defaults apply (the plugins' per-route timeouts and
 * backoff); a test against the emulator's "slow" fault shortens them so a timed-out call costs milliseconds.
 */
export type LengowClientTuning = Pick<HttpLengowApiOptions, 'timeoutsMs' | 'retry'>;

export interface LengowModuleOptions extends LengowClientTuning {
  /** Where the connector points; the configured LENGOW_API_URL and credentials when absent. */
  connection?: LengowConnection;
}

/**
 * Provides LENGOW_API: the HTTP connector, pointed at Lengow or at the emulator the boot started. Being global, it
 * shuts down after the modules that call Lengow, and only then closes the connector's pooled connections. With the
 * engine's database (SQL_DATABASE) at hand, the marketplace list is kept there too, for restarts during an outage.
 */
@Global()
@Module({})
export class LengowModule implements OnApplicationShutdown {
  constructor(@Inject(LENGOW_API) private readonly api: LengowApi) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.api instanceof HttpLengowApi) await this.api.close();
  }

  static register({ connection, ...tuning }: LengowModuleOptions = {}): DynamicModule {
    return {
      module: LengowModule,
      providers: [
        {
          provide: LENGOW_API,
          inject: [APP_CONFIG, LOGGER, { token: SQL_DATABASE, optional: true }],
          useFactory: (config: AppConfig, logger: Logger, db: SqlDatabase | undefined) =>
            new HttpLengowApi({
              baseUrl: connection?.baseUrl ?? config.LENGOW_API_URL,
              accessToken: connection?.accessToken ?? config.LENGOW_ACCESS_TOKEN ?? '',
              secret: connection?.secret ?? config.LENGOW_SECRET ?? '',
              logger: logger.child({ component: 'lengow' }),
              timeoutsMs: tuning.timeoutsMs,
              retry: tuning.retry,
              ...(db ? { catalogueStore: new SqlMarketplaceCatalogueStore(db) } : {}),
            }),
        },
      ],
      exports: [LENGOW_API],
    };
  }
}
