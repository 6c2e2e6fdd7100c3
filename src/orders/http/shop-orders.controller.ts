import { Body, Controller, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiConflictResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HttpCommandRunner, type CommandAnswer } from '../../http/http-command-runner.js';
import { ProblemDetailsSchema } from '../../http/problem-details.schema.js';
import { RequireRole } from '../../http/require-role.decorator.js';
import type { CatalogueEntry } from '../../interfaces/catalogue/catalogue-entry.js';
import {
  MARK_SHOP_ORDER_CANCELED,
  MARK_SHOP_ORDER_REFUNDED,
  MARK_SHOP_ORDER_SHIPPED,
} from '../../interfaces/catalogue/order-action.catalogue.js';
import {
  MarkShopOrderCanceledPayload,
  MarkShopOrderRefundedPayload,
  MarkShopOrderShippedPayload,
} from '../../interfaces/catalogue/order-action-payloads.js';
import type { ShopCommandResult } from '../integration/mark-shop-order-commands.js';
import { COMMAND_RESULT_SCHEMA } from './order-schemas.js';

const asIs = (result: ShopCommandResult): CommandAnswer => ({ body: result });

const merchantCommand =
  (entry: CatalogueEntry<object>, payload: new () => object): MethodDecorator =>
  (target, key, descriptor) => {
    for (const decorate of [
      HttpCode(200),
      RequireRole(entry.role),
      ApiParam({ name: 'shopOrderId', example: 'SO-000012', description: 'Shop order id or reference' }),
      ApiHeader({
        name: 'Idempotency-Key',
        required: false,
        description: 'Strongly advised: a retried request with the same key never ships, cancels or refunds twice',
      }),
      ApiOperation({ summary: entry.description, operationId: entry.name }),
      ApiBody({ type: payload }),
      ApiOkResponse({
        schema: COMMAND_RESULT_SCHEMA,
        description: '`changed` false: the shop already was in that state; `order`: the shop order now',
      }),
      ApiNotFoundResponse({ description: 'No such shop order', type: ProblemDetailsSchema }),
      ApiConflictResponse({ description: 'The shop order cannot move to that state', type: ProblemDetailsSchema }),
      ApiUnprocessableEntityResponse({
        description: 'A line or quantity the order does not have',
        type: ProblemDetailsSchema,
      }),
    ])
      decorate(target, key, descriptor);
  };

/**
 * The merchant's changes to shop orders (what the shop's back office would do): recorded in the shop's change feed,
 * from which the engine sends ship, cancel or refund to Lengow.
 */
@ApiTags('shop orders')
@RequireRole('operator')
@Controller('api/shop-orders')
export class ShopOrdersController {
  constructor(private readonly commands: HttpCommandRunner) {}

  @Post(':shopOrderId/ship')
  @merchantCommand(MARK_SHOP_ORDER_SHIPPED, MarkShopOrderShippedPayload)
  ship(
    @Param('shopOrderId') shopOrderId: string,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.commands.run(MARK_SHOP_ORDER_SHIPPED, { request, reply, body, params: { shopOrderId }, present: asIs });
  }

  @Post(':shopOrderId/cancel')
  @merchantCommand(MARK_SHOP_ORDER_CANCELED, MarkShopOrderCanceledPayload)
  cancel(
    @Param('shopOrderId') shopOrderId: string,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.commands.run(MARK_SHOP_ORDER_CANCELED, {
      request,
      reply,
      body,
      params: { shopOrderId },
      present: asIs,
    });
  }

  @Post(':shopOrderId/refund')
  @merchantCommand(MARK_SHOP_ORDER_REFUNDED, MarkShopOrderRefundedPayload)
  refund(
    @Param('shopOrderId') shopOrderId: string,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.commands.run(MARK_SHOP_ORDER_REFUNDED, {
      request,
      reply,
      body,
      params: { shopOrderId },
      present: asIs,
    });
  }
}
