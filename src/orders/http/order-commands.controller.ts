import { Body, Controller, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiConflictResponse,
  ApiExtraModels,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiPreconditionFailedResponse,
  ApiResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HttpCommandRunner, type CommandAnswer } from '../../http/http-command-runner.js';
import { ProblemDetailsSchema } from '../../http/problem-details.schema.js';
import { RequireRole } from '../../http/require-role.decorator.js';
import type { CatalogueEntry } from '../../interfaces/catalogue/catalogue-entry.js';
import {
  IMPORT_ORDER,
  IMPORT_ORDERS_NOW,
  REIMPORT_ORDER,
  RESYNCHRONIZE_ORDER,
} from '../../interfaces/catalogue/order-import.catalogue.js';
import { ImportOrdersNowPayload } from '../../interfaces/catalogue/order-import-payloads.js';
import {
  MARK_SHOP_ORDER_CANCELED,
  MARK_SHOP_ORDER_REFUNDED,
  MARK_SHOP_ORDER_SHIPPED,
  RESEND_ORDER_ACTION,
} from '../../interfaces/catalogue/order-action.catalogue.js';
import {
  MarkShopOrderCanceledPayload,
  MarkShopOrderRefundedPayload,
  MarkShopOrderShippedPayload,
  ResendOrderActionPayload,
} from '../../interfaces/catalogue/order-action-payloads.js';
import { RETRY_STOCK_DECREMENT } from '../../interfaces/catalogue/order-stock.catalogue.js';
import { HttpProblem } from '../../http/http-problem.js';
import { SHOP, type Shop } from '../../shop/shop.port.js';
import { orderKeyOf } from '../domain/order-key.js';
import type { OrderCommandResult } from '../commands/order-command-executor.js';
import { COMMAND_RESULT_SCHEMA } from './order-schemas.js';
import { presentImportRun } from './present-import-run.js';

type OrderParams = { marketplace: string; marketplaceOrderId: string };

const IDEMPOTENCY_KEY = ApiHeader({
  name: 'Idempotency-Key',
  required: false,
  description: 'Same key and body: the first answer again, nothing re-run; same key, other body: 422',
});
const IF_MATCH = ApiHeader({
  name: 'If-Match',
  required: false,
  description: 'W/"<revision>" (the order\'s ETag): 412 when the order changed since',
});
const ORDER_PATH = [
  ApiParam({ name: 'marketplace', example: 'amazon_fr' }),
  ApiParam({ name: 'marketplaceOrderId', example: '402-1234567-1234567' }),
];
const onOrder =
  (entry: CatalogueEntry<object>): MethodDecorator =>
  (target, key, descriptor) => {
    for (const decorate of [
      ...ORDER_PATH,
      IF_MATCH,
      IDEMPOTENCY_KEY,
      HttpCode(200),
      RequireRole(entry.role),
      ApiOperation({ summary: entry.description, operationId: entry.name }),
      ApiOkResponse({ schema: COMMAND_RESULT_SCHEMA }),
      ApiPreconditionFailedResponse({
        description: 'If-Match is not the current revision',
        type: ProblemDetailsSchema,
      }),
      ApiConflictResponse({
        description: 'The order is not in a state where this applies',
        type: ProblemDetailsSchema,
      }),
      ApiServiceUnavailableResponse({
        description: 'Lengow or the shop cannot be reached',
        type: ProblemDetailsSchema,
      }),
    ])
      decorate(target, key, descriptor);
  };

/** The result body as is (it is plain data); the ETag is the order's revision, read after the command. */
const asIs = (result: unknown): CommandAnswer => ({ body: result });

/** An order command's outcome without the folded state (large, and internal): what was appended, and where. */
const appendedOnOrder = (result: OrderCommandResult): CommandAnswer => ({
  revision: result.revision,
  body: {
    orderKey: result.orderKey,
    stream: result.stream,
    revision: result.revision,
    appended: result.appended.map((event) => event.type),
  },
});

/** Operator commands on orders: each is a catalogue entry, validated and sent the same way as over NATS or the CLI. */
@ApiTags('orders')
@RequireRole('operator')
@Controller('api/orders')
export class OrderCommandsController {
  constructor(
    private readonly commands: HttpCommandRunner,
    @Inject(SHOP) private readonly shop: Shop,
  ) {}

  @Post('import')
  @HttpCode(200)
  @IDEMPOTENCY_KEY
  @RequireRole(IMPORT_ORDERS_NOW.role)
  @ApiOperation({ summary: IMPORT_ORDERS_NOW.description, operationId: IMPORT_ORDERS_NOW.name })
  @ApiBody({ type: ImportOrdersNowPayload, required: false })
  @ApiOkResponse({ schema: COMMAND_RESULT_SCHEMA, description: 'The run report: window, outcome, counts' })
  @ApiConflictResponse({ description: 'Another import run is still going', type: ProblemDetailsSchema })
  @ApiResponse({
    status: 503,
    description: 'The run failed: Lengow or the shop unreachable (`run` holds its report); retry later',
    type: ProblemDetailsSchema,
  })
  @ApiResponse({
    status: 502,
    description: 'The run failed: Lengow refused the credentials',
    type: ProblemDetailsSchema,
  })
  importNow(@Body() body: unknown, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.commands.run(IMPORT_ORDERS_NOW, { request, reply, body, present: presentImportRun });
  }

