import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { classifyError } from './classify-error.js';
import { CliContext } from './cli-context.js';
import { processIo, type CliIo } from './cli-io.js';
import { ExitCode } from './exit-codes.js';
import { sanitise } from './format-table.js';
import { registerOrderReadCommands } from './commands/order-read-commands.js';
import { registerOrderWriteCommands } from './commands/order-write-commands.js';
import { registerProjectionCommands } from './commands/projection-commands.js';
import { registerReactionCommands } from './commands/reaction-commands.js';
import { registerSandboxCommands } from './commands/sandbox-commands.js';

/**
 * The operator CLI: parses argv, runs one command in-process against the server's configuration, prints the outcome
 * and returns the exit status (0 ok, 1 drift found, 2 usage, 3 refused, 4 failure). Never throws and never exits the
 * process, so tests call it directly and `cli.ts` only sets process.exitCode.
 */
export async function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const program = new Command('lengow-sync');
  const context = new CliContext(io, program);
  program
    .description('Operator commands for the Lengow order-sync engine (same configuration as the server).')
    .option('--json', 'print machine-readable JSON on stdout')
    .option('--as <name>', 'record the actor as operator:<name> instead of the OS user', parseActorName)
    .option('--debug', 'log to stderr and print stack traces of failures')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      getOutHelpWidth: () => io.stdout.columns ?? 100,
      getErrHelpWidth: () => io.stderr.columns ?? 100,
    })
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .showSuggestionAfterError(true)
    .showHelpAfterError('(add --help for usage)');
  // Subcommands copy the settings above when created, so register them after.
  registerOrderWriteCommands(program, context);
  registerOrderReadCommands(program, context);
  registerProjectionCommands(program, context);
  registerReactionCommands(program, context);
  registerSandboxCommands(program, context);

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return context.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return commanderExit(error);
    return await report(error, context);
  }
}

/** Help and version are successes; every other commander exit is a usage error, whatever code commander chose. */
function commanderExit(error: CommanderError): number {
  if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return ExitCode.ok;
  return ExitCode.usage;
}

async function report(error: unknown, context: CliContext): Promise<number> {
  const classified = await classifyError(error);
  const { io } = context;
  if (classified.exitCode === ExitCode.usage) {
    io.stderr.write(`error: ${sanitise(classified.message)}\n(add --help for usage)\n`);
  } else if (classified.exitCode === ExitCode.refused) {
    io.stderr.write(`refused: ${classified.code}: ${sanitise(classified.message)}\n`);
    if (classified.details !== undefined && !context.json) {
      io.stderr.write(`details: ${sanitise(JSON.stringify(classified.details))}\n`);
    }
  } else {
    io.stderr.write(`failed: ${sanitise(classified.message)}\n`);
    if (context.options.debug && error instanceof Error && error.stack) {
      io.stderr.write(`${error.stack}\n`);
      // A wrapped error (BootError) says where the engine gave up; its cause says why.
      if (error.cause instanceof Error && error.cause.stack) io.stderr.write(`caused by: ${error.cause.stack}\n`);
    }
  }
  if (context.json && classified.exitCode !== ExitCode.usage) {
    context.printJson({
      error: {
        code: classified.code,
        message: classified.message,
        ...(classified.details === undefined ? {} : { details: classified.details }),
      },
    });
  }
  return classified.exitCode;
}

function parseActorName(value: string): string {
  // The name ends up in every event's metadata: keep it short and printable.
  if (!/^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/.test(value)) {
    throw new InvalidArgumentError('use 1 to 64 letters, digits, ".", "_", "@" or "-"');
  }
  return value;
}
