import { randomUUID } from 'node:crypto';
import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiBody,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { principalOf, type RequestWithPrincipal } from '../../http/api-key.guard.js';
import { HttpCommandRunner, type CommandAnswer } from '../../http/http-command-runner.js';
import { ProblemDetailsSchema } from '../../http/problem-details.schema.js';
import { QueryValidationPipe } from '../../http/query-validation.pipe.js';
import { RequireRole } from '../../http/require-role.decorator.js';
import type { WaitingReactionsResult } from '../../interfaces/catalogue/reaction-commands.js';
import {
  ReplayParkedEventsPayloadDto,
  ReplayParkedShopChangesPayloadDto,
} from '../../interfaces/catalogue/reaction-payloads.js';
import {
  LIST_WAITING_REACTIONS,
  REPLAY_PARKED_EVENTS,
  REPLAY_PARKED_SHOP_CHANGES,
} from '../../interfaces/catalogue/reactions.catalogue.js';
import {
  REPLAY_PARKED_EVENTS_SCHEMA,
  REPLAY_PARKED_SHOP_CHANGES_SCHEMA,
  WAITING_REACTIONS_SCHEMA,
} from './reactions-schemas.js';

const asIs = (result: unknown): CommandAnswer => ({ body: result });

export class WaitingReactionsQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 200, description: 'Rows listed per kind' })
  @IsOptional()
  @Type(() => Number)
  @Min(1, { message: 'limit must be at least 1' })
  @Max(1000, { message: 'limit must be at most 1000' })
  @IsInt({ message: 'limit must be a whole number' })
  limit?: number;
}

/**
 * What the reactions could not finish on their own, for anyone who can read orders, and its re-drive for operators
 * once the cause is fixed (Lengow back, the shop fixed, a bug deployed away). Deferred action requests have no
 * replay: the engine asks again by itself, with backoff, until they go through.
 */
@ApiTags('reactions')
@RequireRole('viewer')
@Controller('api/reactions')
export class ReactionsController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly commands: HttpCommandRunner,
  ) {}

  @Get()
  @ApiOperation({ summary: LIST_WAITING_REACTIONS.description, operationId: LIST_WAITING_REACTIONS.name })
  @ApiOkResponse({ schema: WAITING_REACTIONS_SCHEMA })
  list(
    @Query(QueryValidationPipe) query: WaitingReactionsQuery,
    @Req() request: FastifyRequest,
  ): Promise<WaitingReactionsResult> {
    const { actor } = principalOf(request as unknown as RequestWithPrincipal);
    return this.commandBus.execute(
      LIST_WAITING_REACTIONS.build({ limit: query.limit }, { commandId: randomUUID(), actor }),
    ) as Promise<WaitingReactionsResult>;
  }

  @Post('parked-events/:consumer/replay')
  @HttpCode(200)
  @RequireRole(REPLAY_PARKED_EVENTS.role)
  @ApiParam({ name: 'consumer', example: 'saga:ShopOrderSagas', description: 'The consumer that parked the events' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiOperation({ summary: REPLAY_PARKED_EVENTS.description, operationId: REPLAY_PARKED_EVENTS.name })
  @ApiBody({ type: ReplayParkedEventsPayloadDto, required: false, description: '`{}` replays them all' })
  @ApiOkResponse({ schema: REPLAY_PARKED_EVENTS_SCHEMA })
  @ApiNotFoundResponse({
    description: 'No consumer of that name runs here, or it has no parked event of that id',
    type: ProblemDetailsSchema,
  })
  replayEvents(
    @Param('consumer') consumer: string,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.commands.run(REPLAY_PARKED_EVENTS, { request, reply, body, params: { consumer }, present: asIs });
  }

  @Post('parked-shop-changes/replay')
  @HttpCode(200)
  @RequireRole(REPLAY_PARKED_SHOP_CHANGES.role)
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiOperation({ summary: REPLAY_PARKED_SHOP_CHANGES.description, operationId: REPLAY_PARKED_SHOP_CHANGES.name })
  @ApiBody({ type: ReplayParkedShopChangesPayloadDto, required: false, description: '`{}` replays them all' })
  @ApiOkResponse({ schema: REPLAY_PARKED_SHOP_CHANGES_SCHEMA })
  @ApiNotFoundResponse({ description: 'No shop change of that id is parked', type: ProblemDetailsSchema })
  replayShopChanges(
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.commands.run(REPLAY_PARKED_SHOP_CHANGES, { request, reply, body, present: asIs });
  }
}
