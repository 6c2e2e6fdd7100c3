import type { Browser, Page } from 'playwright-core';
import {
  describeWithChromium,
  isFocused,
  launchChromium,
  openDashboard,
  Screenshots,
  settleImports,
  startDashboardEngine,
  type DashboardEngine,
} from './support/dashboard-harness.js';

const VIEWER_KEY = 'viewer-key-7f3a9c1d2e';
const OPERATOR_KEY = 'operator-key-2b8e4d6f0a';

const storedKey = (page: Page) =>
  page.evaluate(() =>
    (globalThis as unknown as { sessionStorage: { getItem(key: string): string | null } }).sessionStorage.getItem(
      'lengow-sync.apiKey',
    ),
  );

/** Every visible form control has an accessible name (a label, aria-label or aria-labelledby). */
async function unlabelledControls(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const doc = (globalThis as unknown as { document: { querySelectorAll(selector: string): ArrayLike<unknown> } })
      .document;
    type Control = {
      id: string;
      name: string;
      type: string;
      labels: ArrayLike<unknown> | null;
      getAttribute(name: string): string | null;
      closest(selector: string): unknown;
      getClientRects(): ArrayLike<unknown>;
    };
    return Array.from(doc.querySelectorAll('input, select, textarea') as ArrayLike<Control>)
      .filter((control) => control.type !== 'hidden' && control.getClientRects().length > 0)
      .filter(
        (control) =>
          (control.labels?.length ?? 0) === 0 &&
          !control.getAttribute('aria-label') &&
          !control.getAttribute('aria-labelledby'),
      )
      .map((control) => `${control.type} ${control.name || control.id}`);
  });
}

