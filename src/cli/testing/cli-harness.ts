import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../sandbox/sandbox-server.js';
import type { CliIo, CliStream } from '../cli-io.js';
import { runCli } from '../run-cli.js';

/** A stream that keeps what is written, optionally posing as a terminal (cli-progress then draws its bar). */
export class CapturedStream implements CliStream {
  text = '';
  constructor(
    readonly isTTY = false,
    readonly columns = 120,
  ) {}
  write(text: string): boolean {
    this.text += text;
    return true;
  }
  // cli-progress moves the cursor through readline on a TTY; these keep the escape codes in the capture.
  cursorTo(x: number, _y?: number, done?: () => void): boolean {
    this.text += `\x1b[${x + 1}G`;
    done?.();
    return true;
  }
  moveCursor(_dx: number, _dy: number, done?: () => void): boolean {
    done?.();
    return true;
  }
  clearLine(_dir: number, done?: () => void): boolean {
    this.text += '\x1b[2K';
    done?.();
    return true;
  }
  clearScreenDown(done?: () => void): boolean {
    done?.();
    return true;
  }
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with captured output. */
export async function runCaptured(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  options: { tty?: boolean; username?: string; now?: () => Date } = {},
): Promise<CliRun> {
  const stdout = new CapturedStream(options.tty ?? false);
  const stderr = new CapturedStream(false);
  const io: CliIo = { stdout, stderr, env, username: options.username ?? 'tester', now: options.now };
  const code = await runCli(argv, io);
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** A temporary SQLite engine configuration pointed at an in-process emulator (credentials set, SANDBOX=off). */
export interface CliEnvironment {
  env: NodeJS.ProcessEnv;
  sandbox: Sandbox;
  folder: string;
  sqlitePath: string;
  close(): Promise<void>;
}

export async function startCliEnvironment(sandboxOptions: SandboxOptions = {}): Promise<CliEnvironment> {
  const folder = mkdtempSync(join(tmpdir(), 'lengow-cli-'));
  const sandbox = await startSandbox({
    port: 0,
    seed: 11,
    orderCount: 30,
    actionProcessingDelayMs: 0,
    ...sandboxOptions,
  });
  const sqlitePath = join(folder, 'engine.sqlite');
  const env: NodeJS.ProcessEnv = {
    SQLITE_PATH: sqlitePath,
    LENGOW_API_URL: sandbox.url,
    LENGOW_ACCESS_TOKEN: 'cli-test-token',
    LENGOW_SECRET: 'cli-test-secret',
    SANDBOX: 'off',
    LOG_LEVEL: 'silent',
  };
  return {
    env,
    sandbox,
    folder,
    sqlitePath,
    close: async () => {
      await sandbox.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
