import { Body, Controller, Get, HttpCode, Patch, Post, Put, Query, Req, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import {
  ApiBody,
  ApiConflictResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiPreconditionFailedResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
  ApiBadRequestResponse,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HttpCommandRunner, type CommandAnswer } from '../../http/http-command-runner.js';
import { ProblemDetailsSchema } from '../../http/problem-details.schema.js';
import { QueryValidationPipe } from '../../http/query-validation.pipe.js';
import { RequireRole } from '../../http/require-role.decorator.js';
import { revisionETag } from '../../http/revision-etag.js';
import type { CatalogueEntry } from '../../interfaces/catalogue/catalogue-entry.js';
import {
  CHANGE_IMPORT_SETTINGS,
  MAP_CARRIER,
  MAP_SHIPPING_METHOD,
  SET_DEFAULT_CARRIER,
  UNMAP_CARRIER,
  UNMAP_SHIPPING_METHOD,
} from '../../interfaces/catalogue/settings.catalogue.js';
import {
  ChangeImportSettingsPayload,
  MapCarrierPayload,
  MapShippingMethodPayload,
  SetDefaultCarrierPayload,
  UnmapCarrierPayload,
  UnmapShippingMethodPayload,
} from '../../interfaces/catalogue/settings-payloads.js';
import type { SettingsCommandResult } from '../commands/settings-command-executor.js';
import { GetOrderSettings, type OrderSettingsView } from '../queries/get-order-settings.query.js';
import {
  SettingsChangeResultSchema,
  SettingsHistoryQuery,
  SettingsHistorySchema,
  SettingsViewSchema,
} from './settings-schemas.js';

const IF_MATCH = ApiHeader({
  name: 'If-Match',
  required: false,
  description: 'W/"<revision>" from the last read: refused with 412 if the settings changed since',
});
const IDEMPOTENCY_KEY = ApiHeader({
  name: 'Idempotency-Key',
  required: false,
  description: 'Same key and body: the first answer again, nothing re-applied; same key, other body: 422',
});

const presentChange = (result: SettingsCommandResult): CommandAnswer => ({
  revision: result.revision,
  body: { revision: result.revision, changed: result.appended.map((event) => event.type), settings: result.settings },
});

/** Order parameters and carrier mapping: read by viewers, changed by admins, every change in the audit trail. */
@ApiTags('settings')
@ApiBadRequestResponse({ description: 'Invalid input; `errors` names each field', type: ProblemDetailsSchema })
@RequireRole('viewer')
@Controller('api/settings')
export class SettingsController {
  constructor(
    private readonly queries: QueryBus,
    private readonly commands: HttpCommandRunner,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Current order settings, marketplaces to map and the latest history (ETag: revision)' })
  @ApiOkResponse({ type: SettingsViewSchema })
  async read(
    @Query(QueryValidationPipe) query: SettingsHistoryQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<OrderSettingsView> {
    const view = await this.queries.execute(new GetOrderSettings({ historyLimit: query.historyLimit }));
    reply.header('etag', revisionETag(view.settings.revision));
    return view;
  }

  @Get('history')
  @ApiOperation({ summary: 'Who changed what, when: newest first' })
  @ApiOkResponse({ type: SettingsHistorySchema })
  async history(@Query(QueryValidationPipe) query: SettingsHistoryQuery) {
    const view = await this.queries.execute(new GetOrderSettings({ historyLimit: query.historyLimit }));
    return { history: view.history, historyTotal: view.historyTotal };
  }

  @Patch('import')
  @RequireRole('admin')
  @HttpCode(200)
  @IF_MATCH
  @IDEMPOTENCY_KEY
  @ApiOperation({ summary: CHANGE_IMPORT_SETTINGS.description, operationId: CHANGE_IMPORT_SETTINGS.name })
  @ApiBody({ type: ChangeImportSettingsPayload })
  @ApiOkResponse({ type: SettingsChangeResultSchema })
  @ApiPreconditionFailedResponse({ description: 'If-Match is not the current revision', type: ProblemDetailsSchema })
  @ApiUnprocessableEntityResponse({ description: 'A value out of range or unknown', type: ProblemDetailsSchema })
  @ApiConflictResponse({ description: 'Lost a race with concurrent changes', type: ProblemDetailsSchema })
  changeImportSettings(
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.run(CHANGE_IMPORT_SETTINGS, body, request, reply);
  }

  @Put('carrier-mappings')
  @RequireRole('admin')
  @IF_MATCH
  @IDEMPOTENCY_KEY
  @ApiOperation({ summary: MAP_CARRIER.description, operationId: MAP_CARRIER.name })
  @ApiBody({ type: MapCarrierPayload })
  @ApiOkResponse({ type: SettingsChangeResultSchema })
  @ApiUnprocessableEntityResponse({
    description:
      'UNKNOWN_MARKETPLACE (not in Lengow’s marketplace list nor seen in an order), UNKNOWN_MARKETPLACE_CARRIER ' +
      '(carrier code not accepted by the marketplace), UNKNOWN_SHOP_CARRIER, INVALID_SETTING; `errors` names the field',
    type: ProblemDetailsSchema,
  })
  mapCarrier(@Body() body: unknown, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.run(MAP_CARRIER, body, request, reply);
  }

  @Post('carrier-mappings/remove')
  @RequireRole('admin')
  @HttpCode(200)
  @IF_MATCH
  @IDEMPOTENCY_KEY
  @ApiOperation({ summary: UNMAP_CARRIER.description, operationId: UNMAP_CARRIER.name })
  @ApiBody({ type: UnmapCarrierPayload })
  @ApiOkResponse({ type: SettingsChangeResultSchema })
  unmapCarrier(@Body() body: unknown, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.run(UNMAP_CARRIER, body, request, reply);
  }

  @Put('shipping-method-mappings')
  @RequireRole('admin')
  @IF_MATCH
  @IDEMPOTENCY_KEY
  @ApiOperation({ summary: MAP_SHIPPING_METHOD.description, operationId: MAP_SHIPPING_METHOD.name })
  @ApiBody({ type: MapShippingMethodPayload })
  @ApiOkResponse({ type: SettingsChangeResultSchema })
  @ApiUnprocessableEntityResponse({
    description:
      'UNKNOWN_MARKETPLACE (not in Lengow’s marketplace list nor seen in an order), UNKNOWN_SHIPPING_METHOD, ' +
      'UNKNOWN_SHOP_CARRIER, INVALID_SETTING; `errors` names the field',
    type: ProblemDetailsSchema,
  })
  mapShippingMethod(
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.run(MAP_SHIPPING_METHOD, body, request, reply);
  }

  @Post('shipping-method-mappings/remove')
  @RequireRole('admin')
  @HttpCode(200)
  @IF_MATCH
  @IDEMPOTENCY_KEY
  @ApiOperation({ summary: UNMAP_SHIPPING_METHOD.description, operationId: UNMAP_SHIPPING_METHOD.name })
  @ApiBody({ type: UnmapShippingMethodPayload })
  @ApiOkResponse({ type: SettingsChangeResultSchema })
  unmapShippingMethod(
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.run(UNMAP_SHIPPING_METHOD, body, request, reply);
  }

  @Put('default-carriers')
  @RequireRole('admin')
  @IF_MATCH
  @IDEMPOTENCY_KEY
  @ApiOperation({ summary: SET_DEFAULT_CARRIER.description, operationId: SET_DEFAULT_CARRIER.name })
  @ApiBody({ type: SetDefaultCarrierPayload })
  @ApiOkResponse({ type: SettingsChangeResultSchema })
  @ApiUnprocessableEntityResponse({
    description:
      'UNKNOWN_MARKETPLACE (not in Lengow’s marketplace list nor seen in an order; not checked when only clearing), ' +
      'UNKNOWN_MARKETPLACE_CARRIER, UNKNOWN_SHOP_CARRIER, INVALID_SETTING; `errors` names the field',
    type: ProblemDetailsSchema,
  })
  setDefaultCarrier(
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.run(SET_DEFAULT_CARRIER, body, request, reply);
  }

  private run<Payload extends object>(
    entry: CatalogueEntry<Payload>,
    body: unknown,
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<string> {
    return this.commands.run<Payload, SettingsCommandResult>(entry, { request, reply, body, present: presentChange });
  }
}
