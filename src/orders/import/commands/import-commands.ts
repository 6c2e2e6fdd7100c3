import { Command } from '@nestjs/cqrs';
import type { CommandMetadata } from '../../commands/command-metadata.js';
import type { ExecuteOptions } from '../../commands/order-command-executor.js';
import type { OrderImportResult } from '../order-import-result.js';
import type { ImportRunReport, ResynchronizeResult } from '../order-importer.js';

/**
 * The operator's import commands on the CommandBus. Payloads are typed for senders in this process but validated by
 * the handlers all the same (`ImportCommandInvalid`): they also arrive from HTTP bodies and bus messages.
 */
abstract class ImportBusCommand<Payload, Result> extends Command<Result> {
  constructor(
    readonly payload: Payload,
    readonly metadata: CommandMetadata,
  ) {
    super();
  }
}

/** An operator command on one order, which may name the order revision the operator decided on (If-Match). */
abstract class OneOrderBusCommand<Result> extends ImportBusCommand<OrderReference, Result> {
  constructor(
    payload: OrderReference,
    metadata: CommandMetadata,
    /** With a revision, the command's append to the order stream expects it: StaleOrderRevision once it moved. */
    readonly options: ExecuteOptions = {},
  ) {
    super(payload, metadata);
  }
}

export interface ImportOrdersNowPayload {
  /** ISO 8601 with offset; with `to` (default now) a window on `updated_at`. */
  readonly from?: string;
  readonly to?: string;
  /** 1–10 days back from now; not with `from`/`to`. */
  readonly days?: number;
}

export interface OrderReference {
  /** Lengow v3 code, e.g. `amazon_fr`. */
  readonly marketplace: string;
  readonly marketplaceOrderId: string;
}

/**
 * A window run on demand; without a payload the scheduled run's incremental window. `ImportAlreadyRunning` while a
 * run of this process is going. Lengow failures end the run as `failed` in the report, they are not thrown.
 */
export class ImportOrdersNow extends ImportBusCommand<ImportOrdersNowPayload, ImportRunReport> {}

/** Fetches one order from Lengow (one-order mode) and imports it as the operator asked (`trigger: operator`). */
export class ImportOneOrder extends OneOrderBusCommand<OrderImportResult> {}

/**
 * Fetches the order again and re-imports it with fresh lookups (domain `ReimportOrder`): a failed order is tried
 * again, an imported one gets new shop orders replacing the old. `OrderDomainError` ORDER_NOT_FOUND when the engine
 * never saw the order (nothing is asked of Lengow then).
 */
export class ReimportOrderNow extends OneOrderBusCommand<OrderImportResult> {}

/** Asks for the merchant order ids to be sent to Lengow again (domain `ResynchronizeOrder`; the moi saga calls). */
export class ResynchronizeOrderNow extends OneOrderBusCommand<ResynchronizeResult> {}
