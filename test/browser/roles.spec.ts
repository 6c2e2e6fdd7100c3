import type { Browser, Locator, Page } from 'playwright-core';
import {
  apiJson,
  describeWithChromium,
  isFocused,
  launchChromium,
  openDashboard,
  prepareOrderWorld,
  Screenshots,
  startDashboardEngine,
  type DashboardEngine,
} from './support/dashboard-harness.js';

const VIEWER_KEY = 'viewer-key-5c1e8a7b3d';
const OPERATOR_KEY = 'operator-key-9d2f6b4e1c';
const ADMIN_KEY = 'admin-key-3a7c5e9f2b';

interface OverviewRow {
  marketplace: string;
  marketplaceOrderId: string;
  shopOrderIds: string[];
}

/** The text of the elements `aria-describedby` points to: what a screen reader says after the control's name. */
const description = (control: Locator) =>
  control.evaluate((element) => {
    const doc = (globalThis as unknown as { document: { getElementById(id: string): { textContent: string } | null } })
      .document;
    return (element.getAttribute('aria-describedby') ?? '')
      .split(/\s+/)
      .map((id: string) => doc.getElementById(id)?.textContent.trim() ?? '')
      .filter(Boolean)
      .join(' ');
  });

/** A control the key may not use: disabled, and described by a visible note that says why. */
async function expectRoleDisabled(control: Locator, explanation: string): Promise<void> {
  await expect(control.isDisabled()).resolves.toBe(true);
  const ids = ((await control.getAttribute('aria-describedby')) ?? '').split(/\s+/).filter(Boolean);
  expect(ids.length).toBeGreaterThan(0);
  const note = control.page().locator(ids.map((id) => `.role-note[id="${id}"]`).join(', '));
  await expect(note.count()).resolves.toBe(1);
  await expect(note.isVisible()).resolves.toBe(true);
  await expect(note.textContent()).resolves.toContain(explanation);
  await expect(description(control)).resolves.toContain(explanation);
}

