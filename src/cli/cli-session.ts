import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { BootError } from '../boot/boot-error.js';
import { openInfrastructure } from '../boot/infrastructure.js';
import { loadConfig } from '../config/load-config.js';
import { NestLogger } from '../logging/nest-logger.js';
import { seedFromSandboxCatalogue } from '../shop/seed-from-sandbox-catalogue.js';
import { SHOP, type Shop } from '../shop/shop.port.js';
import type { CliIo } from './cli-io.js';
import { CliEngineModule } from './cli-engine.module.js';
import { cliLogger, type CliStores } from './cli-stores.js';
import { emulatorConnection, resolveLengowEndpoint, type LengowEndpoint } from './lengow-endpoint.js';

/** The engine as one CLI command sees it: same configuration, same databases, no HTTP listener, no background work. */
export interface CliSession extends CliStores {
  readonly app: INestApplicationContext;
  /** Set when the command talks to Lengow. */
  readonly lengow?: LengowEndpoint;
  close(): Promise<void>;
}

export interface CliSessionOptions {
  /** The command calls Lengow: resolve credentials or an emulator first. */
  lengow?: boolean;
  /**
   * Talk to this emulator (e.g. the one `sandbox seed` fills) instead of resolving one. The connector must point
   * somewhere that works: in sandbox mode the configuration has no credentials of its own.
   */
  emulatorUrl?: string;
  debug?: boolean;
}

/**
 * Opens what the server opens (loadConfig from the same environment, openInfrastructure) and composes the engine's
 * command side in a Nest application context (CliEngineModule: the app's feature modules, background work off).
 */
export async function openCliSession(io: CliIo, options: CliSessionOptions = {}): Promise<CliSession> {
  const config = loadConfig(io.env);
  const logger = cliLogger(io, options.debug ?? false);
  const infrastructure = await openInfrastructure(config, logger);
  let lengow: LengowEndpoint | undefined;
  let app: INestApplicationContext | undefined;
  try {
    if (options.emulatorUrl !== undefined) {
      lengow = {
        kind: 'server-emulator',
        url: options.emulatorUrl,
        connection: emulatorConnection(options.emulatorUrl),
      };
    } else if (options.lengow) {
      lengow = await resolveLengowEndpoint(config, logger);
      if (lengow.kind === 'private-emulator') {
        io.stderr.write(
          `note: no Lengow emulator answers at 127.0.0.1:${config.SANDBOX_PORT}; started a private one at ${lengow.url} ` +
            `(seed ${config.SANDBOX_SEED}, ${config.SANDBOX_ORDERS} orders) for this command only\n`,
        );
      }
    }
    // The engine's Lengow connector is built with the context, whether or not the command calls Lengow.
    if (!lengow && !(config.LENGOW_ACCESS_TOKEN && config.LENGOW_SECRET)) {
      throw new BootError(
        'no Lengow connection: LENGOW_ACCESS_TOKEN and LENGOW_SECRET are not set and no emulator was resolved',
      );
    }
    app = await NestFactory.createApplicationContext(CliEngineModule.register(infrastructure, lengow?.connection), {
      logger: new NestLogger(logger),
      abortOnError: false,
    });
    // As at the server's boot: emulator orders refer to the emulator's catalogue, which the shop must know. Seeding
    // only adds what is missing, so running it again here changes nothing the server or an operator set.
    if (options.lengow && lengow && lengow.kind !== 'lengow')
      await app.get<Shop>(SHOP).seed(seedFromSandboxCatalogue());
  } catch (error) {
    await app?.close().catch(() => undefined);
    await lengow?.privateSandbox?.close().catch(() => undefined);
    await infrastructure.close();
    // No command ran yet: whatever stopped the engine from being put together (a connector that cannot be built, a
    // shop that cannot be seeded) is a failure to run (exit 4), never the engine refusing a command, even when the
    // error class has a 4xx mapping of its own.
    if (error instanceof BootError) throw error;
    const code = (error as { code?: unknown })?.code;
    const reason = `${typeof code === 'string' ? `${code}: ` : ''}${(error as Error)?.message ?? String(error)}`;
    throw new BootError(`cannot start the engine for this command: ${reason}`, { cause: error });
  }
  const context = app;
  return {
    config,
    logger,
    infrastructure,
    app: context,
    lengow,
    close: async () => {
      await context.close().catch((error: unknown) => logger.warn({ err: error }, 'closing the application context'));
      await lengow?.privateSandbox?.close().catch(() => undefined);
      await infrastructure.close();
    },
  };
}
