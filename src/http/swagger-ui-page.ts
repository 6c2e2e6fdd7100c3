import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FastifyInstance } from 'fastify';

/** The swagger-ui-dist files the page loads; nothing else of that folder is served. */
const ASSETS: Readonly<Record<string, string>> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'application/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

/** swagger-ui-dist as @nestjs/swagger resolves it (its dependency, not ours). */
function swaggerUiFolder(): string {
  const require = createRequire(import.meta.url);
  const fromSwagger = createRequire(require.resolve('@nestjs/swagger'));
  return dirname(fromSwagger.resolve('swagger-ui-dist/package.json'));
}

function page(base: string, documentUrl: string): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>lengow-sync API</title>
  <link rel="stylesheet" href="${base}/swagger-ui.css">
  <link rel="icon" type="image/png" href="${base}/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui" data-url="${documentUrl}"></div>
  <script src="${base}/swagger-ui-bundle.js"></script>
  <script src="${base}/swagger-ui-standalone-preset.js"></script>
  <script src="${base}/swagger-initializer.js"></script>
</body>
</html>`;
}

const INITIALIZER = `window.addEventListener('load', function () {
  var root = document.getElementById('swagger-ui');
  window.ui = SwaggerUIBundle({
    url: root.getAttribute('data-url'),
    dom_id: '#swagger-ui',
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: 'StandaloneLayout',
    persistAuthorization: true
  });
});
`;

/**
 * Serves Swagger UI at `base` from the swagger-ui-dist files @nestjs/swagger ships. SwaggerModule's own UI needs
 * @fastify/static on Fastify (not installed here, and its absence ends the process), so the page, a fixed list of
 * assets and an initializer script (no inline script, CSP-friendly) are served by three plain routes instead.
 */
export function serveSwaggerUi(fastify: FastifyInstance, base: string, documentUrl: string): void {
  const folder = swaggerUiFolder();
  const html = page(base, documentUrl);
  fastify.get(base, async (_request, reply) => reply.type('text/html; charset=utf-8').send(html));
  fastify.get(`${base}/swagger-initializer.js`, async (_request, reply) =>
    reply.type('application/javascript; charset=utf-8').send(INITIALIZER),
  );
  fastify.get<{ Params: { asset: string } }>(`${base}/:asset`, async (request, reply) => {
    const type = ASSETS[request.params.asset];
    if (!type) return reply.callNotFound();
    const content = await readFile(join(folder, request.params.asset));
    return reply.type(type).header('cache-control', 'public, max-age=86400').send(content);
  });
}
