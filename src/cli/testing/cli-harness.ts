import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DurableSagaRunner } from '../../cqrs/durable-saga-runner.js';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../sandbox/sandbox-server.js';
import { SHOP, type Shop } from '../../shop/shop.port.js';
import { openCliSession } from '../cli-session.js';
import { dispatchCommand } from '../dispatch-command.js';
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

/** `overrides` change the engine's variables (e.g. EVENT_STORE=postgres); an undefined value removes one. */
export async function startCliEnvironment(
  sandboxOptions: SandboxOptions = {},
  overrides: NodeJS.ProcessEnv = {},
): Promise<CliEnvironment> {
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
    ...overrides,
  };
  for (const [name, value] of Object.entries(overrides)) if (value === undefined) delete env[name];
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

/** An order of the emulator's manifest (`GET /_sandbox/manifest?orders=1`). */
export interface ManifestOrder {
  marketplace: string;
  marketplace_order_id: string;
  case: string;
  outcome: string;
}

export async function manifestOrders(sandbox: Sandbox): Promise<ManifestOrder[]> {
  const response = await fetch(`${sandbox.url}/_sandbox/manifest?orders=1`);
  return ((await response.json()) as { orders: ManifestOrder[] }).orders;
}

export const orderArgument = (order: ManifestOrder) => `${order.marketplace}:${order.marketplace_order_id}`;

/**
 * What an operator does before the emulator's orders can import: its catalogue in the shop (`sandbox seed`), a shop
 * carrier, and a default carrier for France on every marketplace (through the catalogue's settings command).
 */
export async function prepareShop(environment: CliEnvironment, marketplaces: Iterable<string>): Promise<void> {
  const seeded = await runCaptured(['sandbox', 'seed', '--orders', '0'], environment.env);
  if (seeded.code !== 0) throw new Error(`sandbox seed failed: ${seeded.stderr}`);
  const session = await openCliSession(quietIo(environment.env));
  try {
    const carrier = await session.app.get<Shop>(SHOP).addCarrier({ name: 'La Poste', trackingUrl: null });
    for (const marketplace of new Set(marketplaces)) {
      await dispatchCommand(
        session,
        'set-default-carrier',
        { marketplace, country: 'FR', importCarrier: { id: String(carrier.id), name: carrier.name } },
        { commandId: `carrier-${marketplace}`, actor: 'operator:setup' },
      );
    }
  } finally {
    await session.close();
  }
}

/**
 * Plays the server's part once: runs the engine's sagas over everything appended so far (shop orders created for
 * planned imports, merchant order ids sent…), then stops them.
 */
export async function runServerReactions(environment: CliEnvironment): Promise<void> {
  const session = await openCliSession(quietIo(environment.env), { lengow: true });
  try {
    const runner = session.app.get(DurableSagaRunner);
    await runner.start();
    await runner.waitUntilIdle();
  } finally {
    await session.close();
  }
}

function quietIo(env: NodeJS.ProcessEnv): CliIo {
  return { stdout: new CapturedStream(), stderr: new CapturedStream(), env };
}
