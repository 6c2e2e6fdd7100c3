#!/usr/bin/env node
// `tsc` compiles TypeScript only: this copies the files the compiled engine reads at run time (the dashboard's page)
// from src/ to dist/, keeping their paths, so `dist/dashboard/dashboard-assets.js` finds `dist/dashboard/public/`.
import { cpSync, existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const folders = ['dashboard/public'];

for (const folder of folders) {
  const from = join(root, 'src', folder);
  const to = join(root, 'dist', folder);
  if (!existsSync(from)) {
    console.error(`copy-assets: ${from} is missing`);
    process.exit(1);
  }
  // Start clean so a file deleted from src/ is not served from a stale dist/.
  rmSync(to, { recursive: true, force: true });
  cpSync(from, to, { recursive: true });
  console.log(`copy-assets: src/${folder} -> dist/${folder}`);
}
