import type { ICommand } from '@nestjs/cqrs';
import type { CommandMetadata } from '../../orders/commands/command-metadata.js';
import type { ExecuteOptions } from '../../orders/commands/order-command-executor.js';
import type { OrderKey } from '../../orders/domain/order-key.js';
import { registerCommand, type CommandEntry } from '../command-catalogue.js';

/** Optimistic concurrency a door passes along (HTTP If-Match): the revision the caller last saw. */
export interface CommandOptions {
  /** Order streams: a stream revision (number). Settings: the settings revision (string). */
  readonly expectedRevision?: number | string;
}

/** Which revision an `If-Match` names for this command, so a door knows how to parse it; none: not accepted. */
export type Concurrency = 'order' | 'settings' | 'none';

/**
 * A catalogue entry with what the doors need beyond the shared shape: the concurrency options handed to `build`, and
 * the kind of revision they name. Still a CommandEntry, so NATS and the CLI see it through `commandEntries()`.
 */
export interface CatalogueEntry<Payload extends object = object> extends CommandEntry<Payload> {
  readonly concurrency: Concurrency;
  /**
   * With `order`: the order stream the payload addresses. A door checks `If-Match` against that stream's revision
   * before sending (412 when it moved) and reports the revision after the command as the ETag. That check alone
   * leaves a gap before the command's own append, so `build` must also hand the revision to the command
   * ({@link orderRevision}): the handler makes it the expected revision of that append.
   */
  orderKeyOf?(payload: Payload): OrderKey;
  build(payload: Payload, metadata: CommandMetadata, options?: CommandOptions): ICommand;
}

/** Registers the entry in the shared catalogue and hands it back typed, for the doors that reference it directly. */
export function defineCommand<Payload extends object>(entry: CatalogueEntry<Payload>): CatalogueEntry<Payload> {
  registerCommand(entry);
  return entry;
}

/**
 * The door's If-Match / `expectedRevision` as an order command's options. Doors hand order entries a number; anything
 * else turns into NaN here, so the handler refuses it instead of running the command unchecked.
 */
export function orderRevision(options: CommandOptions | undefined): ExecuteOptions {
  const expected = options?.expectedRevision;
  return expected === undefined ? {} : { expectedRevision: Number(expected) };
}
