import { readModelsPathFor } from './infrastructure.js';

describe('readModelsPathFor (the order read models file beside the engine file)', () => {
  it.each([
    ['./data/lengow-sync.sqlite', 'data/lengow-sync.read-models.sqlite'],
    ['/var/lib/engine/orders.db', '/var/lib/engine/orders.read-models.db'],
    ['engine', 'engine.read-models.sqlite'],
  ])('%s → %s', (engineFile, readModelsFile) => {
    expect(readModelsPathFor(engineFile)).toBe(readModelsFile);
  });
});
