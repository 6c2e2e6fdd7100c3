/**
 * The CLI's exit statuses. Scripts branch on them, so they are a contract: 1 is reserved for "the check ran and found
 * a problem" (projections verify), which is not a failure of the CLI itself.
 */
export const ExitCode = {
  ok: 0,
  /** `projections verify` found drift between a read model and the events. */
  driftFound: 1,
  /** Unknown command or option, missing or malformed argument. */
  usage: 2,
  /** The engine understood the command and refused it (a domain or validation code is printed). */
  refused: 3,
  /** The command could not run: configuration, database or Lengow unreachable, unexpected error. */
  failure: 4,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
