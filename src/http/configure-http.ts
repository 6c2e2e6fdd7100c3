import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { FieldErrorSchema, ProblemDetailsSchema } from './problem-details.schema.js';
import { serveSwaggerUi } from './swagger-ui-page.js';

export const API_DOCS_PATH = '/api/docs';
export const API_DOCS_JSON_PATH = '/api/docs-json';

/**
 * What the HTTP API needs from the application object itself, once, between NestFactory.create and listen: the
 * OpenAPI document (JSON at /api/docs-json, Swagger UI at /api/docs). The exception filter, guard, metrics hooks and
 * routes come with HttpApiModule.
 */
export function configureHttp(app: NestFastifyApplication): void {
  const config = new DocumentBuilder()
    .setTitle('lengow-sync API')
    .setDescription(
      'Orders imported from Lengow, their timelines, the commands that re-drive them, and the order settings. ' +
        'Authenticate with an API key (X-API-Key or Authorization: ApiKey <key>); roles: viewer < operator < admin. ' +
        'Errors are application/problem+json. Commands accept Idempotency-Key; order and settings commands accept ' +
        'If-Match: W/"<revision>" (412 when stale).',
    )
    .setVersion('1')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' }, 'api-key')
    .build();
  const document = () =>
    SwaggerModule.createDocument(app, config, { extraModels: [ProblemDetailsSchema, FieldErrorSchema] });
  SwaggerModule.setup(API_DOCS_PATH, app, document, { ui: false, raw: ['json'], jsonDocumentUrl: API_DOCS_JSON_PATH });
  serveSwaggerUi(app.getHttpAdapter().getInstance(), API_DOCS_PATH, API_DOCS_JSON_PATH);
}