describeWithChromium('dashboard: what the key may do', () => {
  let engine: DashboardEngine;
  let browser: Browser;
  let imported: OverviewRow;
  const shots = new Screenshots('roles');

  beforeAll(async () => {
    [engine, browser] = await Promise.all([
      startDashboardEngine({
        SANDBOX_ORDERS: '40',
        API_KEYS: `${VIEWER_KEY}:viewer,${OPERATOR_KEY}:operator,${ADMIN_KEY}:admin`,
      }),
      launchChromium(),
    ]);
    await prepareOrderWorld(engine, ADMIN_KEY);
    const { items } = await apiJson<{ items: OverviewRow[] }>(engine, '/api/orders?importState=imported&limit=1', {
      headers: { 'x-api-key': VIEWER_KEY },
    });
    imported = items[0];
    console.info(`roles screenshots: ${shots.folder}`);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await engine?.close();
  });

  const orderPage = (row: OverviewRow) =>
    `#/orders/${encodeURIComponent(row.marketplace)}/${encodeURIComponent(row.marketplaceOrderId)}`;
  const go = async (page: Page, hash: string) => {
    await page.goto(`${engine.url}/${hash}`);
  };

  it('turns off every command a viewer key may not run, up front, each saying why', async () => {
    const { context, page, errors } = await openDashboard(browser, engine.url, '#/orders', { apiKey: VIEWER_KEY });
    try {
      await page.locator('#access[data-role="viewer"]', { hasText: 'Viewer key' }).waitFor();
      await page.locator('tbody tr').first().waitFor();
      const needsOperator = 'need the operator role; this key is a viewer key';

      await expectRoleDisabled(page.getByRole('button', { name: 'Import now' }), needsOperator);

      // The badge stays focusable for its reasons, is marked disabled, and says why instead of offering the action.
      const badge = page.locator('tbody [data-badge="import"][data-action="reimport"]').first();
      await expect(badge.getAttribute('aria-disabled')).resolves.toBe('true');
      await badge.focus();
      await expect(isFocused(badge)).resolves.toBe(true);
      const tip = page.locator(`[id="${await badge.getAttribute('aria-describedby')}"]`);
      await tip.waitFor();
      await expect(tip.textContent()).resolves.toContain(
        'Re-import needs the operator role; this key is a viewer key.',
      );
      await expect(tip.textContent()).resolves.not.toContain('Activate to re-import');
      await page.keyboard.press('Enter');
      await expect(page.locator('#confirm-dialog').evaluate((dialog) => dialog.hasAttribute('open'))).resolves.toBe(
        false,
      );
      await shots.take(page, '01-viewer-orders');

      await go(page, orderPage(imported));
      await page.locator('.summary[aria-busy="false"]').waitFor();
      const actions = page.getByRole('region', { name: 'Actions' });
      for (const name of ['Re-import', 'Re-send action', 'Re-synchronise shop order ids', 'Retry stock']) {
        await expectRoleDisabled(actions.getByRole('button', { name, exact: true }), needsOperator);
      }
      const shop = page.getByRole('region', { name: 'Shop status (for testing)' });
      for (const name of ['Mark shipped', 'Mark canceled', 'Mark refunded']) {
        await expectRoleDisabled(shop.getByRole('button', { name }), needsOperator);
      }
      await shots.take(page, '02-viewer-order');

      await go(page, '#/settings');
      await page
        .locator('details[data-marketplace] form[data-form="map-carrier"]')
        .first()
        .waitFor({ state: 'attached' });
      const needsAdmin = 'needs the admin role; this key is a viewer key';
      await expectRoleDisabled(page.getByRole('button', { name: 'Save import settings' }), needsAdmin);
      for (const button of await page.locator('details[data-marketplace] button[type="submit"]').all()) {
        await expectRoleDisabled(button, needsAdmin);
      }
      const remove = page.locator('details[data-marketplace] button.danger');
      await expect(remove.count()).resolves.toBeGreaterThan(0);
      await expectRoleDisabled(remove.first(), needsAdmin);
      await shots.take(page, '03-viewer-settings');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('asks again when the key changes: an operator key runs the commands, and only the admin settings stay off', async () => {
    const { context, page, errors } = await openDashboard(browser, engine.url, '#/orders', { apiKey: VIEWER_KEY });
    try {
      await page.locator('#access[data-role="viewer"]').waitFor();
      await expect(page.getByRole('button', { name: 'Import now' }).isDisabled()).resolves.toBe(true);

      // Forgotten, then another key typed at the engine's next 401: the page learns the new key's role.
      await page.getByRole('button', { name: 'Forget API key' }).click();
      await page.locator('#access').waitFor({ state: 'hidden' });
      await go(page, '#/settings');
      const dialog = page.getByRole('dialog', { name: 'API key required' });
      await dialog.getByLabel('API key').fill(OPERATOR_KEY);
      await dialog.getByRole('button', { name: 'Use this key' }).click();
      await page.locator('#access[data-role="operator"]', { hasText: 'Operator key' }).waitFor();

      await page
        .locator('details[data-marketplace] form[data-form="map-carrier"]')
        .first()
        .waitFor({ state: 'attached' });
      const needsAdmin = 'needs the admin role; this key is an operator key';
      await expectRoleDisabled(page.getByRole('button', { name: 'Save import settings' }), needsAdmin);
      await expectRoleDisabled(page.locator('details[data-marketplace] button.danger').first(), needsAdmin);
      await expectRoleDisabled(
        page.locator('details[data-marketplace] form[data-form="map-carrier"] button[type="submit"]').first(),
        needsAdmin,
      );
      await shots.take(page, '04-operator-settings');

      await go(page, '#/orders');
      await page.locator('tbody tr').first().waitFor();
      const importNow = page.getByRole('button', { name: 'Import now' });
      await expect(importNow.isDisabled()).resolves.toBe(false);
      await expect(importNow.getAttribute('aria-describedby')).resolves.toBeNull();
      await expect(page.locator('.role-note:visible').count()).resolves.toBe(0);
      const badge = page.locator('tbody [data-badge="import"][data-action="reimport"]').first();
      await expect(badge.getAttribute('aria-disabled')).resolves.toBeNull();
      await badge.click();
      const confirm = page.getByRole('dialog').filter({ hasText: 'Re-import order' });
      await confirm.getByRole('button', { name: 'Cancel' }).click();

      await go(page, orderPage(imported));
      await page.locator('.summary[aria-busy="false"]').waitFor();
      const actions = page.getByRole('region', { name: 'Actions' });
      for (const name of ['Re-import', 'Re-synchronise shop order ids']) {
        await expect(actions.getByRole('button', { name, exact: true }).isDisabled()).resolves.toBe(false);
      }
      const shop = page.getByRole('region', { name: 'Shop status (for testing)' });
      await expect(shop.getByRole('button', { name: 'Mark shipped' }).isDisabled()).resolves.toBe(false);
      await expect(page.locator('.role-note:visible').count()).resolves.toBe(0);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);
});
