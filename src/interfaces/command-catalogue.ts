import type { ICommand } from '@nestjs/cqrs';
import type { CommandMetadata } from '../orders/commands/command-metadata.js';

/** Roles of API keys (HTTP) and bus callers: each role can do what the ones before it can. */
export type Role = 'viewer' | 'operator' | 'admin';

/**
 * One entry per command the engine accepts from outside. HTTP controllers, NATS request/reply handlers and the
 * operator CLI all go through this catalogue, so a command is validated the same way whichever door it comes in by.
 */
export interface CommandEntry<Payload extends object = object> {
  /** Stable name: the NATS subject suffix (`lengow.orders.cmd.<name>`) and the CLI's vocabulary. */
  readonly name: string;
  readonly description: string;
  /** class-validator DTO class of the payload (whitelisted, unknown properties refused). */
  readonly payload: new () => Payload;
  readonly role: Role;
  /** Builds the CommandBus message from a validated payload. */
  build(payload: Payload, metadata: CommandMetadata): ICommand;
}

const entries = new Map<string, CommandEntry>();

export function registerCommand<Payload extends object>(entry: CommandEntry<Payload>): CommandEntry<Payload> {
  if (entries.has(entry.name)) throw new Error(`command ${entry.name} registered twice`);
  entries.set(entry.name, entry as unknown as CommandEntry);
  return entry;
}

export function commandEntry(name: string): CommandEntry | undefined {
  return entries.get(name);
}

export function commandEntries(): CommandEntry[] {
  return [...entries.values()];
}
