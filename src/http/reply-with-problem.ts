import type { FastifyReply } from 'fastify';
import type { MappedProblem } from './error-to-problem.js';
import { PROBLEM_CONTENT_TYPE } from './http-problem.js';

/** Writes a mapped problem as the answer: its status and headers, `application/problem+json`, the JSON body. */
export function replyWithProblem(
  reply: FastifyReply,
  { problem, headers }: Pick<MappedProblem, 'problem' | 'headers'>,
) {
  return reply
    .status(problem.status)
    .headers({ ...headers, 'content-type': PROBLEM_CONTENT_TYPE })
    .send(JSON.stringify(problem));
}
