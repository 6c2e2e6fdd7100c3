import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { ClassConstructor } from 'class-transformer';
import type { SettingsCommand, SettingsCommandType } from '../domain/settings-commands.js';
import { CommandMetadataDto } from './command-metadata.dto.js';
import { SettingsCommandExecutor, type SettingsCommandResult } from './settings-command-executor.js';
import {
  ChangeImportSettings,
  MapCarrier,
  MapShippingMethod,
  RecordMarketplaceSeen,
  SetDefaultCarrier,
  UnmapCarrier,
  UnmapShippingMethod,
} from './settings-commands.js';
import {
  ChangeImportSettingsDto,
  MapCarrierDto,
  MapShippingMethodDto,
  RecordMarketplaceSeenDto,
  SetDefaultCarrierDto,
  UnmapCarrierDto,
  UnmapShippingMethodDto,
} from './settings-dtos.js';
import type { NamedShopCarrier } from './require-shop-carriers.js';
import { SettingsEdgeChecks } from './settings-edge-checks.js';
import { validateOrThrow } from './validate-or-throw.js';
import { SettingsInvalid } from './settings-invalid.error.js';

type BusCommand = { readonly payload: unknown; readonly metadata: unknown; readonly options?: unknown };

/** The marketplace and shop carriers a mapping command's (validated) data names, checked through the app's ports. */
interface EdgeChecked {
  readonly checks: SettingsEdgeChecks;
  /** Undefined for a command that only removes: what a typo stored before the check must stay removable. */
  readonly marketplaceOf?: (data: never) => string | undefined;
  readonly carriersOf: (data: never) => NamedShopCarrier[];
}

/**
 * Shape checks (SettingsInvalid), then for a mapping the marketplace (Lengow's list, when the app has the connector)
 * and the shop carriers it names (when the app has a shop), then the executor; the domain checks the rules
 * (SettingsDomainError).
 */
async function run(
  executor: SettingsCommandExecutor,
  type: SettingsCommandType,
  dto: ClassConstructor<object>,
  { payload, metadata, options }: BusCommand,
  edge?: EdgeChecked,
): Promise<SettingsCommandResult> {
  const data = validateOrThrow(dto, payload);
  const who = validateOrThrow(CommandMetadataDto, metadata, 'metadata');
  const expectedRevision = (options as { expectedRevision?: unknown } | undefined)?.expectedRevision;
  if (expectedRevision !== undefined && typeof expectedRevision !== 'string') {
    throw new SettingsInvalid([
      { field: 'options.expectedRevision', message: 'options.expectedRevision must be a string' },
    ]);
  }
  if (edge) {
    const marketplace = edge.marketplaceOf
      ? edge.marketplaceOf(data as never)
      : (data as { marketplace: string }).marketplace;
    await edge.checks.require(marketplace, edge.carriersOf(data as never));
  }
  return executor.execute({ type, data } as SettingsCommand, who, { expectedRevision });
}

@CommandHandler(ChangeImportSettings)
export class ChangeImportSettingsHandler implements ICommandHandler<ChangeImportSettings, SettingsCommandResult> {
  constructor(private readonly executor: SettingsCommandExecutor) {}
  execute(command: ChangeImportSettings) {
    return run(this.executor, 'ChangeImportSettings', ChangeImportSettingsDto, command);
  }
}

@CommandHandler(MapCarrier)
export class MapCarrierHandler implements ICommandHandler<MapCarrier, SettingsCommandResult> {
  constructor(
    private readonly executor: SettingsCommandExecutor,
    private readonly checks: SettingsEdgeChecks,
  ) {}
  execute(command: MapCarrier) {
    return run(this.executor, 'MapCarrier', MapCarrierDto, command, {
      checks: this.checks,
      carriersOf: (data: MapCarrierDto) => [{ field: 'shopCarrier.id', id: data.shopCarrier.id }],
    });
  }
}

@CommandHandler(UnmapCarrier)
export class UnmapCarrierHandler implements ICommandHandler<UnmapCarrier, SettingsCommandResult> {
  constructor(private readonly executor: SettingsCommandExecutor) {}
  execute(command: UnmapCarrier) {
    return run(this.executor, 'UnmapCarrier', UnmapCarrierDto, command);
  }
}

@CommandHandler(MapShippingMethod)
export class MapShippingMethodHandler implements ICommandHandler<MapShippingMethod, SettingsCommandResult> {
  constructor(
    private readonly executor: SettingsCommandExecutor,
    private readonly checks: SettingsEdgeChecks,
  ) {}
  execute(command: MapShippingMethod) {
    return run(this.executor, 'MapShippingMethod', MapShippingMethodDto, command, {
      checks: this.checks,
      carriersOf: (data: MapShippingMethodDto) => [{ field: 'shopCarrier.id', id: data.shopCarrier.id }],
    });
  }
}

@CommandHandler(UnmapShippingMethod)
export class UnmapShippingMethodHandler implements ICommandHandler<UnmapShippingMethod, SettingsCommandResult> {
  constructor(private readonly executor: SettingsCommandExecutor) {}
  execute(command: UnmapShippingMethod) {
    return run(this.executor, 'UnmapShippingMethod', UnmapShippingMethodDto, command);
  }
}

@CommandHandler(SetDefaultCarrier)
export class SetDefaultCarrierHandler implements ICommandHandler<SetDefaultCarrier, SettingsCommandResult> {
  constructor(
    private readonly executor: SettingsCommandExecutor,
    private readonly checks: SettingsEdgeChecks,
  ) {}
  execute(command: SetDefaultCarrier) {
    return run(this.executor, 'SetDefaultCarrier', SetDefaultCarrierDto, command, {
      checks: this.checks,
      marketplaceOf: (data: SetDefaultCarrierDto) =>
        data.importCarrier || typeof data.shipCarrier === 'string' ? data.marketplace : undefined,
      carriersOf: (data: SetDefaultCarrierDto) =>
        data.importCarrier ? [{ field: 'importCarrier.id', id: data.importCarrier.id }] : [],
    });
  }
}

@CommandHandler(RecordMarketplaceSeen)
export class RecordMarketplaceSeenHandler implements ICommandHandler<RecordMarketplaceSeen, SettingsCommandResult> {
  constructor(private readonly executor: SettingsCommandExecutor) {}
  execute(command: RecordMarketplaceSeen) {
    return run(this.executor, 'RecordMarketplaceSeen', RecordMarketplaceSeenDto, command);
  }
}

export const SETTINGS_COMMAND_HANDLERS = [
  ChangeImportSettingsHandler,
  MapCarrierHandler,
  UnmapCarrierHandler,
  MapShippingMethodHandler,
  UnmapShippingMethodHandler,
  SetDefaultCarrierHandler,
  RecordMarketplaceSeenHandler,
];
