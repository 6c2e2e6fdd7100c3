import 'reflect-metadata';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { DASHBOARD_PUBLIC_FOLDER, DashboardAssets } from './dashboard-assets.js';
import { DASHBOARD_CSP } from './dashboard.controller.js';
import { DashboardModule } from './dashboard.module.js';

describe('DashboardModule', () => {
  let app: NestFastifyApplication;
  let url: string;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [DashboardModule] }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
    await app.listen(0, '127.0.0.1');
    url = await app.getUrl();
  });
  afterAll(async () => {
    await app.close();
  });

  it('serves the page at / with a strict content security policy', async () => {
    const response = await fetch(`${url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(DASHBOARD_CSP);
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await response.text();
    expect(html).toBe(readFileSync(join(DASHBOARD_PUBLIC_FOLDER, 'index.html'), 'utf8'));
    expect(html).toContain('<script type="module" src="/assets/app.js"></script>');
  });

  it('serves every script the page imports, as JavaScript', async () => {
    const seen = new Set<string>();
    const pending = ['app.js'];
    while (pending.length > 0) {
      const name = pending.pop()!;
      if (seen.has(name)) continue;
      seen.add(name);
      const response = await fetch(`${url}/assets/${name}`);
      expect({ name, status: response.status }).toEqual({ name, status: 200 });
      expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      const source = await response.text();
      for (const match of source.matchAll(/from '\.\/([\w-]+\.js)'/g)) pending.push(match[1]);
    }
    // The shell, the three views and their helpers: a broken import would leave the page blank.
    expect([...seen]).toEqual(
      expect.arrayContaining(['app.js', 'orders-view.js', 'order-view.js', 'settings-view.js']),
    );
  });

  it('serves the stylesheet and the icon with their types', async () => {
    const css = await fetch(`${url}/assets/styles.css`);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    const icon = await fetch(`${url}/assets/favicon.svg`);
    expect(icon.headers.get('content-type')).toBe('image/svg+xml');
  });

  it('answers 304 to a matching If-None-Match, so reloads cost no body', async () => {
    const first = await fetch(`${url}/assets/styles.css`);
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(first.headers.get('cache-control')).toBe('no-cache');
    const second = await fetch(`${url}/assets/styles.css`, { headers: { 'If-None-Match': etag! } });
    expect(second.status).toBe(304);
    expect(await second.text()).toBe('');
  });

  it.each([
    ['an unknown file', '/assets/nope.js'],
    ['a path escaping the folder', '/assets/..%2Fdashboard.module.ts'],
    ['a parent path', '/assets/../package.json'],
    ['the page under /assets', '/assets/index.html'],
  ])('refuses %s with 404', async (_label, path) => {
    const response = await fetch(`${url}${path}`);
    expect(response.status).toBe(404);
  });
});

describe('DashboardAssets', () => {
  let folder: string;
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'dashboard-assets-'));
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it('names the build step when the public folder was not copied', () => {
    expect(() => new DashboardAssets(join(folder, 'missing'))).toThrow(/scripts\/copy-assets\.js/);
  });

  it('refuses a folder without index.html', () => {
    writeFileSync(join(folder, 'app.js'), '');
    expect(() => new DashboardAssets(folder)).toThrow(/index\.html missing/);
  });

  it('serves only known file types and skips sub-folders', () => {
    writeFileSync(join(folder, 'index.html'), '<!doctype html>');
    writeFileSync(join(folder, 'notes.md'), '# private');
    mkdirSync(join(folder, 'nested.js'));
    const assets = new DashboardAssets(folder);
    expect(assets.names()).toEqual(['index.html']);
  });
});
