import { accessSync, constants, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type ConsoleMessage,
  type Locator,
  type Page,
} from 'playwright-core';
import { startEngine, type RunningEngine } from '../../../src/boot/start-engine.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { silentLogger } from '../../../src/logging/logger.js';
import { ImportRunLog } from '../../../src/orders/import/import-run-log.js';
import { ActionResultsPoller } from '../../../src/orders/integration/action-results-poller.js';
import { ORDERS_PROJECTION_RUNNER } from '../../../src/orders/projections/orders-read.module.js';
import { OverviewQueries } from '../../../src/orders/projections/overview-queries.js';
import type { ProjectionRunner } from '../../../src/event-store/projections/projection-runner.js';
import { SHOP, type Shop } from '../../../src/shop/shop.port.js';
import { describeWithService, type ServiceCheck } from '../../support/services.js';

/** Debian's Chromium; the suite never downloads a browser. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function chromiumCheck(): ServiceCheck {
  try {
    accessSync(CHROMIUM_PATH, constants.X_OK);
    return { available: true };
  } catch {
    return { available: false, reason: `no Chromium at ${CHROMIUM_PATH} (apt-get install chromium)` };
  }
}

/** Skips with the reason printed when Chromium is absent and CI is unset; fails under CI=true. */
export function describeWithChromium(name: string, body: () => void): void {
  const check = chromiumCheck();
  // Jest drops the console output of a file whose tests are all skipped: write the reason straight to stderr too.
  if (!check.available && !process.env.CI) {
    process.stderr.write(`SKIPPED "${name}": ${check.reason} (set CI=true to make this a failure)\n`);
  }
  describeWithService(check, name, body);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

export interface DashboardEngine {
  engine: RunningEngine;
  url: string;
  close(): Promise<void>;
}

/** A real engine (`startEngine`, as `npm start` boots it) on a fresh SQLite file with the built-in Lengow emulator. */
export async function startDashboardEngine(env: Record<string, string> = {}): Promise<DashboardEngine> {
  const folder = mkdtempSync(join(tmpdir(), 'lengow-dashboard-'));
  const config = loadConfig({
    SQLITE_PATH: join(folder, 'engine.sqlite'),
    PORT: '0',
    HOST: '127.0.0.1',
    SANDBOX: 'on',
    SANDBOX_PORT: '0',
    SANDBOX_ORDERS: '200',
    ...env,
  });
  const engine = await startEngine(config, silentLogger());
  return {
    engine,
    url: engine.url,
    close: async () => {
      await engine.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

/**
 * A browser context per story: its own sessionStorage, 1366×900 like an office laptop. Page errors and console
 * errors are collected so a story can assert the page ran without a script failure.
 */
export async function openDashboard(
  browser: Browser,
  url: string,
  hash = '#/orders',
  options: { reducedMotion?: 'reduce' | 'no-preference'; apiKey?: string; timezoneId?: string } = {},
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({
    viewport: { width: 1366, height: 900 },
    reducedMotion: options.reducedMotion ?? 'reduce',
    timezoneId: options.timezoneId,
  });
  if (options.apiKey) {
    // As if the operator had typed it earlier in this tab: in sessionStorage before the page's first request.
    await context.addInitScript(
      (key) =>
        (
          globalThis as unknown as { sessionStorage: { setItem(name: string, value: string): void } }
        ).sessionStorage.setItem('lengow-sync.apiKey', key),
      options.apiKey,
    );
  }
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message: ConsoleMessage) => {
    // A refused request (401, 404 on purpose) is logged by Chromium as a console error: those are expected answers.
    if (message.type() === 'error' && !/Failed to load resource/.test(message.text())) {
      errors.push(`console: ${message.text()}`);
    }
  });
  await page.goto(`${url}/${hash}`);
  return { context, page, errors };
}

/**
 * Screenshots go to one temp folder per run (created on first use, so a skipped suite leaves nothing behind), printed
 * by the suite, so a person can look at them afterwards.
 */
export class Screenshots {
  private created: string | null = null;
  constructor(private readonly suite: string) {}

  get folder(): string {
    if (!this.created) {
      const root = process.env.DASHBOARD_SCREENSHOTS ?? join(tmpdir(), 'lengow-dashboard-screenshots');
      mkdirSync(root, { recursive: true });
      this.created = mkdtempSync(join(root, `${this.suite}-`));
    }
    return this.created;
  }

  async take(page: Page, name: string): Promise<string> {
    const path = join(this.folder, `${name}.png`);
    await page.screenshot({ path, fullPage: false });
    return path;
  }
}

/** Polls until `check` stops throwing, for conditions that come from the engine (imports, sagas) and not the page. */
export async function eventually<T>(
  check: () => Promise<T>,
  { timeoutMs = 30_000, intervalMs = 200 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw lastError;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * Waits until the first scheduled import has run and its orders have settled (nothing "importing" any more, read
 * models caught up), so a story starts from the same world every time.
 */
export async function settleImports(dashboard: DashboardEngine, timeoutMs = 60_000): Promise<void> {
  const { app } = dashboard.engine;
  const runs = app.get(ImportRunLog, { strict: false });
  const queries = app.get(OverviewQueries, { strict: false });
  const runner = app.get<ProjectionRunner>(ORDERS_PROJECTION_RUNNER, { strict: false });
  await eventually(
    async () => {
      const recent = await runs.recent(10);
      const done = recent.filter((run) => run.outcome === 'succeeded');
      if (!done.some((run) => (run.counts?.received ?? 0) > 0)) {
        throw new Error(`no import run has received orders yet: ${JSON.stringify(recent)}`);
      }
    },
    { timeoutMs },
  );
  await eventually(
    async () => {
      await runner.waitUntilCaughtUp();
      const importing = await queries.count({ importState: 'pending' });
      if (importing > 0) throw new Error(`${importing} orders still importing`);
      if ((await queries.count({})) === 0) throw new Error('the overview has no order yet');
    },
    { timeoutMs },
  );
}

/** Whether the element has keyboard focus. The test sources compile without DOM types, hence the globalThis cast. */
export function isFocused(locator: Locator): Promise<boolean> {
  return locator.evaluate(
    (element) => element === (globalThis as unknown as { document: { activeElement: unknown } }).document.activeElement,
  );
}

/** JSON from the engine's API, failing loudly on an error status (test setup goes through the same API as the page). */
export async function apiJson<T>(dashboard: DashboardEngine, path: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(`${dashboard.url}${path}`, {
    ...init,
    headers: { 'content-type': 'application/json', ...(init.headers ?? {}) },
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

export function shopOf(dashboard: DashboardEngine): Shop {
  return dashboard.engine.app.get<Shop>(SHOP, { strict: false });
}

/**
 * The world of the order stories: the merchant created a shop carrier and set it as the default import carrier of
 * every marketplace and country seen (through the settings API), then ran an import, so most orders are imported and
 * the rest fail for reasons an operator can fix (unknown products, parent products, currencies…). `adminKey`: for an
 * engine with API_KEYS.
 */
export async function prepareOrderWorld(dashboard: DashboardEngine, adminKey?: string): Promise<void> {
  const headers: Record<string, string> = adminKey ? { 'x-api-key': adminKey } : {};
  await settleImports(dashboard);
  const carrier = await shopOf(dashboard).addCarrier({
    name: 'Colissimo',
    trackingUrl: 'https://www.laposte.fr/outils/suivre-vos-envois?code=@',
  });
  const view = await apiJson<{ marketplaces: { marketplace: string; countriesSeen: string[] | null }[] }>(
    dashboard,
    '/api/settings',
    { headers },
  );
  for (const { marketplace, countriesSeen } of view.marketplaces) {
    for (const country of countriesSeen ?? []) {
      await apiJson(dashboard, '/api/settings/default-carriers', {
        method: 'PUT',
        headers,
        body: JSON.stringify({ marketplace, country, importCarrier: { id: String(carrier.id), name: carrier.name } }),
      });
    }
  }
  await apiJson(dashboard, '/api/orders/import', { method: 'POST', body: '{}', headers });
  await settleImports(dashboard);
}

/** One poll of Lengow's action results now, instead of waiting for the minute-long schedule. */
export function pollActionResults(dashboard: DashboardEngine): Promise<unknown> {
  return dashboard.engine.app.get(ActionResultsPoller, { strict: false }).pollNow();
}
