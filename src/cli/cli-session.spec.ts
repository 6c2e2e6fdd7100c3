import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classifyError } from './classify-error.js';
import { openCliSession } from './cli-session.js';
import { ExitCode } from './exit-codes.js';
import { CapturedStream } from './testing/cli-harness.js';

describe('openCliSession', () => {
  let folder: string;

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'lengow-cli-session-'));
  });
  afterEach(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  it('without a Lengow connection to build (sandbox mode, no endpoint resolved), fails to run: exit 4, not a refusal', async () => {
    const env = { SQLITE_PATH: join(folder, 'engine.sqlite'), SANDBOX: 'auto', LOG_LEVEL: 'silent' };
    const io = { stdout: new CapturedStream(), stderr: new CapturedStream(), env };
    const error = await openCliSession(io, {}).then(
      async (session) => {
        await session.close();
        throw new Error('the session opened without a Lengow connection');
      },
      (rejection: unknown) => rejection,
    );
    const classified = await classifyError(error);
    expect(classified).toMatchObject({ exitCode: ExitCode.failure });
    expect(classified.message).toBe(
      'no Lengow connection: LENGOW_ACCESS_TOKEN and LENGOW_SECRET are not set and no emulator was resolved',
    );
  });
});
