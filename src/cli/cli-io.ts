import { userInfo } from 'node:os';

/** Where a stream of output goes; a subset of NodeJS.WriteStream so tests can capture it. */
export interface CliStream {
  write(text: string): unknown;
  /** A terminal: progress bars redraw in place; otherwise plain lines. */
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** Everything the CLI touches outside itself, so a test can run it in-process. */
export interface CliIo {
  readonly stdout: CliStream;
  readonly stderr: CliStream;
  /** The environment the configuration is read from (the same variables as the server). */
  readonly env: NodeJS.ProcessEnv;
  /** Operating-system user, the default actor name (`operator:<user>`). */
  readonly username?: string;
  readonly now?: () => Date;
}

/** The real process: stdout, stderr, environment and the logged-in user. */
export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    username: osUsername(process.env),
  };
}

function osUsername(env: NodeJS.ProcessEnv): string | undefined {
  try {
    return userInfo().username;
  } catch {
    // Containers may run under a uid without a passwd entry: userInfo() throws there.
    return env.USER ?? env.LOGNAME ?? undefined;
  }
}
