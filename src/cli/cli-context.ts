import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import type { CommandMetadata } from '../orders/commands/command-metadata.js';
import type { Actor } from '../orders/domain/event-metadata.js';
import type { CliIo } from './cli-io.js';
import type { CliSession, CliSessionOptions } from './cli-session.js';
import { openCliStores, type CliStores } from './cli-stores.js';
import { sanitise } from './format-table.js';

/** Options every command accepts (declared on the program, shown in each command's help). */
export interface GlobalOptions {
  json?: boolean;
  debug?: boolean;
  as?: string;
}

/** What a command's action needs: output, the global options, a session on the engine and who is acting. */
export class CliContext {
  /** What the command decided beyond success or an error (e.g. 1 when verify found drift). */
  exitCode: number = 0;

  constructor(
    readonly io: CliIo,
    private readonly program: Command,
  ) {}

  get options(): GlobalOptions {
    return this.program.opts<GlobalOptions>();
  }

  get json(): boolean {
    return this.options.json === true;
  }

  now(): Date {
    return this.io.now?.() ?? new Date();
  }

  /** Opens the engine for one command and always closes it, whatever the command does. */
  async withSession<T>(
    options: Omit<CliSessionOptions, 'debug'>,
    run: (session: CliSession) => Promise<T>,
  ): Promise<T> {
    // Loaded on first use: the engine's modules take most of the CLI's start-up time, which --help should not pay.
    const { openCliSession } = await import('./cli-session.js');
    const session = await openCliSession(this.io, { ...options, debug: this.options.debug });
    try {
      return await run(session);
    } finally {
      await session.close();
    }
  }

  /** Opens the databases only (read-only commands) and always closes them. */
  async withStores<T>(run: (stores: CliStores) => Promise<T>): Promise<T> {
    const stores = await openCliStores(this.io, { debug: this.options.debug });
    try {
      return await run(stores);
    } finally {
      await stores.close();
    }
  }

  /** `operator:<--as name>`, else `operator:<os user>`: every event a command appends says who asked for it. */
  actor(): Actor {
    return `operator:${this.options.as ?? this.io.username ?? 'unknown'}`;
  }

  metadata(): CommandMetadata {
    const commandId = randomUUID();
    return { commandId, correlationId: commandId, actor: this.actor() };
  }

  /** A line (or block) for humans on stdout. */
  print(text: string): void {
    this.io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** A note for humans that must not mix with machine output: stderr. */
  note(text: string): void {
    this.io.stderr.write(`${sanitise(text)}\n`);
  }

  /**
   * The command ran and printed its result, which is a failure (an import run that failed): exit 4 with the reason
   * on stderr, without a second document on stdout.
   */
  failAfterOutput(reason: string): void {
    this.io.stderr.write(`failed: ${sanitise(reason)}\n`);
    this.exitCode = 4;
  }

  printJson(value: unknown): void {
    this.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }
}
