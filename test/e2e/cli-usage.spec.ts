import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCaptured } from '../../src/cli/testing/cli-harness.js';

/** Usage and start-up failures need no engine: the configuration is never valid enough to open one here. */
const NO_ENGINE = { SANDBOX: 'off' } as NodeJS.ProcessEnv;

describe('lengow-sync usage', () => {
  it('prints the command list with --help (exit 0)', async () => {
    const run = await runCaptured(['--help'], NO_ENGINE);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: lengow-sync \[options\] \[command\]/);
    expect(run.stdout).toMatch(/sandbox/);
    expect(run.stdout).toMatch(/--as <name>/);
  });

  it('exits 2 with usage on stderr when no command is given', async () => {
    const run = await runCaptured([], NO_ENGINE);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Usage: lengow-sync/);
  });

  it('exits 2 on an unknown command, with a suggestion', async () => {
    const run = await runCaptured(['sandbx'], NO_ENGINE);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/unknown command 'sandbx'/);
    expect(run.stderr).toMatch(/Did you mean sandbox\?/);
  });

  it('exits 2 on an unknown option', async () => {
    const run = await runCaptured(['sandbox', 'seed', '--order', '3'], NO_ENGINE);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/unknown option '--order'/);
  });

  it('exits 2 on an --as name that could not be an actor', async () => {
    const run = await runCaptured(['--as', 'bob smith', 'sandbox', 'seed'], NO_ENGINE);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/option '--as <name>' argument 'bob smith' is invalid/);
  });

  it('exits 4 with a one-line reason on a bad configuration, without echoing secrets', async () => {
    const run = await runCaptured(['sandbox', 'seed'], { LENGOW_ACCESS_TOKEN: 'hunter2-token', SANDBOX: 'off' });
    expect(run.code).toBe(4);
    expect(run.stderr).toBe('failed: configuration: LENGOW_SECRET must be set together with its pair\n');
    expect(run.stdout).toBe('');
  });

  it('exits 4 when the database cannot be opened, with the stack only under --debug', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'lengow-cli-usage-'));
    try {
      const file = join(folder, 'a-file');
      writeFileSync(file, '');
      const env = { SQLITE_PATH: join(file, 'engine.sqlite'), SANDBOX: 'on' };
      const plain = await runCaptured(['history', 'amazon_fr:1'], env);
      expect(plain.code).toBe(4);
      expect(plain.stderr).toBe(`failed: SQLite data folder ${file} is not writable (ENOTDIR)\n`);
      const debug = await runCaptured(['--debug', 'history', 'amazon_fr:1'], env);
      expect(debug.code).toBe(4);
      expect(debug.stderr).toMatch(/^failed: SQLite data folder .* is not writable \(ENOTDIR\)\nBootError: .*\n\s+at /);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it.each([
    ['import'],
    ['reimport'],
    ['resend'],
    ['resync'],
    ['history'],
    ['state'],
    ['replay'],
    ['projections'],
    ['projections', 'status'],
    ['projections', 'verify'],
    ['projections', 'rebuild'],
    ['sandbox'],
    ['sandbox', 'seed'],
  ])('%s --help prints its usage (exit 0), without opening anything', async (...command) => {
    const run = await runCaptured([...command, '--help'], NO_ENGINE);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^Usage: lengow-sync ${command.join(' ')} `));
    expect(run.stderr).toBe('');
  });

  it('a command group without its subcommand shows its usage and exits 2', async () => {
    const run = await runCaptured(['projections'], NO_ENGINE);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Usage: lengow-sync projections \[options\] \[command\]/);
    expect(run.stderr).toMatch(/rebuild/);
  });
});
