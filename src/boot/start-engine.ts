import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule, type AppModuleOptions } from '../app.module.js';
import { configureHttp } from '../http/configure-http.js';
import { acceptJsonBodiesOnly, createHttpAdapter } from '../http/http-adapter.js';
import type { LengowClientTuning } from '../lengow/lengow.module.js';
import { startSandbox, type Sandbox } from '../sandbox/sandbox-server.js';
import type { AppConfig } from '../config/app-config.js';
import { createLogger, type Logger } from '../logging/logger.js';
import { NestLogger } from '../logging/nest-logger.js';
import { BootError } from './boot-error.js';
import { prepareSandboxShop } from './prepare-sandbox-shop.js';
import { openInfrastructure } from './infrastructure.js';

export interface RunningEngine {
  app: NestFastifyApplication;
  /** Base URL HTTP listens on. */
  url: string;
  logger: Logger;
  /** The built-in Lengow emulator, when this engine started one. */
  sandbox?: Sandbox;
  close(): Promise<void>;
}

export interface StartEngineOptions {
  logger?: Logger;
  /**
   * Overrides for tests (e.g. reactors started by hand). The connection to Lengow is the boot's to choose (the
   * configured API or the emulator it started); only the connector's timeouts and retries can be given.
   */
  app?: Omit<AppModuleOptions, 'lengow'> & { lengow?: LengowClientTuning };
}

/** Boots the whole engine for a validated configuration: databases, event store, HTTP. */
export async function startEngine(
  config: AppConfig,
  options: StartEngineOptions | Logger = {},
): Promise<RunningEngine> {
  const { logger = createLogger({ level: config.LOG_LEVEL }), app: appOptions = {} } =
    'info' in options ? { logger: options as Logger } : (options as StartEngineOptions);
  const infrastructure = await openInfrastructure(config, logger);
  let sandbox: Sandbox | undefined;
  let app: NestFastifyApplication | undefined;
  try {
    if (config.sandboxEnabled) sandbox = await startBuiltInSandbox(config, logger);
    const connection = sandbox ? { baseUrl: sandbox.url, accessToken: 'sandbox', secret: 'sandbox' } : undefined;
    app = await NestFactory.create<NestFastifyApplication>(
      AppModule.register(infrastructure, {
        ...appOptions,
        lengow: { ...appOptions.lengow, connection },
      }),
      createHttpAdapter(),
      { logger: new NestLogger(logger), abortOnError: false, bodyParser: false },
    );
    acceptJsonBodiesOnly(app);
    configureHttp(app);
    // The emulator's orders refer to its catalogue fixture: the built-in shop must know those products (and have
    // carriers for their countries) before the first import runs. Command handlers are registered during init; the
    // scheduled import's first run waits a couple of seconds after it.
    if (sandbox) {
      await app.init();
      await prepareSandboxShop(app);
    }
    await app.listen(config.PORT, config.HOST);
  } catch (error) {
    await app?.close().catch(() => undefined);
    await sandbox?.close();
    await infrastructure.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new BootError(`port ${config.PORT} on ${config.HOST} is already in use (set PORT)`);
    if (code === 'EACCES') throw new BootError(`not allowed to listen on port ${config.PORT} (set PORT)`);
    throw error;
  }
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const url = `http://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${port}`;
  logger.info({ url }, 'engine started');
  return {
    app,
    url,
    logger,
    sandbox,
    close: async () => {
      await app.close();
      await sandbox?.close();
      await infrastructure.close();
    },
  };
}

async function startBuiltInSandbox(config: AppConfig, logger: Logger): Promise<Sandbox> {
  try {
    const sandbox = await startSandbox({
      host: '127.0.0.1',
      port: config.SANDBOX_PORT,
      seed: config.SANDBOX_SEED,
      orderCount: config.SANDBOX_ORDERS,
      logger: logger.child({ component: 'sandbox' }),
    });
    // SANDBOX=on runs it even beside credentials, which then go unused: say which case this is.
    const why = config.SANDBOX === 'on' ? 'SANDBOX=on' : 'no Lengow credentials set';
    logger.info(
      { url: sandbox.url, orders: config.SANDBOX_ORDERS },
      `built-in Lengow emulator started (${why}); the engine talks to it, not to Lengow`,
    );
    return sandbox;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new BootError(`emulator port ${config.SANDBOX_PORT} is already in use (set SANDBOX_PORT, or SANDBOX=off)`);
    throw new BootError(`cannot start the Lengow emulator: ${(error as Error).message}`);
  }
}
