import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule, type AppModuleOptions } from '../../app.module.js';
import { openInfrastructure } from '../../boot/infrastructure.js';
import { startEngine, type RunningEngine } from '../../boot/start-engine.js';
import { loadConfig } from '../../config/load-config.js';
import { silentLogger, type Logger } from '../../logging/logger.js';
import { NestLogger } from '../../logging/nest-logger.js';
import { startSandbox, type Sandbox } from '../../sandbox/sandbox-server.js';
import { seedFromSandboxCatalogue } from '../../shop/seed-from-sandbox-catalogue.js';
import { SHOP, type Shop } from '../../shop/shop.port.js';
import { configureHttp } from '../configure-http.js';
import { HttpApiModule } from '../http-api.module.js';
import type { HttpApiOptions } from '../http-api-options.js';

export interface HttpEngineOptions {
  readonly logger?: Logger;
  readonly app?: Omit<AppModuleOptions, 'lengow'>;
  readonly http?: HttpApiOptions;
}

/** Whether AppModule already imports HttpApiModule (the boot is wired): then the real startEngine is used as is. */
function appModuleIncludesHttpApi(): boolean {
  const probe = AppModule.register({} as never, {});
  return (probe.imports ?? []).some((entry) => (entry as DynamicModule | undefined)?.module === HttpApiModule);
}

@Module({})
class HttpTestAppModule {
  static register(app: DynamicModule, http: HttpApiOptions): DynamicModule {
    return { module: HttpTestAppModule, imports: [app, HttpApiModule.register(http)] };
  }
}

/**
 * The engine with the HTTP API, for end-to-end tests: `startEngine` itself once the boot imports HttpApiModule,
 * until then the same boot steps (infrastructure, emulator, shop seed, listen) with HttpApiModule composed in.
 */
export async function startHttpEngine(env: NodeJS.ProcessEnv, options: HttpEngineOptions = {}): Promise<RunningEngine> {
  const config = loadConfig(env);
  const logger = options.logger ?? silentLogger();
  if (appModuleIncludesHttpApi()) return startEngine(config, { logger, app: options.app });

  const infrastructure = await openInfrastructure(config, logger);
  let sandbox: Sandbox | undefined;
  let app: NestFastifyApplication | undefined;
  try {
    if (config.sandboxEnabled) {
      sandbox = await startSandbox({
        host: '127.0.0.1',
        port: config.SANDBOX_PORT,
        seed: config.SANDBOX_SEED,
        orderCount: config.SANDBOX_ORDERS,
        logger,
      });
    }
    const lengow = sandbox ? { baseUrl: sandbox.url, accessToken: 'sandbox', secret: 'sandbox' } : undefined;
    app = await NestFactory.create<NestFastifyApplication>(
      HttpTestAppModule.register(AppModule.register(infrastructure, { ...options.app, lengow }), options.http ?? {}),
      new FastifyAdapter({ bodyLimit: 1024 * 1024 }),
      { logger: new NestLogger(logger), abortOnError: false },
    );
    configureHttp(app);
    if (sandbox) await app.get<Shop>(SHOP).seed(seedFromSandboxCatalogue());
    await app.listen(config.PORT, config.HOST);
  } catch (error) {
    await app?.close().catch(() => undefined);
    await sandbox?.close();
    await infrastructure.close();
    throw error;
  }
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const running = app;
  return {
    app: running,
    url: `http://127.0.0.1:${port}`,
    logger,
    sandbox,
    close: async () => {
      await running.close();
      await sandbox?.close();
      await infrastructure.close();
    },
  };
}
