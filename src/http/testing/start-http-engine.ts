import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule, type AppModuleOptions } from '../../app.module.js';
import { openInfrastructure } from '../../boot/infrastructure.js';
import { startEngine, type RunningEngine } from '../../boot/start-engine.js';
import { loadConfig } from '../../config/load-config.js';
import { silentLogger, type Logger } from '../../logging/logger.js';
import { NestLogger } from '../../logging/nest-logger.js';
import { OrdersImportModule, type OrdersImportModuleOptions } from '../../orders/import/orders-import.module.js';
import type { OrdersReactionsOptions } from '../../orders/integration/reactions-options.js';
import { OrdersReadModule } from '../../orders/projections/orders-read.module.js';
import { OrdersReactionsModule } from '../../orders/sagas/orders-reactions.module.js';
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
  /** The import pipeline, when the test composes it (the boot does not import it yet); schedule off by default. */
  readonly imports?: OrdersImportModuleOptions;
  /** The order reactions (sagas, pollers), when the test composes them. */
  readonly reactions?: Partial<OrdersReactionsOptions>;
}

type ModuleClass = abstract new (...args: never[]) => unknown;

/** Whether AppModule already imports `module` (plain or registered). */
function appModuleIncludes(module: ModuleClass): boolean {
  const probe = AppModule.register({} as never, {});
  return (probe.imports ?? []).some(
    (entry) => entry === module || (entry as DynamicModule | undefined)?.module === module,
  );
}

@Module({})
class HttpTestAppModule {
  static register(app: DynamicModule, options: HttpEngineOptions): DynamicModule {
    // Only what the boot does not wire yet, so nothing (a projection runner, a scheduler) ever runs twice.
    const missing: DynamicModule[] = [];
    if (!appModuleIncludes(OrdersReadModule)) missing.push(OrdersReadModule.register());
    if (!appModuleIncludes(OrdersImportModule)) {
      missing.push(OrdersImportModule.register({ schedule: false, ...options.imports }));
    }
    if (!appModuleIncludes(OrdersReactionsModule)) missing.push(OrdersReactionsModule.register(options.reactions));
    return { module: HttpTestAppModule, imports: [app, ...missing, HttpApiModule.register(options.http ?? {})] };
  }
}

/**
 * The engine with the HTTP API, for end-to-end tests: `startEngine` itself once the boot imports HttpApiModule,
 * until then the same boot steps (infrastructure, emulator, shop seed, listen) with HttpApiModule composed in.
 */
export async function startHttpEngine(env: NodeJS.ProcessEnv, options: HttpEngineOptions = {}): Promise<RunningEngine> {
  const config = loadConfig(env);
  const logger = options.logger ?? silentLogger();
  if (appModuleIncludes(HttpApiModule)) return startEngine(config, { logger, app: options.app });

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
      HttpTestAppModule.register(AppModule.register(infrastructure, { ...options.app, lengow }), options),
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
