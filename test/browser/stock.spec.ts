import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DurableSagaRunner } from '../../src/cqrs/durable-saga-runner.js';
import { SQL_DATABASE, type SqlDatabase } from '../../src/database/sql-database.port.js';
import { EMULATOR_MARKETPLACE, emulatorOrder } from '../../src/orders/integration/testing/emulator-order.js';
import {
  apiJson,
  describeWithChromium,
  eventually,
  isFocused,
  launchChromium,
  openDashboard,
  prepareOrderWorld,
  Screenshots,
  shopOf,
  startDashboardEngine,
  type DashboardEngine,
} from './support/dashboard-harness.js';

interface OverviewRow {
  marketplace: string;
  marketplaceOrderId: string;
  stockState: string;
  stockMessages: string[];
  actionState: string;
}

interface OrderDetail {
  revision: number;
  overview: OverviewRow | null;
  timeline: { entries: { type: string }[] };
}

const PRODUCT = '990001';
const SHORT_ORDER = 'SHORT-1';
const SHORTFALL = `product ${PRODUCT}: 2 ordered, 1 in stock`;
const GONE_PRODUCT = { id: '990002', name: 'Discontinued mug', stock: 5, priceCents: 1995 };
const GONE_ORDER = 'GONE-1';
const NOT_IN_SHOP = `product ${GONE_PRODUCT.id} is no longer in the shop catalogue`;

