import { CommandBus } from '@nestjs/cqrs';
import { commandEntry } from '../interfaces/command-catalogue.js';
// Loading the catalogue's index registers every command group in the shared catalogue.
import '../interfaces/catalogue/index.js';
import { validatePayload } from '../interfaces/catalogue/validate-payload.js';
import type { CommandMetadata } from '../orders/commands/command-metadata.js';
import type { CliSession } from './cli-session.js';

/**
 * Sends a command the way HTTP and NATS do: its catalogue entry's DTO validates the payload (unknown fields refused,
 * nothing converted), the entry builds the CommandBus message, the handler runs in this process. The operator on
 * the machine holding the databases is not checked against the entry's role: that person could open them directly.
 */
export async function dispatchCommand<Result>(
  session: CliSession,
  name: string,
  payload: object,
  metadata: CommandMetadata,
): Promise<Result> {
  const entry = commandEntry(name);
  // A missing entry is a build that does not match this CLI, not something the operator can fix by retyping.
  if (!entry) throw new Error(`this engine has no "${name}" command in its catalogue`);
  const validated = validatePayload(entry.payload, payload);
  return session.app.get(CommandBus).execute(entry.build(validated, metadata)) as Promise<Result>;
}
