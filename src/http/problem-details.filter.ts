import {
  Catch,
  HttpException,
  Inject,
  NotFoundException,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LOGGER } from '../app.tokens.js';
import type { Logger } from '../logging/logger.js';
import { errorToProblem } from './error-to-problem.js';
import { HttpProblem } from './http-problem.js';
import { replyWithProblem } from './reply-with-problem.js';
import { RouteTable } from './route-table.js';

/**
 * The one place an error becomes an HTTP answer: `application/problem+json` for everything (validation, domain, auth,
 * router-level 404/405/413/415, malformed JSON), and a generic 500 for anything unforeseen — whose real error is
 * logged here, never sent. `/health` keeps terminus' own JSON body, its monitoring contract.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  constructor(
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly routes: RouteTable,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (reply.sent || reply.raw.headersSent) {
      this.logger.warn(
        { err: exception, method: request.method, url: routeOf(request) },
        'error after the response started',
      );
      return;
    }
    if (exception instanceof HttpException && isHealth(request)) {
      reply.status(exception.getStatus()).send(exception.getResponse());
      return;
    }
    const mapped = errorToProblem(this.methodNotAllowed(exception, request));
    if (mapped.unexpected) {
      this.logger.error({ err: exception, method: request.method, url: routeOf(request) }, 'request failed');
    }
    void replyWithProblem(reply, mapped);
  }

  /** A 404 for a path that exists under other methods is a 405. */
  private methodNotAllowed(exception: unknown, request: FastifyRequest): unknown {
    if (!(exception instanceof NotFoundException) || request.routeOptions?.url) return exception;
    const allowed = this.routes.allowedMethods(request.url);
    if (allowed.length === 0 || allowed.includes(request.method)) return exception;
    return new HttpProblem(
      405,
      'METHOD_NOT_ALLOWED',
      'Method Not Allowed',
      `${request.method} is not served here; use ${allowed.join(', ')}`,
      {
        headers: { Allow: allowed.join(', ') },
      },
    );
  }
}

function isHealth(request: FastifyRequest): boolean {
  return request.url === '/health' || request.url.startsWith('/health?') || request.url.startsWith('/health/');
}

/** The route pattern when known (no ids, no query string with possibly sensitive values). */
function routeOf(request: FastifyRequest): string {
  return request.routeOptions?.url ?? request.url.split('?')[0];
}
