import { setTimeout as sleep } from 'node:timers/promises';
import type { CommandMetadata } from '../../orders/commands/command-metadata.js';
import { eventIdFor } from '../../orders/commands/order-event-ids.js';
import type { EventStore, EventToAppend } from '../../event-store/event-store.port.js';
import { WrongExpectedRevision } from '../../event-store/wrong-expected-revision.error.js';
import { decideSettings } from '../domain/decide-settings.js';
import type { SettingsCommand } from '../domain/settings-commands.js';
import { ORDER_SETTINGS_STREAM, SETTINGS_SCHEMA_VERSIONS, type SettingsEvent } from '../domain/settings-events.js';
import { revisionString } from '../domain/settings-snapshot.js';
import type { OrderSettingsCache } from '../order-settings-cache.js';
import type { OrderSettingsSnapshot } from '../order-settings.port.js';
import { StaleSettingsRevision } from './stale-settings-revision.error.js';

export interface SettingsCommandOptions {
  /** Optimistic concurrency from the caller (the page's If-Match): refuse unless the settings are still at it. */
  readonly expectedRevision?: string;
}

export interface SettingsCommandResult {
  /** Events this command appended; empty when it changed nothing (already so, or a repeat of the same command). */
  readonly appended: readonly SettingsEvent[];
  /** Settings revision after the command. */
  readonly revision: string;
  readonly settings: OrderSettingsSnapshot;
}

export interface SettingsCommandExecutorOptions {
  /** Re-decisions after a concurrent change before giving up with WrongExpectedRevision. */
  readonly maxConflictRetries?: number;
}

/**
 * Load → decide → append with the revision that was read, on the one settings stream. Two writers racing (two
 * operators, or many imports recording the same new marketplace): the loser re-reads and decides again — decide is
 * pure, so that is safe — a bounded number of times, with a short random pause so a crowd spreads out. Event ids
 * derive from the command id, so a re-sent command is recognised by the store too.
 */
export class SettingsCommandExecutor {
  private readonly maxConflictRetries: number;

  constructor(
    private readonly store: EventStore,
    private readonly cache: OrderSettingsCache,
    options: SettingsCommandExecutorOptions = {},
  ) {
    this.maxConflictRetries = options.maxConflictRetries ?? 8;
  }

  async execute(
    command: SettingsCommand,
    metadata: CommandMetadata,
    options: SettingsCommandOptions = {},
  ): Promise<SettingsCommandResult> {
    for (let attempt = 0; ; attempt++) {
      const loaded = await this.cache.load(0);
      const current = revisionString(loaded.revision);
      if (options.expectedRevision !== undefined && options.expectedRevision !== current) {
        throw new StaleSettingsRevision(options.expectedRevision, current);
      }
      const events = decideSettings(command, loaded.state);
      if (events.length === 0) return { appended: [], revision: current, settings: loaded.snapshot };
      try {
        const result = await this.store.append(
          ORDER_SETTINGS_STREAM,
          events.map((event, index) => toAppend(event, index, metadata)),
          { expectedRevision: loaded.revision === -1 ? 'no_stream' : loaded.revision },
        );
        // Read back what was appended (our events and nothing else at best), so this process's reader sees it now.
        const after = await this.cache.load(0);
        // The store answers a re-sent command with the original result: then nothing was appended this time.
        const repeated = result.nextExpectedRevision !== loaded.revision + events.length;
        return { appended: repeated ? [] : events, revision: revisionString(after.revision), settings: after.snapshot };
      } catch (error) {
        const retry = error instanceof WrongExpectedRevision && options.expectedRevision === undefined;
        if (!retry || attempt >= this.maxConflictRetries) throw error;
        await sleep(Math.random() * 5 * (attempt + 1));
      }
    }
  }
}

function toAppend(event: SettingsEvent, index: number, metadata: CommandMetadata): EventToAppend {
  return {
    id: eventIdFor(`settings:${metadata.commandId}`, index),
    type: event.type,
    data: event.data as unknown as Record<string, unknown>,
    metadata: {
      correlationId: metadata.correlationId ?? metadata.commandId,
      causationId: metadata.causationId ?? metadata.commandId,
      actor: metadata.actor,
      commandId: metadata.commandId,
      schemaVersion: SETTINGS_SCHEMA_VERSIONS[event.type],
    },
  };
}
