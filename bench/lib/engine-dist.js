import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The compiled engine the scenarios measure: dist/ by default, BENCH_DIST for another build (a fresh tsc --outDir). */
export const distDir = process.env.BENCH_DIST
  ? process.env.BENCH_DIST
  : join(dirname(dirname(dirname(fileURLToPath(import.meta.url)))), 'dist');

/** Imports a module of the compiled engine by its path under dist/ (e.g. `boot/start-engine.js`). */
export const loadEngineModule = (path) => import(pathToFileURL(join(distDir, path)).href);
