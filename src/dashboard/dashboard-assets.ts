import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The page's files sit next to this module: `src/dashboard/public` in development, `dist/dashboard/public` once built. */
export const DASHBOARD_PUBLIC_FOLDER = fileURLToPath(new URL('./public/', import.meta.url));

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
};

export interface DashboardAsset {
  readonly name: string;
  readonly body: Buffer;
  readonly contentType: string;
  /** Strong validator: the page is small, so every load revalidates and a deploy is seen at once. */
  readonly etag: string;
}

/**
 * Every file of the public folder, read once at boot. Requests are answered from this map by exact name, so no
 * request path ever reaches the file system (no traversal to guard against) and a file type we do not know is not
 * served at all.
 */
export class DashboardAssets {
  private readonly assets = new Map<string, DashboardAsset>();

  constructor(readonly folder: string = DASHBOARD_PUBLIC_FOLDER) {
    let names: string[];
    try {
      names = readdirSync(folder);
    } catch (error) {
      throw new Error(
        `dashboard files not found in ${folder} (${(error as NodeJS.ErrnoException).code ?? 'error'}): ` +
          'the build must copy src/dashboard/public (node scripts/copy-assets.js)',
      );
    }
    for (const name of names) {
      const path = join(folder, name);
      const contentType = CONTENT_TYPES[extname(name)];
      if (!contentType || !statSync(path).isFile()) continue;
      const body = readFileSync(path);
      const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
      this.assets.set(name, { name, body, contentType, etag });
    }
    if (!this.assets.has('index.html')) throw new Error(`dashboard index.html missing in ${folder}`);
  }

  get(name: string): DashboardAsset | undefined {
    return this.assets.get(name);
  }

  names(): string[] {
    return [...this.assets.keys()].sort();
  }
}
