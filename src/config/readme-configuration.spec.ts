import { readFileSync } from 'node:fs';
import { CONFIG_VARIABLES } from './app-config.js';
import { loadConfig } from './load-config.js';

/** The README's configuration table is the operators' reference: it must list exactly what the engine reads. */
function readmeVariables(): Map<string, string> {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.split(/^## Configuration$/m)[1]?.split(/^## /m)[0] ?? '';
  const rows = new Map<string, string>();
  for (const line of section.split('\n')) {
    const match = /^\|\s*`([A-Z0-9_]+)`\s*\|\s*([^|]+?)\s*\|/.exec(line);
    if (match) rows.set(match[1], match[2].trim());
  }
  return rows;
}

describe('README configuration table', () => {
  const documented = readmeVariables();

  it('documents every variable the engine reads, and no other', () => {
    expect([...documented.keys()].sort()).toEqual([...CONFIG_VARIABLES].sort());
  });

  it('states the defaults the engine applies', () => {
    const config = loadConfig({}) as unknown as Record<string, unknown>;
    for (const [name, documentedDefault] of documented) {
      const simple = /^`([^`]*)`$/.exec(documentedDefault);
      if (!simple) continue; // "—" (no default) or a conditional default explained in words
      expect(`${name}=${String(config[name])}`).toBe(`${name}=${simple[1]}`);
    }
  });
});
