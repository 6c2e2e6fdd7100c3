import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandMetadata } from '../../commands/command-metadata.js';
import type { ExecuteOptions } from '../../commands/order-command-executor.js';
import { orderCommandOptionsOf } from '../../commands/order-command-options.js';
import type { RequestedWindow } from '../import-window.js';
import type { OrderImportResult } from '../order-import-result.js';
import { OrderImporter, type ImportRunReport, type ResynchronizeResult } from '../order-importer.js';
import { ImportCommandInvalid } from './import-command-invalid.error.js';
import { ImportCommandMetadataDto } from './import-command-metadata.dto.js';
import { ImportOneOrder, ImportOrdersNow, ReimportOrderNow, ResynchronizeOrderNow } from './import-commands.js';
import { ImportOrdersNowPayloadDto } from './import-orders-now-payload.dto.js';
import { OrderReferenceDto } from './order-reference.dto.js';
import { validateImportCommand } from './validate-import-command.js';

type BusCommand = { readonly payload: unknown; readonly metadata: unknown };

function metadataOf(command: BusCommand): CommandMetadata {
  return validateImportCommand(ImportCommandMetadataDto, command.metadata, 'metadata');
}

function orderOf(command: BusCommand): OrderReferenceDto {
  return validateImportCommand(OrderReferenceDto, command.payload, 'payload');
}

function optionsOf(command: { readonly options?: unknown }): ExecuteOptions {
  return orderCommandOptionsOf(command.options, (failure) => new ImportCommandInvalid([failure]));
}

/** The window asked for, with the checks that span fields. */
export function requestedWindowOf(payload: unknown): RequestedWindow {
  const dto = validateImportCommand(ImportOrdersNowPayloadDto, payload ?? {}, 'payload');
  if (dto.days !== undefined && (dto.from !== undefined || dto.to !== undefined)) {
    throw new ImportCommandInvalid([{ field: 'payload.days', message: 'days cannot be combined with from or to' }]);
  }
  // The DTO's IsIsoInstant has refused days the calendar lacks and zone-less times: `new Date` reads these exactly.
  const from = dto.from === undefined ? undefined : new Date(dto.from);
  const to = dto.to === undefined ? undefined : new Date(dto.to);
  if (from && to && from.getTime() >= to.getTime())
    throw new ImportCommandInvalid([{ field: 'payload.from', message: 'from must be before to' }]);
  return { from, to, days: dto.days };
}

@CommandHandler(ImportOrdersNow)
export class ImportOrdersNowHandler implements ICommandHandler<ImportOrdersNow, ImportRunReport> {
  constructor(private readonly importer: OrderImporter) {}
  async execute(command: ImportOrdersNow): Promise<ImportRunReport> {
    const window = requestedWindowOf(command.payload);
    return this.importer.runWindow(window, metadataOf(command), 'window');
  }
}

@CommandHandler(ImportOneOrder)
export class ImportOneOrderHandler implements ICommandHandler<ImportOneOrder, OrderImportResult> {
  constructor(private readonly importer: OrderImporter) {}
  async execute(command: ImportOneOrder): Promise<OrderImportResult> {
    const { marketplace, marketplaceOrderId } = orderOf(command);
    return this.importer.importOne(marketplace, marketplaceOrderId, metadataOf(command), optionsOf(command));
  }
}

@CommandHandler(ReimportOrderNow)
export class ReimportOrderNowHandler implements ICommandHandler<ReimportOrderNow, OrderImportResult> {
  constructor(private readonly importer: OrderImporter) {}
  async execute(command: ReimportOrderNow): Promise<OrderImportResult> {
    const { marketplace, marketplaceOrderId } = orderOf(command);
    return this.importer.reimport(marketplace, marketplaceOrderId, metadataOf(command), optionsOf(command));
  }
}

@CommandHandler(ResynchronizeOrderNow)
export class ResynchronizeOrderNowHandler implements ICommandHandler<ResynchronizeOrderNow, ResynchronizeResult> {
  constructor(private readonly importer: OrderImporter) {}
  async execute(command: ResynchronizeOrderNow): Promise<ResynchronizeResult> {
    const { marketplace, marketplaceOrderId } = orderOf(command);
    return this.importer.resynchronize(marketplace, marketplaceOrderId, metadataOf(command), optionsOf(command));
  }
}

export const IMPORT_COMMAND_HANDLERS = [
  ImportOrdersNowHandler,
  ImportOneOrderHandler,
  ReimportOrderNowHandler,
  ResynchronizeOrderNowHandler,
];
