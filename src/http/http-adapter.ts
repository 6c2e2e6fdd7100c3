import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { countRouterRefusal } from '../metrics/install-http-metrics.js';
import { errorToProblem } from './error-to-problem.js';
import { replyWithProblem } from './reply-with-problem.js';

/** The largest request body the API reads (a command's JSON is a few KB; a settings document a few hundred). */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * The longest path segment the router matches, as sent: Node's own limit on a request's head (16 KiB), so the router
 * never refuses a segment for its length and every route validates its parameters itself (an order id has at most 200
 * characters, named in a 400). Fastify's default of 100 left orders with longer ids out of reach of their own routes.
 */
export const MAX_PARAM_LENGTH = 16 * 1024;

/**
 * The Fastify adapter of the engine's HTTP server. A path the router refuses before any route or hook runs (not valid
 * percent-encoded UTF-8) is answered as problem details like every other error, and counted.
 */
export function createHttpAdapter(): FastifyAdapter {
  return new FastifyAdapter({
    bodyLimit: MAX_BODY_BYTES,
    maxParamLength: MAX_PARAM_LENGTH,
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      const mapped = errorToProblem(error);
      countRouterRefusal(reply.server, request.method, mapped.problem.status);
      void replyWithProblem(reply, mapped);
    },
  });
}

/**
 * Bodies are read as JSON only, so anything else is refused with 415 before a route runs. Nest would also parse
 * `application/x-www-form-urlencoded`, and Fastify `text/plain`: both are what a plain HTML form on any web page can
 * make a browser send without a CORS preflight, so with the API open (no API_KEYS) such a page could ship, cancel or
 * refund orders. Call on an application created with `bodyParser: false`, before it is initialised.
 */
export function acceptJsonBodiesOnly(app: NestFastifyApplication): void {
  app.useBodyParser('application/json', { bodyLimit: MAX_BODY_BYTES });
  app.getHttpAdapter().getInstance().removeContentTypeParser('text/plain');
}
