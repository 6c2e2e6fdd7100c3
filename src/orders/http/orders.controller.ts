import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port.js';
import { HttpProblem } from '../../http/http-problem.js';
import { streamRevision } from '../../event-store/stream-revision.js';
import { ProblemDetailsSchema } from '../../http/problem-details.schema.js';
import { QueryValidationPipe } from '../../http/query-validation.pipe.js';
import { RequireRole } from '../../http/require-role.decorator.js';
import { revisionETag } from '../../http/revision-etag.js';
import { orderKeyOf, orderStreamName, type OrderKey } from '../domain/order-key.js';
import type { OverviewFilter, OverviewListQuery } from '../projections/overview-query.js';
import { OrderReadSide } from './order-read-side.js';
import {
  OverviewFilterQuery,
  OverviewListQueryDto,
  ReplayQueryDto,
  StateAtQueryDto,
  TimelineQueryDto,
} from './order-queries.dto.js';
import {
  COUNTERS_SCHEMA,
  ORDER_DETAIL_SCHEMA,
  OVERVIEW_PAGE_SCHEMA,
  REPLAY_SCHEMA,
  STATE_AT_SCHEMA,
  TIMELINE_PAGE_SCHEMA,
} from './order-schemas.js';

const ORDER_PARAMS = [
  ApiParam({ name: 'marketplace', example: 'amazon_fr', description: 'Lengow marketplace code' }),
  ApiParam({ name: 'marketplaceOrderId', example: '402-1234567-1234567' }),
  ApiNotFoundResponse({ description: 'The engine has never seen this order', type: ProblemDetailsSchema }),
];
const orderParams = (): MethodDecorator => (target, key, descriptor) => {
  for (const decorate of ORDER_PARAMS) decorate(target, key, descriptor);
};

function notFound(key: OrderKey): HttpProblem {
  return new HttpProblem(404, 'ORDER_NOT_FOUND', 'Not Found', `no order ${orderStreamName(key)} is known`);
}

/** The overview (list, counters), one order with its timeline, and its audit (state at a point, replay). */
@ApiTags('orders')
@RequireRole('viewer')
@Controller('api/orders')
export class OrdersController {
  constructor(
    private readonly readSide: OrderReadSide,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Get()
  @ApiOperation({ summary: 'List orders: filters, sort, cursor pagination' })
  @ApiOkResponse({ schema: OVERVIEW_PAGE_SCHEMA })
  async list(@Query(QueryValidationPipe) query: OverviewListQueryDto) {
    const position = this.readSide.overviewPosition();
    const page = await this.readSide.overview.list({ ...query } as OverviewListQuery);
    return { ...page, position };
  }

  @Get('counters')
  @ApiOperation({
    summary:
      'Order counts by import state, action state, progress, marketplace and Lengow status; stock not decremented',
  })
  @ApiOkResponse({ schema: COUNTERS_SCHEMA })
  counters(@Query(QueryValidationPipe) query: OverviewFilterQuery) {
    return this.readSide.overview.counters({ ...query } as OverviewFilter);
  }

  @Get(':marketplace/:marketplaceOrderId')
  @orderParams()
  @ApiOperation({
    summary: 'One order: its overview row, timeline and the action requests it waits on (ETag: stream revision)',
  })
  @ApiOkResponse({ schema: ORDER_DETAIL_SCHEMA })
  async one(
    @Param('marketplace') marketplace: string,
    @Param('marketplaceOrderId') marketplaceOrderId: string,
    @Query(QueryValidationPipe) query: TimelineQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const key = orderKeyOf(marketplace, marketplaceOrderId);
    const [overview, timeline, revision, deferredActionRequests] = await Promise.all([
      this.readSide.overview.get(key),
      this.readSide.timeline.page(key, query),
      streamRevision(this.store, orderStreamName(key)),
      this.readSide.waitingActionRequests(key),
    ]);
    if (revision < 0) throw notFound(key);
    reply.header('etag', revisionETag(revision));
    return { overview, revision, timeline, deferredActionRequests };
  }

  @Get(':marketplace/:marketplaceOrderId/timeline')
  @orderParams()
  @ApiOperation({ summary: "The order's events, page by page, with who did what and why" })
  @ApiOkResponse({ schema: TIMELINE_PAGE_SCHEMA })
  async timeline(
    @Param('marketplace') marketplace: string,
    @Param('marketplaceOrderId') marketplaceOrderId: string,
    @Query(QueryValidationPipe) query: TimelineQueryDto,
  ) {
    const key = orderKeyOf(marketplace, marketplaceOrderId);
    const page = await this.readSide.timeline.page(key, query);
    if (page.entries.length === 0 && (await streamRevision(this.store, page.stream)) < 0) throw notFound(key);
    return page;
  }

  @Get(':marketplace/:marketplaceOrderId/state')
  @orderParams()
  @ApiOperation({
    summary: 'The order as it was at a revision (`?revision=`) or an instant (`?at=`); now without either',
  })
  @ApiOkResponse({ schema: STATE_AT_SCHEMA })
  async stateAt(
    @Param('marketplace') marketplace: string,
    @Param('marketplaceOrderId') marketplaceOrderId: string,
    @Query(QueryValidationPipe) query: StateAtQueryDto,
  ) {
    if (query.revision !== undefined && query.at !== undefined) {
      throw new HttpProblem(400, 'VALIDATION_FAILED', 'Bad Request', 'give revision or at, not both', {
        errors: [{ field: 'query.at', message: 'query parameter at cannot be combined with revision' }],
      });
    }
    const key = orderKeyOf(marketplace, marketplaceOrderId);
    const point = query.at !== undefined ? { at: query.at } : { revision: query.revision ?? Number.MAX_SAFE_INTEGER };
    const state = await this.readSide.audit.stateAt(key, point);
    if (state.revision < 0 && state.laterEvents === 0) throw notFound(key);
    return state;
  }

  @Get(':marketplace/:marketplaceOrderId/replay')
  @orderParams()
  @ApiOperation({ summary: 'Replay the order event by event: the summary and overview after each, and what changed' })
  @ApiOkResponse({ schema: REPLAY_SCHEMA })
  async replay(
    @Param('marketplace') marketplace: string,
    @Param('marketplaceOrderId') marketplaceOrderId: string,
    @Query(QueryValidationPipe) query: ReplayQueryDto,
  ) {
    const key = orderKeyOf(marketplace, marketplaceOrderId);
    const replay = await this.readSide.audit.replay(key, query);
    if (replay.steps.length === 0 && (await streamRevision(this.store, replay.stream)) < 0) throw notFound(key);
    return replay;
  }
}
