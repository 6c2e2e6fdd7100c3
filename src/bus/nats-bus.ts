import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { APP_CONFIG, LOGGER } from '../app.tokens.js';
import { BootError } from '../boot/boot-error.js';
import type { AppConfig } from '../config/app-config.js';
import { SQL_DATABASE, type SqlDatabase } from '../database/sql-database.port.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port.js';
import { IdempotencyStore } from '../interfaces/idempotency-store.js';
import type { Logger } from '../logging/logger.js';
import { NATS_BUS_OPTIONS, type NatsBusOptions } from './nats-bus-options.js';
import { NatsCommandResponder } from './nats-command-responder.js';
import { NatsConnectionManager } from './nats-connection-manager.js';
import { NatsEventPublisher } from './nats-event-publisher.js';
import { parseNatsServerUrl } from './nats-server-url.js';

/**
 * The engine's NATS presence: command request/reply and the integration event publisher over one connection. Off
 * (no connection attempted, nothing started) unless `NATS_URL` is set.
 *
 * NATS unreachable at boot does not stop the engine: the first attempt is awaited, then retries go on in the
 * background while HTTP, imports and actions work; commands are answered and events flow once NATS is there. A
 * malformed `NATS_URL` is a configuration error and fails the boot with one line.
 */
@Injectable()
export class NatsBus implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private connections?: NatsConnectionManager;
  private responderInstance?: NatsCommandResponder;
  private publisherInstance?: NatsEventPublisher;
  private readonly logger: Logger;

  constructor(
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'NATS_URL'>,
    @Inject(NATS_BUS_OPTIONS) private readonly options: NatsBusOptions,
    private readonly commandBus: CommandBus,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SQL_DATABASE) private readonly db: SqlDatabase,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.logger = logger.child({ component: 'nats-bus' });
  }

  get enabled(): boolean {
    return Boolean(this.config.NATS_URL);
  }

  get isConnected(): boolean {
    return this.connections?.isConnected ?? false;
  }

  /** Present when the bus is enabled and publishes events. */
  get publisher(): NatsEventPublisher | undefined {
    return this.publisherInstance;
  }

  get responder(): NatsCommandResponder | undefined {
    return this.responderInstance;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.NATS_URL) return;
    let server;
    try {
      server = parseNatsServerUrl(this.config.NATS_URL);
    } catch (error) {
      throw new BootError(`invalid NATS_URL: ${(error as Error).message}`);
    }
    const { options, logger } = this;
    const idempotency = new IdempotencyStore(this.db, options.commandIds);
    await idempotency.init();
    const connections = new NatsConnectionManager({
      server,
      name: options.connectionName,
      connectTimeoutMs: options.connectTimeoutMs,
      reconnectDelayMs: options.reconnectDelayMs,
      logger,
    });
    this.connections = connections;
    const responder = new NatsCommandResponder({
      subjectPrefix: options.subjectPrefix,
      queueGroup: options.queueGroup,
      commandBus: this.commandBus,
      store: this.store,
      idempotency,
      logger,
    });
    this.responderInstance = responder;
    connections.onConnection((connection) => responder.attach(connection));
    if (options.events.enabled) {
      this.publisherInstance = new NatsEventPublisher({
        store: this.store,
        db: this.db,
        connections,
        subjectPrefix: options.subjectPrefix,
        events: options.events,
        logger,
      });
    }
    await connections.start();
    logger.info(
      { servers: server.display, commands: responder.subject, connected: connections.isConnected },
      'NATS bus started',
    );
    if (options.events.autoStart) await this.publisherInstance?.start();
  }

  /** In order: no new requests (those in progress are answered), the publisher stops, the connection drains. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.responderInstance?.stop();
    await this.publisherInstance?.stop();
    await this.connections?.close();
  }
}
