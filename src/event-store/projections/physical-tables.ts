import type { ProjectionTables } from './projection.js';

/** Physical names of one generation: `<base>__g<generation>`. Each generation has its own, so index names never clash. */
export function physicalTables(bases: readonly string[], generation: number): ProjectionTables {
  return Object.fromEntries(bases.map((base) => [base, `${base}__g${generation}`]));
}

/** Whether stored tables belong to the same set of base names as the projection's code declares. */
export function sameBases(tables: ProjectionTables, bases: readonly string[]): boolean {
  const stored = Object.keys(tables);
  return stored.length === bases.length && bases.every((base) => base in tables);
}
