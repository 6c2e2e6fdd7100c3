import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from '../app.module.js';
import type { AppConfig } from '../config/app-config.js';
import { createLogger, type Logger } from '../logging/logger.js';
import { NestLogger } from '../logging/nest-logger.js';
import { BootError } from './boot-error.js';
import { openInfrastructure } from './infrastructure.js';

export interface RunningEngine {
  app: NestFastifyApplication;
  /** Base URL HTTP listens on. */
  url: string;
  logger: Logger;
  close(): Promise<void>;
}

/** Boots the whole engine for a validated configuration: databases, event store, HTTP. */
export async function startEngine(
  config: AppConfig,
  logger: Logger = createLogger({ level: config.LOG_LEVEL }),
): Promise<RunningEngine> {
  const infrastructure = await openInfrastructure(config, logger);
  let app: NestFastifyApplication;
  try {
    app = await NestFactory.create<NestFastifyApplication>(
      AppModule.register(infrastructure),
      new FastifyAdapter({ bodyLimit: 1024 * 1024 }),
      { logger: new NestLogger(logger), abortOnError: false },
    );
    await app.listen(config.PORT, config.HOST);
  } catch (error) {
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
    close: async () => {
      await app.close();
      await infrastructure.close();
    },
  };
}
