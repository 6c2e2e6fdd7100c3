import type { Browser } from 'playwright-core';
import { EMULATOR_MARKETPLACE, emulatorOrder } from '../../src/orders/integration/testing/emulator-order.js';
import {
  apiJson,
  describeWithChromium,
  eventually,
  launchChromium,
  openDashboard,
  settleImports,
  startDashboardEngine,
  type DashboardEngine,
} from './support/dashboard-harness.js';

const TIMEZONE = 'Pacific/Auckland';
const ORDER_ID = 'TZ-AKL-1';

/** `YYYY-MM-DD` of an instant as a clock in `timeZone` shows it. */
const dayIn = (instant: Date, timeZone: string) =>
  new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);

describeWithChromium('dashboard: order date filter in the browser’s time zone', () => {
  let engine: DashboardEngine;
  let browser: Browser;
  /** 12:30 UTC yesterday: already the next day in Auckland (UTC+12, +13 in summer). */
  const placedAt = new Date(
    Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate() - 1, 12, 30),
  );
  const utcDay = placedAt.toISOString().slice(0, 10);
  const localDay = dayIn(placedAt, TIMEZONE);

  beforeAll(async () => {
    [engine, browser] = await Promise.all([startDashboardEngine({ SANDBOX_ORDERS: '20' }), launchChromium()]);
    await settleImports(engine);
    engine.engine.sandbox!.state.orders.add(
      emulatorOrder({ marketplaceOrderId: ORDER_ID, updatedAt: placedAt.toISOString() }),
      Date.now(),
    );
    await apiJson(engine, `/api/orders/${EMULATOR_MARKETPLACE}/${ORDER_ID}/import`, { method: 'POST', body: '{}' });
    await eventually(async () => {
      const { items } = await apiJson<{ items: { marketplaceOrderId: string; orderDate: string | null }[] }>(
        engine,
        `/api/orders?search=${ORDER_ID}`,
      );
      expect(items.find((row) => row.marketplaceOrderId === ORDER_ID)?.orderDate).toBe(placedAt.toISOString());
    });
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await engine?.close();
  });

  it('lists an order under the day the table shows it on, not its UTC day', async () => {
    expect(localDay).not.toBe(utcDay);
    const { context, page, errors } = await openDashboard(
      browser,
      engine.url,
      `#/orders?from=${localDay}&to=${localDay}&limit=100`,
      { timezoneId: TIMEZONE },
    );
    try {
      const row = page.locator(`tbody tr[data-order-id="${ORDER_ID}"]`);
      await row.waitFor();
      // The table shows the order on the day the operator filtered on.
      const shownDay = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone: TIMEZONE }).format(placedAt);
      await expect(row.locator('time').first().textContent()).resolves.toContain(shownDay);
      await expect(page.getByLabel('Order date from').inputValue()).resolves.toBe(localDay);

      // Its UTC day is the day before in Auckland: not listed there.
      await page.goto(`${engine.url}/#/orders?from=${utcDay}&to=${utcDay}&limit=100`);
      await page.reload();
      await page.locator('table[aria-busy="false"] tbody tr').first().waitFor();
      await expect(row.count()).resolves.toBe(0);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('asks the engine for whole local days, 23 or 25 hours long across a daylight-saving change', async () => {
    const { context, page, errors } = await openDashboard(browser, engine.url, '#/orders', {
      timezoneId: 'Europe/Paris',
    });
    try {
      await page.locator('table[aria-busy="false"] tbody tr').first().waitFor();
      // The page's own module, in the browser's time zone: the bounds it sends for a filter on one day.
      const bounds = (day: string) =>
        page.evaluate(async (date) => {
          // A template, so the compiler does not try to resolve the browser's URL as a module of the test.
          const { filterQuery } = (await import(`${'/assets/orders-api.js'}`)) as {
            filterQuery(filters: Record<string, string>): { orderDateFrom: string; orderDateTo: string };
          };
          const query = filterQuery({ from: date, to: date, q: '', state: '', marketplace: '', lengowStatus: '' });
          return [query.orderDateFrom, query.orderDateTo];
        }, day);
      // Midnight in Paris is 23:00 UTC the day before in winter: the orders of 00:00–01:00 belong to the day.
      await expect(bounds('2026-11-27')).resolves.toEqual(['2026-11-26T23:00:00.000Z', '2026-11-27T23:00:00.000Z']);
      await expect(bounds('2026-03-29')).resolves.toEqual(['2026-03-28T23:00:00.000Z', '2026-03-29T22:00:00.000Z']);
      await expect(bounds('2026-10-25')).resolves.toEqual(['2026-10-24T22:00:00.000Z', '2026-10-25T23:00:00.000Z']);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);
});
