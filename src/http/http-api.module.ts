import { Inject, Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { APP_FILTER, HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { APP_CONFIG } from '../app.tokens.js';
import type { AppConfig } from '../config/app-config.js';
import { SQL_DATABASE, type SqlDatabase } from '../database/sql-database.port.js';
import { PROJECTION_COMMAND_HANDLERS } from '../interfaces/catalogue/index.js';
import { REACTION_COMMAND_PROVIDERS } from '../interfaces/catalogue/reaction-command-handlers.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { OrderChangeStream } from '../orders/http/order-change-stream.js';
import { OrderCommandsController } from '../orders/http/order-commands.controller.js';
import { OrderReadSide } from '../orders/http/order-read-side.js';
import { OrdersController } from '../orders/http/orders.controller.js';
import { ProjectionsController } from '../orders/http/projections.controller.js';
import { ReactionsController } from '../orders/http/reactions.controller.js';
import { ShopOrdersController } from '../orders/http/shop-orders.controller.js';
import { OrderEventsController } from '../orders/http/order-events.controller.js';
import { SettingsController } from '../settings/http/settings.controller.js';
import { ShopCarriersController } from '../settings/http/shop-carriers.controller.js';
import { ApiKeyAuthenticator } from './api-key-authenticator.js';
import { ApiKeyGuard } from './api-key.guard.js';
import { AuthController } from './auth.controller.js';
import { authenticateBeforeBody } from './authenticate-before-body.js';
import { HTTP_API_OPTIONS, type HttpApiOptions } from './http-api-options.js';
import { HttpCommandRunner } from './http-command-runner.js';
import { IdempotencyStore } from '../interfaces/idempotency-store.js';
import { OpenApiWarning } from './open-api-warning.js';
import { ProblemDetailsFilter } from './problem-details.filter.js';
import { QueryValidationPipe } from './query-validation.pipe.js';
import { RouteTable } from './route-table.js';

const ROUTE_TABLE_HOOK = Symbol('ROUTE_TABLE_HOOK');
const EARLY_AUTHENTICATION_HOOK = Symbol('EARLY_AUTHENTICATION_HOOK');

/**
 * The HTTP API under /api: order and settings controllers, API-key guard, problem+json exception filter (global:
 * router-level 404/405/413/415 too), idempotency keys, and metrics at /metrics. Needs the global APP_CONFIG, LOGGER,
 * EVENT_STORE and SQL_DATABASE (InfrastructureModule), `CqrsModule.forRoot()`, the modules whose commands it sends,
 * and the Fastify adapter. Call `configureHttp(app)` before `listen` for the OpenAPI document and Swagger UI.
 */
@Module({})
export class HttpApiModule implements OnModuleInit {
  constructor(@Inject(IdempotencyStore) private readonly idempotency: IdempotencyStore) {}

  static register(options: HttpApiOptions = {}): DynamicModule {
    return {
      module: HttpApiModule,
      imports: [MetricsModule],
      // The events and command routes first: static segments (`events`, `import`) before the `:marketplace` ones.
      controllers: [
        OrderEventsController,
        OrderCommandsController,
        OrdersController,
        ProjectionsController,
        ReactionsController,
        ShopOrdersController,
        SettingsController,
        ShopCarriersController,
        AuthController,
      ],
      providers: [
        { provide: HTTP_API_OPTIONS, useValue: options },
        {
          provide: ApiKeyAuthenticator,
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => new ApiKeyAuthenticator(config.API_KEYS),
        },
        ApiKeyGuard,
        OpenApiWarning,
        RouteTable,
        {
          // Built before Nest registers routes, so every route (Nest's and Fastify's own) reaches the table.
          provide: ROUTE_TABLE_HOOK,
          inject: [HttpAdapterHost, RouteTable],
          useFactory: (host: HttpAdapterHost, routes: RouteTable) => {
            const fastify = host.httpAdapter?.getInstance<FastifyInstance>();
            fastify?.addHook('onRoute', (route) => routes.add(route.method, route.url));
            return true;
          },
        },
        {
          provide: EARLY_AUTHENTICATION_HOOK,
          inject: [HttpAdapterHost, ApiKeyAuthenticator],
          useFactory: (host: HttpAdapterHost, authenticator: ApiKeyAuthenticator) => {
            const fastify = host.httpAdapter?.getInstance<FastifyInstance>();
            if (fastify) authenticateBeforeBody(fastify, authenticator);
            return true;
          },
        },
        {
          provide: IdempotencyStore,
          inject: [SQL_DATABASE],
          useFactory: (db: SqlDatabase) => new IdempotencyStore(db),
        },
        HttpCommandRunner,
        OrderChangeStream,
        OrderReadSide,
        // Until the read module offers them itself: the maintenance commands of the catalogue.
        ...PROJECTION_COMMAND_HANDLERS,
        // The reactions' parked and deferred work: listed and replayed through the catalogue (HTTP, NATS).
        ...REACTION_COMMAND_PROVIDERS,
        QueryValidationPipe,
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
      ],
      exports: [ApiKeyAuthenticator, HttpCommandRunner],
    };
  }

  async onModuleInit(): Promise<void> {
    await this.idempotency.init();
  }
}