  @Post(':marketplace/:marketplaceOrderId/import')
  @onOrder(IMPORT_ORDER)
  importOne(
    @Param() params: OrderParams,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.commands.run(IMPORT_ORDER, { request, reply, body, params: pick(params), present: asIs });
  }

  @Post(':marketplace/:marketplaceOrderId/reimport')
  @onOrder(REIMPORT_ORDER)
  reimport(
    @Param() params: OrderParams,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.commands.run(REIMPORT_ORDER, { request, reply, body, params: pick(params), present: asIs });
  }

  @Post(':marketplace/:marketplaceOrderId/resynchronize')
  @onOrder(RESYNCHRONIZE_ORDER)
  resynchronize(
    @Param() params: OrderParams,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.commands.run(RESYNCHRONIZE_ORDER, { request, reply, body, params: pick(params), present: asIs });
  }

  @Post(':marketplace/:marketplaceOrderId/resend')
  @onOrder(RESEND_ORDER_ACTION)
  @ApiBody({ type: ResendOrderActionPayload, required: false })
  resend(
    @Param() params: OrderParams,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.commands.run(RESEND_ORDER_ACTION, {
      request,
      reply,
      body,
      params: pick(params),
      present: appendedOnOrder,
    });
  }

  @Post(':marketplace/:marketplaceOrderId/retry-stock-decrement')
  @onOrder(RETRY_STOCK_DECREMENT)
  retryStockDecrement(
    @Param() params: OrderParams,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.commands.run(RETRY_STOCK_DECREMENT, {
      request,
      reply,
      body,
      params: pick(params),
      present: appendedOnOrder,
    });
  }

  @Post(':marketplace/:marketplaceOrderId/shop/:change')
  @HttpCode(200)
  @RequireRole('operator')
  @IDEMPOTENCY_KEY
  @ApiParam({ name: 'marketplace', example: 'amazon_fr' })
  @ApiParam({ name: 'marketplaceOrderId', example: '402-1234567-1234567' })
  @ApiParam({ name: 'change', enum: ['ship', 'cancel', 'refund'] })
  @ApiOperation({
    summary: 'Ship, cancel or refund one of the order’s shop orders (body: shopOrderId and the change’s fields)',
    description:
      'The same commands as /api/shop-orders/{shopOrderId}/{change}, addressed through the order: a shop order of ' +
      'another order is refused with 422.',
  })
  @ApiExtraModels(MarkShopOrderShippedPayload, MarkShopOrderCanceledPayload, MarkShopOrderRefundedPayload)
  @ApiBody({
    schema: {
      oneOf: [
        { $ref: '#/components/schemas/MarkShopOrderShippedPayload' },
        { $ref: '#/components/schemas/MarkShopOrderCanceledPayload' },
        { $ref: '#/components/schemas/MarkShopOrderRefundedPayload' },
      ],
    },
  })
  @ApiOkResponse({ schema: COMMAND_RESULT_SCHEMA })
  async changeShopOrder(
    @Param() params: OrderParams & { change: string },
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const entry = SHOP_CHANGES[params.change];
    if (!entry) {
      throw new HttpProblem(
        404,
        'NOT_FOUND',
        'Not Found',
        `no shop order change ${params.change}: use ship, cancel or refund`,
      );
    }
    await this.checkShopOrderBelongs(params, body);
    return this.commands.run(entry, { request, reply, body, present: (result: unknown) => ({ body: result }) });
  }

  /** A shop order named in the body must be one of this order's; an unknown one is left to the command (404). */
  private async checkShopOrderBelongs(params: OrderParams, body: unknown): Promise<void> {
    const shopOrderId = (body as { shopOrderId?: unknown } | null)?.shopOrderId;
    if (typeof shopOrderId !== 'string' || shopOrderId === '') return; // the payload validation names it
    const key = orderKeyOf(params.marketplace, params.marketplaceOrderId);
    const shopOrder = await this.shop.getOrder(shopOrderId);
    if (!shopOrder) return;
    const owner = orderKeyOf(shopOrder.marketplace, shopOrder.marketplaceOrderId);
    if (owner.marketplace !== key.marketplace || owner.marketplaceOrderId !== key.marketplaceOrderId) {
      throw new HttpProblem(
        422,
        'SHOP_ORDER_NOT_IN_ORDER',
        'Unprocessable Content',
        `shop order ${shopOrderId} belongs to another order`,
        {
          errors: [{ field: 'shopOrderId', message: `shopOrderId ${shopOrderId} is not a shop order of this order` }],
        },
      );
    }
  }
}

const SHOP_CHANGES: Readonly<Record<string, CatalogueEntry<object>>> = {
  ship: MARK_SHOP_ORDER_SHIPPED,
  cancel: MARK_SHOP_ORDER_CANCELED,
  refund: MARK_SHOP_ORDER_REFUNDED,
};
// Referenced so OpenAPI lists their schemas for the oneOf above even if /api/shop-orders were removed.
export const SHOP_CHANGE_PAYLOADS = [
  MarkShopOrderShippedPayload,
  MarkShopOrderCanceledPayload,
  MarkShopOrderRefundedPayload,
];

/** Only the two key parameters, never whatever else a route might add to `params`. */
function pick({ marketplace, marketplaceOrderId }: OrderParams): OrderParams {
  return { marketplace, marketplaceOrderId };
}
