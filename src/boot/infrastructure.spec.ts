import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '../config/load-config.js';
import { createLogger } from '../logging/logger.js';
import { openInfrastructure, readModelsPathFor } from './infrastructure.js';

describe('readModelsPathFor (the order read models file beside the engine file)', () => {
  it.each([
    ['./data/lengow-sync.sqlite', 'data/lengow-sync.read-models.sqlite'],
    ['/var/lib/engine/orders.db', '/var/lib/engine/orders.read-models.db'],
    ['engine', 'engine.read-models.sqlite'],
  ])('%s → %s', (engineFile, readModelsFile) => {
    expect(readModelsPathFor(engineFile)).toBe(readModelsFile);
  });
});

describe('openInfrastructure on SQLite, back on the engine thread after the worker', () => {
  let folder: string;
  const engineFile = () => join(folder, 'engine.sqlite');
  const workerFile = () => join(folder, 'engine.read-models.sqlite');

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'infrastructure-'));
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  async function warningsOpening(thread: 'main' | 'worker'): Promise<Record<string, unknown>[]> {
    const lines: Record<string, unknown>[] = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
        done();
      },
    });
    const config = loadConfig({ SQLITE_PATH: engineFile(), READ_MODELS_THREAD: thread });
    const infrastructure = await openInfrastructure(config, createLogger({ level: 'warn', destination }));
    await infrastructure.close();
    return lines.filter((line) => line.level === 40);
  }

  it("warns that the worker's file is no longer updated, naming it", async () => {
    writeFileSync(workerFile(), '');
    const warnings = await warningsOpening('main');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ file: workerFile(), readModelsThread: 'main' });
    expect(warnings[0].msg).toContain('nothing updates');
  });

  it('says nothing when there is no such file, or when the worker writes it', async () => {
    expect(await warningsOpening('main')).toEqual([]);
    writeFileSync(workerFile(), '');
    expect(await warningsOpening('worker')).toEqual([]);
  });
});
