import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ApiKeyAuthenticator } from './api-key-authenticator.js';
import { identifyCaller, type RequestWithPrincipal } from './api-key.guard.js';
import { errorToProblem } from './error-to-problem.js';
import { replyWithProblem } from './reply-with-problem.js';

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * With API keys configured, a request that may carry a body to the API is authenticated before its body is read:
 * Nest's guard runs only once Fastify has parsed up to a megabyte of JSON, and a caller without a valid key would
 * get that body validated (its mistakes named) before hearing it is not allowed at all. The key found is left on the
 * request, so the route's guard checks only the role. Every write route of the API is guarded, so none is closed
 * by this that was open.
 */
export function authenticateBeforeBody(fastify: FastifyInstance, authenticator: ApiKeyAuthenticator): void {
  if (authenticator.open) return;
  fastify.addHook('onRequest', async (request: FastifyRequest, reply) => {
    if (!WITH_BODY.has(request.method) || !request.url.startsWith('/api/')) return;
    const caller = request as unknown as RequestWithPrincipal;
    try {
      caller.principal = identifyCaller(authenticator, caller.headers);
    } catch (error) {
      return replyWithProblem(reply, errorToProblem(error));
    }
  });
}
