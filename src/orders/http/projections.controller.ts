import { Body, Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiConflictResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HttpCommandRunner, type CommandAnswer } from '../../http/http-command-runner.js';
import { ProblemDetailsSchema } from '../../http/problem-details.schema.js';
import { RequireRole } from '../../http/require-role.decorator.js';
import type { CatalogueEntry } from '../../interfaces/catalogue/catalogue-entry.js';
import {
  REBUILD_PROJECTION,
  RESUME_PROJECTION,
  VERIFY_PROJECTION,
} from '../../interfaces/catalogue/projection.catalogue.js';
import { VerifyProjectionPayloadDto } from '../../interfaces/catalogue/projection-payloads.js';
import { OrderReadSide } from './order-read-side.js';
import { COMMAND_RESULT_SCHEMA } from './order-schemas.js';

const asIs = (result: unknown): CommandAnswer => ({ body: result });

const maintenance =
  (entry: CatalogueEntry<object>): MethodDecorator =>
  (target, key, descriptor) => {
    for (const decorate of [
      HttpCode(200),
      RequireRole(entry.role),
      ApiParam({ name: 'projection', example: 'order-overview' }),
      ApiHeader({ name: 'Idempotency-Key', required: false }),
      ApiOperation({ summary: entry.description, operationId: entry.name }),
      ApiOkResponse({ schema: COMMAND_RESULT_SCHEMA }),
      ApiNotFoundResponse({ description: 'No projection of that name', type: ProblemDetailsSchema }),
      ApiConflictResponse({ description: 'Already rebuilding, or not running', type: ProblemDetailsSchema }),
    ])
      decorate(target, key, descriptor);
  };

/** The read models' state for anyone who can read orders; rebuild, verify and resume for admins. */
@ApiTags('projections')
@RequireRole('viewer')
@Controller('api/projections')
export class ProjectionsController {
  constructor(
    private readonly readSide: OrderReadSide,
    private readonly commands: HttpCommandRunner,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Every read model: state, position, lag, rebuild progress, last error' })
  @ApiOkResponse({ schema: { type: 'array', items: { type: 'object', additionalProperties: true } } })
  status() {
    return this.readSide.maintenance.status();
  }

  @Post(':projection/rebuild')
  @maintenance(REBUILD_PROJECTION)
  rebuild(
    @Param('projection') projection: string,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.commands.run(REBUILD_PROJECTION, { request, reply, body, params: { projection }, present: asIs });
  }

  @Post(':projection/verify')
  @maintenance(VERIFY_PROJECTION)
  @ApiBody({ type: VerifyProjectionPayloadDto, required: false })
  verify(
    @Param('projection') projection: string,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.commands.run(VERIFY_PROJECTION, { request, reply, body, params: { projection }, present: asIs });
  }

  @Post(':projection/resume')
  @maintenance(RESUME_PROJECTION)
  resume(
    @Param('projection') projection: string,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.commands.run(RESUME_PROJECTION, { request, reply, body, params: { projection }, present: asIs });
  }
}