describeWithChromium('dashboard: API key and accessibility basics', () => {
  let engine: DashboardEngine;
  let browser: Browser;
  const shots = new Screenshots('api-key');

  beforeAll(async () => {
    [engine, browser] = await Promise.all([
      startDashboardEngine({ SANDBOX_ORDERS: '40', API_KEYS: `${VIEWER_KEY}:viewer,${OPERATOR_KEY}:operator` }),
      launchChromium(),
    ]);
    await settleImports(engine);
    console.info(`api-key screenshots: ${shots.folder}`);
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await engine?.close();
  });

  it('asks for a key on 401, says when it is wrong, keeps it for the tab only, and shows 403 refusals', async () => {
    const { context, page, errors } = await openDashboard(browser, engine.url, '#/orders');
    // The engine called this key an operator key when the page asked, and its role was lowered since (API_KEYS is
    // the engine's to change): the page's controls are on, and the engine's refusal must still be shown.
    let lowered = false;
    await page.route('**/api/auth/me', async (route) => {
      if (!lowered && route.request().headers()['x-api-key'] === VIEWER_KEY) {
        await route.fulfill({ json: { role: 'operator', keyId: 'before-change', open: false } });
      } else await route.continue();
    });
    try {
      const dialog = page.getByRole('dialog', { name: 'API key required' });
      await dialog.waitFor();
      const input = dialog.getByLabel('API key');
      await expect(isFocused(input)).resolves.toBe(true);
      await expect(input.getAttribute('type')).resolves.toBe('password');

      await input.fill('not-a-key');
      await dialog.getByRole('button', { name: 'Use this key' }).click();
      // The retry is refused: the dialog comes back saying so, on the field.
      await dialog.locator('#api-key-error', { hasText: 'does not know that key' }).waitFor();
      await expect(input.getAttribute('aria-invalid')).resolves.toBe('true');
      // A refused key is not kept.
      await expect(storedKey(page)).resolves.toBeNull();
      await expect(page.getByRole('button', { name: 'Forget API key' }).isHidden()).resolves.toBe(true);
      await shots.take(page, '01-wrong-key');

      await input.fill(VIEWER_KEY);
      await dialog.getByRole('button', { name: 'Use this key' }).click();
      await page.locator('tbody tr').first().waitFor();
      await expect(dialog.isHidden()).resolves.toBe(true);
      await page.locator('#connection[data-state="open"]').waitFor();
      await expect(storedKey(page)).resolves.toBe(VIEWER_KEY);
      await expect(page.getByRole('button', { name: 'Forget API key' }).isVisible()).resolves.toBe(true);
      // The key is never part of what the server sends.
      const html = await (await fetch(`${engine.url}/`)).text();
      expect(html).not.toContain(VIEWER_KEY);

      // A viewer may look but not re-import: the engine's 403 is shown in the dialog, in words.
      await page.locator('#access[data-role="operator"]').waitFor();
      const badge = page.locator('tbody [data-badge="import"][data-action="reimport"]').first();
      await badge.click();
      const confirm = page.getByRole('dialog').filter({ hasText: 'Re-import order' });
      lowered = true;
      await confirm.getByRole('button', { name: 'Re-import' }).click();
      const refusal = confirm.locator('[data-outcome="error"]');
      await refusal.waitFor();
      await expect(refusal.textContent()).resolves.toMatch(/Forbidden: .*needs the operator role/);
      await expect(refusal.textContent()).resolves.toContain('Code: ROLE_TOO_LOW');
      await shots.take(page, '02-forbidden');
      await confirm.getByRole('button', { name: 'Close' }).click();
      await expect(isFocused(badge)).resolves.toBe(true);
      // The refusal made the page ask again: the badge now says the key may not re-import, before any dialog.
      await page.locator('#access[data-role="viewer"]').waitFor();
      await expect(badge.getAttribute('aria-disabled')).resolves.toBe('true');
      await expect(isFocused(badge)).resolves.toBe(true);

      await page.getByRole('button', { name: 'Forget API key' }).click();
      await expect(storedKey(page)).resolves.toBeNull();
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
    // A new tab (a new session) does not know the key.
    const fresh = await openDashboard(browser, engine.url, '#/orders');
    try {
      await fresh.page.getByRole('dialog', { name: 'API key required' }).waitFor();
    } finally {
      await fresh.context.close();
    }
  }, 60_000);

  it('is usable from the keyboard: skip link, labelled controls on every page, focus on the new heading', async () => {
    const { context, page, errors } = await openDashboard(browser, engine.url, '#/orders', { apiKey: OPERATOR_KEY });
    try {
      await page.locator('tbody tr').first().waitFor();

      // The first Tab reaches the skip link, which moves focus to the content.
      await page.keyboard.press('Tab');
      const skip = page.getByRole('link', { name: 'Skip to content' });
      await expect(isFocused(skip)).resolves.toBe(true);
      await page.keyboard.press('Enter');
      await expect(isFocused(page.locator('main'))).resolves.toBe(true);
      await expect(unlabelledControls(page)).resolves.toEqual([]);

      // Navigating with the keyboard moves focus to the new page's heading and marks the current link.
      const nav = page.getByRole('navigation', { name: 'Main' });
      await nav.getByRole('link', { name: 'Order parameters' }).focus();
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { level: 1, name: 'Order parameters' }).waitFor();
      await expect(isFocused(page.getByRole('heading', { level: 1 }))).resolves.toBe(true);
      await expect(nav.getByRole('link', { name: 'Order parameters' }).getAttribute('aria-current')).resolves.toBe(
        'page',
      );
      await page.locator('details[data-marketplace]').first().waitFor();
      await expect(unlabelledControls(page)).resolves.toEqual([]);

      const [row] = await page.evaluate(async () => {
        const response = await fetch('/api/orders?limit=1', {
          headers: {
            'X-API-Key':
              (
                globalThis as unknown as { sessionStorage: { getItem(key: string): string | null } }
              ).sessionStorage.getItem('lengow-sync.apiKey') ?? '',
          },
        });
        return ((await response.json()) as { items: { marketplace: string; marketplaceOrderId: string }[] }).items;
      });
      await page.goto(`${engine.url}/#/orders/${row.marketplace}/${encodeURIComponent(row.marketplaceOrderId)}`);
      await page.locator('.timeline > li').first().waitFor();
      await expect(unlabelledControls(page)).resolves.toEqual([]);
      await expect(page.locator('#announcer').getAttribute('aria-live')).resolves.toBe('polite');
      await shots.take(page, '03-order-page-keyboard');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('loads the counters and the marketplace filter too when the key is given after a cancel', async () => {
    const { context, page, errors } = await openDashboard(browser, engine.url, '#/orders');
    try {
      const dialog = page.getByRole('dialog', { name: 'API key required' });
      await dialog.waitFor();
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      const banner = page.locator('.banner-error', { hasText: 'The orders could not be loaded' });
      await banner.waitFor();
      await page.locator('.counters', { hasText: 'Counters unavailable' }).waitFor();

      await banner.getByRole('button', { name: 'Retry' }).click();
      await dialog.getByLabel('API key').fill(VIEWER_KEY);
      await dialog.getByRole('button', { name: 'Use this key' }).click();
      await page.locator('tbody tr').first().waitFor();
      await page.locator('caption', { hasText: '(40 matching)' }).waitFor();
      await page.locator('[data-counter="not_imported"]').waitFor();
      await expect(page.locator('.counters').textContent()).resolves.not.toContain('Counters unavailable');
      await expect(page.getByLabel('Marketplace').locator('option').count()).resolves.toBeGreaterThan(1);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);
});