describeWithChromium('dashboard: stock not decremented', () => {
  let engine: DashboardEngine;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  const shots = new Screenshots('stock');

  const orderApi = (marketplace: string, id: string) => `/api/orders/${marketplace}/${encodeURIComponent(id)}`;
  const detailOf = (marketplace: string, id: string) => apiJson<OrderDetail>(engine, orderApi(marketplace, id));
  const banner = () => page.getByRole('region', { name: 'Stock not decremented' });
  const retryButton = () => page.getByRole('button', { name: 'Retry stock', exact: true });
  /** Opens an order's page and waits until its summary is drawn from the overview row. */
  const openOrder = async (marketplace: string, id: string) => {
    await page.goto(`${engine.url}/#/orders/${marketplace}/${encodeURIComponent(id)}`);
    await page.getByRole('heading', { level: 1, name: new RegExp(`^Order ${id} · `) }).waitFor();
    await page.locator('.summary[aria-busy="false"]').waitFor();
  };

  /**
   * As in the HTTP e2e story: an order validated while its product was in stock, whose stock an operator then lowered
   * by hand before the decrement ran (the shop-order saga is held back meanwhile), with "force product" off. On
   * another marketplace than the emulator's, the order needs that marketplace's own word for "waiting shipment".
   */
  async function provokeShortfall(
    orderId = SHORT_ORDER,
    productId = PRODUCT,
    { marketplace, marketplaceStatus }: { marketplace: string; marketplaceStatus?: string } = {
      marketplace: EMULATOR_MARKETPLACE,
    },
  ): Promise<void> {
    const shop = shopOf(engine);
    await shop.upsertProduct({ id: productId, name: 'Short mug', stock: 5, priceCents: 1995 });
    const carrier = (await shop.listCarriers()).find((c) => c.name === 'Colissimo')!;
    await apiJson(engine, '/api/settings/default-carriers', {
      method: 'PUT',
      body: JSON.stringify({
        marketplace,
        country: 'FR',
        importCarrier: { id: String(carrier.id), name: carrier.name },
      }),
    });
    await apiJson(engine, '/api/settings/import', { method: 'PATCH', body: JSON.stringify({ forceProduct: false }) });
    const saga = engine.engine.app.get(DurableSagaRunner, { strict: false }).consumer('saga:ShopOrderSagas')!;
    // Held back before the order exists in Lengow, so no scheduled import can take it through the saga first.
    await saga.stop();
    try {
      const lines = [{ lineId: `${orderId}-1`, product: productId, quantity: 2, amount: 39.9 }];
      engine.engine.sandbox!.state.orders.add(
        { ...emulatorOrder({ marketplaceOrderId: orderId, packages: [lines], marketplaceStatus }), marketplace },
        Date.now(),
      );
      const planned = await apiJson<{ outcome: { kind: string } }>(engine, `${orderApi(marketplace, orderId)}/import`, {
        method: 'POST',
        body: '{}',
      });
      expect(planned.outcome.kind).toBe('planned');
      await shop.setStock(productId, 1);
    } finally {
      await saga.start();
    }
    await stockFailedOn(orderId, marketplace);
  }

  /**
   * As in the HTTP e2e story: the merchant deletes the product right after the shop order was written, before the
   * stock decrement (a trigger in that very transaction, so the timing cannot matter).
   */
  async function provokeProductGone(orderId: string, product: typeof GONE_PRODUCT): Promise<void> {
    const db = engine.engine.app.get<SqlDatabase>(SQL_DATABASE, { strict: false });
    await shopOf(engine).upsertProduct(product);
    const trigger = `browser_product_deleted_${product.id}`;
    await db.execute(
      `CREATE TRIGGER ${trigger} AFTER INSERT ON shop_order_lines WHEN NEW.product_id = '${product.id}'
       BEGIN DELETE FROM shop_products WHERE shop_id = '${product.id}'; END`,
    );
    try {
      const lines = [{ lineId: `${orderId}-1`, product: product.id, quantity: 2, amount: 39.9 }];
      engine.engine.sandbox!.state.orders.add(
        emulatorOrder({ marketplaceOrderId: orderId, packages: [lines] }),
        Date.now(),
      );
      await apiJson(engine, `${orderApi(EMULATOR_MARKETPLACE, orderId)}/import`, { method: 'POST', body: '{}' });
      await stockFailedOn(orderId);
    } finally {
      await db.execute(`DROP TRIGGER IF EXISTS ${trigger}`);
    }
  }

  const stockFailedOn = (orderId: string, marketplace = EMULATOR_MARKETPLACE) =>
    eventually(async () => {
      const detail = await detailOf(marketplace, orderId);
      expect(detail.overview?.stockState).toBe('failed');
    });

  beforeAll(async () => {
    [engine, browser] = await Promise.all([startDashboardEngine(), launchChromium()]);
    await prepareOrderWorld(engine);
    await provokeShortfall();
    ({ context, page, errors } = await openDashboard(browser, engine.url, '#/orders'));
    console.info(`stock screenshots: ${shots.folder}`);
  }, 120_000);
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await engine?.close();
  });
  afterEach(() => {
    // Every story also checks the page ran without a script error.
    expect(errors).toEqual([]);
  });

  it('shows the shortfall, and takes the stock on Retry stock after restocking, live', async () => {
    await openOrder(EMULATOR_MARKETPLACE, SHORT_ORDER);
    // A marker on the window: it survives only if the page changes without a reload.
    await page.evaluate(() => ((globalThis as unknown as { notReloaded: boolean }).notReloaded = true));

    // The banner is a region named by its heading, with the engine's words: the product and the figures.
    await banner().waitFor();
    await expect(banner().getByRole('heading', { level: 2, name: 'Stock not decremented' }).isVisible()).resolves.toBe(
      true,
    );
    await expect(banner().getByRole('listitem').allTextContents()).resolves.toEqual([SHORTFALL]);
    await expect(banner().textContent()).resolves.toContain('Restock the products named, then retry the stock.');
    // The fix is the primary action of the page, and it can be pressed.
    await expect(retryButton().isEnabled()).resolves.toBe(true);
    await expect(retryButton().evaluate((button) => button.classList.contains('primary'))).resolves.toBe(true);
    await shots.take(page, '01-stock-not-decremented');

    // The operator restocks the product in the shop, then retries.
    await shopOf(engine).setStock(PRODUCT, 5);
    await retryButton().click();
    const dialog = page.getByRole('dialog');
    await expect(dialog.locator('h2').textContent()).resolves.toBe(`Retry the stock of order ${SHORT_ORDER}?`);
    await expect(dialog.textContent()).resolves.toContain(SHORTFALL);
    await shots.take(page, '02-retry-confirm');
    await dialog.getByRole('button', { name: 'Retry stock' }).click();
    await dialog.locator('[data-outcome="ok"]').waitFor();
    await expect(dialog.locator('[data-outcome="ok"]').textContent()).resolves.toContain(
      `Stock retry for ${SHORT_ORDER}`,
    );
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await expect(isFocused(retryButton())).resolves.toBe(true);

    // The saga takes the units: the banner goes away by itself, and the timeline shows the decrement.
    await banner().waitFor({ state: 'detached', timeout: 30_000 });
    await page.locator('.timeline > li[data-event-type="StockDecremented"]').waitFor();
    await expect(
      page.locator('.timeline > li[data-event-type="StockDecremented"] .event-type').textContent(),
    ).resolves.toBe('Stock decremented');
    await expect(page.locator('.timeline > li[data-event-type="StockDecremented"]').count()).resolves.toBe(1);
    await expect(retryButton().evaluate((button) => button.classList.contains('primary'))).resolves.toBe(false);
    // Screen-reader users hear the outcome too, not only the request.
    await eventually(async () =>
      expect(await page.locator('#announcer').textContent()).toContain(`Order ${SHORT_ORDER}: stock decremented.`),
    );
    await expect(page.evaluate(() => (globalThis as unknown as { notReloaded?: boolean }).notReloaded)).resolves.toBe(
      true,
    );
    await shots.take(page, '03-stock-decremented');

    const after = await detailOf(EMULATOR_MARKETPLACE, SHORT_ORDER);
    expect(after.overview!.stockState).toBe('done');
    expect((await shopOf(engine).getProduct(PRODUCT))!.stock).toBe(3);
  }, 60_000);

  it('shows no banner for an order whose stock is decremented, and Retry stock disabled with the reason', async () => {
    // An order the import took through the stock saga in one go, not the one the story above retried (waited for:
    // the stock saga may still be working through the import on a busy machine).
    const target = await eventually(async () => {
      const { items } = await apiJson<{ items: OverviewRow[] }>(
        engine,
        '/api/orders?importState=imported&stockState=done&limit=50',
      );
      const found = items.find((row) => row.marketplaceOrderId !== SHORT_ORDER && row.actionState !== 'failed');
      if (!found) throw new Error('no order with its stock decremented yet');
      return found;
    });
    await openOrder(target.marketplace, target.marketplaceOrderId);

    await expect(banner().count()).resolves.toBe(0);
    await expect(page.locator('[data-why="stock"]').count()).resolves.toBe(0);
    await expect(retryButton().evaluate((button) => button.classList.contains('primary'))).resolves.toBe(false);

    // The engine would refuse both (STOCK_ALREADY_DECREMENTED, NO_FAILED_ACTION): the page says so before any
    // confirmation, beside the buttons, and the buttons point to that text.
    await expect(retryButton().isDisabled()).resolves.toBe(true);
    const resend = page.locator('[data-command="resend"]');
    await expect(resend.isDisabled()).resolves.toBe(true);
    const reasons = page.locator('#order-actions-unavailable');
    await expect(reasons.getByRole('listitem').allTextContents()).resolves.toEqual([
      'Re-send action: no action of this order failed, so there is nothing to send again.',
      'Retry stock: the stock is already decremented.',
    ]);
    await expect(retryButton().getAttribute('aria-describedby')).resolves.toBe('order-actions-unavailable');
    await expect(page.locator('[data-command="resynchronize"]').isDisabled()).resolves.toBe(false);
    await shots.take(page, '04-retry-unavailable');

    // The timeline says what the stock events changed, as for the other events.
    await page
      .locator('.timeline > li[data-event-type="StockDecremented"] .event-changes li', {
        hasText: /^Stock: .* → Decremented$/,
      })
      .waitFor();
  }, 60_000);

  it('words the banner for a product no longer in the shop catalogue: put it back, not restock; then Retry stock', async () => {
    const shop = shopOf(engine);
    await provokeProductGone(GONE_ORDER, GONE_PRODUCT);

    await openOrder(EMULATOR_MARKETPLACE, GONE_ORDER);
    await banner().waitFor();
    await expect(banner().getByRole('listitem').allTextContents()).resolves.toEqual([NOT_IN_SHOP]);
    const words = (await banner().textContent()) ?? '';
    expect(words).toContain('Put them back in the catalogue, then retry the stock.');
    expect(words).not.toMatch(/restock/i);
    await expect(retryButton().evaluate((button) => button.classList.contains('primary'))).resolves.toBe(true);
    await shots.take(page, '05-product-not-in-shop');

    await shop.upsertProduct(GONE_PRODUCT);
    await retryButton().click();
    const dialog = page.getByRole('dialog');
    await expect(dialog.textContent()).resolves.toContain('Put the products back in the shop catalogue first');
    await expect(dialog.textContent()).resolves.toContain(NOT_IN_SHOP);
    await dialog.getByRole('button', { name: 'Retry stock' }).click();
    await dialog.locator('[data-outcome="ok"]').waitFor();
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'hidden' });

    await banner().waitFor({ state: 'detached', timeout: 30_000 });
    await page.locator('.timeline > li[data-event-type="StockDecremented"]').waitFor();
    await expect(page.locator('.timeline > li[data-event-type="StockDecremented"]').count()).resolves.toBe(1);
    expect((await shop.getProduct(GONE_PRODUCT.id))!.stock).toBe(3);
  }, 60_000);

  it('lists the orders whose stock was not decremented as a state of their own, counted, badged per cause, live', async () => {
    const short = { id: 'SHORT-2', product: '990003' };
    const gone = {
      id: 'GONE-2',
      product: { id: '990004', name: 'Another discontinued mug', stock: 5, priceCents: 995 },
    };
    await provokeShortfall(short.id, short.product);
    await provokeProductGone(gone.id, gone.product);
    const chip = page.locator('[data-counter="stock_failed"]');
    const chipCount = () => chip.locator('.counter-value').textContent();
    const rowOf = (id: string) => page.locator(`tbody tr[data-order-id="${id}"]`);
    const listedIds = () =>
      page
        .locator('tbody tr[data-order-id]')
        .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-order-id')));

    // The world's own failures count too (emulator orders short of the stock the earlier stories took): the page
    // must agree with the engine, these two included.
    const failedBefore = await apiJson<{ items: OverviewRow[] }>(engine, '/api/orders?stockState=failed&limit=100');
    const failedIds = failedBefore.items.map((row) => row.marketplaceOrderId).sort();
    expect(failedIds).toEqual(expect.arrayContaining([gone.id, short.id]));
    const { stockFailed } = await apiJson<{ stockFailed: number }>(engine, '/api/orders/counters');
    expect(stockFailed).toBe(failedIds.length);

    await page.goto(`${engine.url}/#/orders`);
    await page.locator('table[aria-busy="false"] tbody tr').first().waitFor();
    await eventually(async () => expect(await chipCount()).toBe(String(stockFailed)));
    await expect(chip.textContent()).resolves.toBe(`${stockFailed}Stock not decremented`);
    // The count honours the other filters, as every chip's does.
    await page.getByLabel('Search').fill(short.id);
    await eventually(async () => expect(await chipCount()).toBe('1'));
    await page.getByLabel('Search').fill('');
    await eventually(async () => expect(await chipCount()).toBe(String(stockFailed)));

    // Chosen in the state filter, it lists exactly those orders, each with a badge in words saying why.
    await page.getByLabel('State', { exact: true }).selectOption({ label: 'Stock not decremented' });
    await eventually(async () => expect((await listedIds()).sort()).toEqual(failedIds));
    await expect(chip.getAttribute('aria-pressed')).resolves.toBe('true');
    expect(new URL(page.url()).hash).toContain('state=stock_failed');
    await eventually(async () =>
      expect(await page.locator('caption').textContent()).toContain(`(${stockFailed} matching)`),
    );
    const badges = await page
      .locator('tbody tr[data-order-id]')
      .evaluateAll((rows) => rows.map((row) => row.querySelector('[data-badge="stock"]')?.getAttribute('data-state')));
    expect(badges.every((label) => label === 'Stock short' || label === 'Product not in catalogue')).toBe(true);
    const shortBadge = rowOf(short.id).getByRole('button', {
      name: new RegExp(`^Stock short — order ${short.id} on `),
    });
    const goneBadge = rowOf(gone.id).getByRole('button', {
      name: new RegExp(`^Product not in catalogue — order ${gone.id} on `),
    });
    await expect(shortBadge.count()).resolves.toBe(1);
    await expect(goneBadge.count()).resolves.toBe(1);
    // Its reasons and what to fix show on keyboard focus as on hover: the engine's words, restock or put it back.
    await shortBadge.focus();
    const shortTip = rowOf(short.id).getByRole('tooltip');
    await shortTip.waitFor();
    await expect(shortTip.textContent()).resolves.toContain(`product ${short.product}: 2 ordered, 1 in stock`);
    await expect(shortTip.textContent()).resolves.toContain('Restock');
    await goneBadge.focus();
    const goneTip = rowOf(gone.id).getByRole('tooltip');
    await goneTip.waitFor();
    await expect(goneTip.textContent()).resolves.toContain(
      `product ${gone.product.id} is no longer in the shop catalogue`,
    );
    await expect(goneTip.textContent()).resolves.not.toMatch(/restock/i);
    await shortTip.waitFor({ state: 'hidden' });
    await shots.take(page, '06-list-stock-not-decremented');

    // Another operator restocks and retries the shortfall (the API, as from the order page in another tab): the row
    // loses its badge and the chip its count, without a reload.
    await page.evaluate(() => ((globalThis as unknown as { notReloaded: boolean }).notReloaded = true));
    await page.getByLabel('Search').focus();
    await shopOf(engine).setStock(short.product, 5);
    await apiJson(engine, `${orderApi(EMULATOR_MARKETPLACE, short.id)}/retry-stock-decrement`, {
      method: 'POST',
      body: '{}',
    });
    await eventually(async () => expect(await rowOf(short.id).locator('[data-badge="stock"]').count()).toBe(0));
    await expect(rowOf(short.id).locator('[data-badge="import"]').getAttribute('data-state')).resolves.toBe('Imported');
    await eventually(async () => expect(await chipCount()).toBe(String(stockFailed - 1)));
    await eventually(async () =>
      expect(await page.locator('caption').textContent()).toContain(`(${stockFailed - 1} matching)`),
    );
    await expect(rowOf(gone.id).locator('[data-badge="stock"]').getAttribute('data-state')).resolves.toBe(
      'Product not in catalogue',
    );
    await eventually(async () =>
      expect(await page.locator('#announcer').textContent()).toMatch(
        new RegExp(`Order ${short.id} \\(.*\\) is now Imported\\.`),
      ),
    );
    await expect(page.evaluate(() => (globalThis as unknown as { notReloaded?: boolean }).notReloaded)).resolves.toBe(
      true,
    );
    await shots.take(page, '07-list-stock-decremented-live');
    const counters = await apiJson<{ stockFailed: number }>(engine, '/api/orders/counters');
    expect(counters.stockFailed).toBe(stockFailed - 1);
  }, 90_000);

  it('says on the marketplace line where stock failed, and lists that marketplace’s failed orders in one click', async () => {
    // On another marketplace than the emulator's, whose own failure (SHORT-1 or GONE-2, by the stories run) stays.
    const elsewhere = { id: 'SHORT-3', product: '990005', marketplace: 'amazon_fr', marketplaceStatus: 'Unshipped' };
    const sharesOf = async () =>
      (
        await apiJson<{ marketplaces: { marketplace: string; label: string; stockFailed: number | null }[] }>(
          engine,
          '/api/orders/counters',
        )
      ).marketplaces;
    const entryOf = (marketplace: string) => page.locator(`.marketplace-counters [data-marketplace="${marketplace}"]`);
    const stockLinkOf = (marketplace: string) => entryOf(marketplace).locator('[data-stock-failed-of]');
    const listed = () =>
      page
        .locator('tbody tr[data-order-id]')
        .evaluateAll((rows) =>
          rows.map((row) => `${row.getAttribute('data-marketplace')}/${row.getAttribute('data-order-id')}`),
        );

    await page.goto(`${engine.url}/#/orders`);
    await page.locator('table[aria-busy="false"] tbody tr').first().waitFor();
    const before = await sharesOf();
    const share = (marketplace: string) => before.find((entry) => entry.marketplace === marketplace)!;
    expect(share(EMULATOR_MARKETPLACE).stockFailed).toBeGreaterThan(0);
    const { label, stockFailed: failedBefore } = share(elsewhere.marketplace);
    expect(failedBefore).not.toBeNull();
    await eventually(async () =>
      expect(await page.locator('.marketplace-counters').textContent()).toContain(`${label}: `),
    );
    // A marketplace with no failure shows its total only.
    for (const entry of before.filter((e) => e.stockFailed === 0)) {
      await expect(stockLinkOf(entry.marketplace).count()).resolves.toBe(0);
    }

    // The shortfall happens while the page is open: the line shows it without a reload.
    await page.evaluate(() => ((globalThis as unknown as { notReloaded: boolean }).notReloaded = true));
    await provokeShortfall(elsewhere.id, elsewhere.product, elsewhere);
    const failed = failedBefore! + 1;
    const after = await sharesOf();
    expect(after.find((entry) => entry.marketplace === elsewhere.marketplace)!.stockFailed).toBe(failed);
    // A button named for a screen reader with its marketplace, as the eye reads it from the line.
    const link = page.getByRole('button', { name: `${failed} with stock not decremented on ${label}`, exact: true });
    await link.waitFor();
    await expect(entryOf(elsewhere.marketplace).textContent()).resolves.toMatch(
      new RegExp(`^${label}: \\d+ \\(${failed} with stock not decremented`),
    );
    await expect(stockLinkOf(EMULATOR_MARKETPLACE).count()).resolves.toBe(1);
    await expect(link.getAttribute('aria-pressed')).resolves.toBe('false');
    await shots.take(page, '08-marketplace-line-stock-failed');

    // One click: that marketplace, state "Stock not decremented", as if both filters had been chosen.
    const { items } = await apiJson<{ items: OverviewRow[] }>(
      engine,
      `/api/orders?stockState=failed&marketplace=${elsewhere.marketplace}&limit=100`,
    );
    const expected = items.map((row) => `${row.marketplace}/${row.marketplaceOrderId}`).sort();
    expect(expected).toContain(`${elsewhere.marketplace}/${elsewhere.id}`);
    await link.click();
    await eventually(async () => expect((await listed()).sort()).toEqual(expected));
    const hash = new URL(page.url()).hash;
    expect(hash).toContain('state=stock_failed');
    expect(hash).toContain(`marketplace=${elsewhere.marketplace}`);
    await expect(page.getByLabel('State', { exact: true }).inputValue()).resolves.toBe('stock_failed');
    await expect(page.getByLabel('Marketplace', { exact: true }).inputValue()).resolves.toBe(elsewhere.marketplace);
    await expect(page.locator('[data-counter="stock_failed"]').getAttribute('aria-pressed')).resolves.toBe('true');
    await eventually(async () => expect(await page.locator('caption').textContent()).toContain(`(${failed} matching)`));
    // The line now counts that marketplace only; its button says it is the filter applied, and keeps the focus.
    await eventually(async () =>
      expect(await page.locator('.marketplace-counters [data-marketplace]').count()).toBe(1),
    );
    await expect(link.getAttribute('aria-pressed')).resolves.toBe('true');
    await expect(isFocused(link)).resolves.toBe(true);
    await expect(page.evaluate(() => (globalThis as unknown as { notReloaded?: boolean }).notReloaded)).resolves.toBe(
      true,
    );
    await shots.take(page, '09-marketplace-stock-failed-listed');
  }, 90_000);
});
