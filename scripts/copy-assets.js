#!/usr/bin/env node
// `tsc` compiles TypeScript only: this copies the files the compiled engine reads at run time (the dashboard's page)
// from src/ to dist/, keeping their paths, so `dist/dashboard/dashboard-assets.js` finds `dist/dashboard/public/`.
import { cpSync, existsSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const folders = ['dashboard/public'];
// The output folder of the build: `dist` (tsconfig.build.json's outDir) unless another is given, e.g. for a check.
const outDir = resolve(root, process.argv[2] ?? 'dist');

for (const folder of folders) {
  const from = join(root, 'src', folder);
  const to = join(outDir, folder);
  if (!existsSync(from)) {
    console.error(`copy-assets: ${from} is missing`);
    process.exit(1);
  }
  // Start clean so a file deleted from src/ is not served from a stale dist/.
  rmSync(to, { recursive: true, force: true });
  cpSync(from, to, { recursive: true });
  const shown = relative(root, to);
  console.log(`copy-assets: src/${folder} -> ${shown.startsWith('..') ? to : shown}`);
}
