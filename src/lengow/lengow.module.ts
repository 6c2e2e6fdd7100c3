import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_CONFIG, LOGGER } from '../app.tokens.js';
import type { AppConfig } from '../config/app-config.js';
import type { Logger } from '../logging/logger.js';
import { HttpLengowApi } from './http-lengow-api.js';
import { LENGOW_API } from './lengow-api.port.js';

export interface LengowConnection {
  baseUrl: string;
  accessToken: string;
  secret: string;
}

/** Provides LENGOW_API: the HTTP connector, pointed at Lengow or at the emulator the boot started. */
@Global()
@Module({})
export class LengowModule {
  static register(connection?: LengowConnection): DynamicModule {
    return {
      module: LengowModule,
      providers: [
        {
          provide: LENGOW_API,
          inject: [APP_CONFIG, LOGGER],
          useFactory: (config: AppConfig, logger: Logger) =>
            new HttpLengowApi({
              baseUrl: connection?.baseUrl ?? config.LENGOW_API_URL,
              accessToken: connection?.accessToken ?? config.LENGOW_ACCESS_TOKEN ?? '',
              secret: connection?.secret ?? config.LENGOW_SECRET ?? '',
              logger: logger.child({ component: 'lengow' }),
            }),
        },
      ],
      exports: [LENGOW_API],
    };
  }
}
