import type { Browser, BrowserContext, Page } from 'playwright-core';
import { SQL_DATABASE, type SqlDatabase } from '../../src/database/sql-database.port.js';
import { LENGOW_API, type LengowApi } from '../../src/lengow/lengow-api.port.js';
import { LengowUnavailable } from '../../src/lengow/lengow-errors.js';
import { OrdersReactions } from '../../src/orders/sagas/orders-reactions.js';
import {
  apiJson,
  describeWithChromium,
  eventually,
  isFocused,
  launchChromium,
  openDashboard,
  pollActionResults,
  prepareOrderWorld,
  Screenshots,
  shopOf,
  startDashboardEngine,
  type DashboardEngine,
} from './support/dashboard-harness.js';

interface OverviewRow {
  stream: string;
  marketplace: string;
  marketplaceLabel: string;
  marketplaceOrderId: string;
  lengowStatus: string | null;
  importState: string;
  importMessages: string[];
  actionState: string;
  shopOrderIds: string[];
  customerName: string | null;
  streamRevision: number;
}

interface Counters {
  total: number;
  importState: Record<string, number>;
}

describeWithChromium('dashboard: orders', () => {
  let engine: DashboardEngine;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  const shots = new Screenshots('orders');

  const list = (query: string) => apiJson<{ items: OverviewRow[] }>(engine, `/api/orders?${query}`);
  const rowOf = (id: string) => page.locator(`tbody tr[data-order-id="${id}"]`);
  /** Goes to a route and waits for its list: the old view is marked first, so its rows are never mistaken for new. */
  const goTo = async (hash: string) => {
    await page
      .locator('main > *')
      .first()
      .evaluate((element) => element.setAttribute('data-old-view', ''));
    // The same hash again fires no hashchange: reload then, so the view starts afresh either way.
    if (new URL(page.url()).hash === hash) await page.reload();
    else await page.goto(`${engine.url}/${hash}`);
    await page.locator('main > [data-old-view]').waitFor({ state: 'detached' });
    await page.locator('table[aria-busy="false"] tbody tr').first().waitFor();
  };

  beforeAll(async () => {
    [engine, browser] = await Promise.all([startDashboardEngine(), launchChromium()]);
    await prepareOrderWorld(engine);
    ({ context, page, errors } = await openDashboard(browser, engine.url, '#/orders'));
    console.info(`orders screenshots: ${shots.folder}`);
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

  it('loads the list with state badges and counters from the engine', async () => {
    const counters = await apiJson<Counters>(engine, '/api/orders/counters');
    await page.locator('tbody tr').first().waitFor();
    await page.locator('[data-counter="not_imported"]').waitFor();

    await expect(page.locator('[data-counter=""] .counter-value').textContent()).resolves.toBe(String(counters.total));
    await expect(page.locator('[data-counter="not_imported"] .counter-value').textContent()).resolves.toBe(
      String(counters.importState.not_imported),
    );
    await expect(page.locator('[data-counter="imported"] .counter-value').textContent()).resolves.toBe(
      String(counters.importState.imported),
    );
    expect(counters.importState.not_imported).toBeGreaterThan(0);
    await expect(page.locator('.marketplace-counters').textContent()).resolves.toMatch(/Amazon FR: \d+/);

    // A real table: caption, column headers with scope, sort state on the sorted column.
    await expect(page.locator('caption').textContent()).resolves.toContain(`${counters.total} matching`);
    await expect(page.locator('thead th[scope="col"]').count()).resolves.toBe(11);
    await expect(page.locator('th[aria-sort]').textContent()).resolves.toContain('Order date');
    await expect(page.locator('th[aria-sort]').getAttribute('aria-sort')).resolves.toBe('descending');
    await expect(page.locator('tbody tr').count()).resolves.toBe(50);
    const shown = await page
      .locator('tbody [data-badge="import"]')
      .evaluateAll((badges) =>
        badges.map((badge) => (badge as unknown as { dataset: { state: string } }).dataset.state),
      );
    const expected = (await list('limit=50')).items.map(
      (row) =>
        ({ imported: 'Imported', not_imported: 'Not imported', ignored: 'Ignored', pending: 'Importing' })[
          row.importState
        ],
    );
    expect(shown).toEqual(expected);
    await shots.take(page, '01-list');
  }, 60_000);

  it('filters, searches, sorts and pages on the server, a page at a time', async () => {
    const listRequests: URL[] = [];
    const onRequest = (request: { url(): string }) => {
      const url = new URL(request.url());
      if (url.pathname === '/api/orders') listRequests.push(url);
    };
    page.on('request', onRequest);
    try {
      await goTo('#/orders');
      await page.getByLabel('Orders per page').selectOption('25');
      await page.locator('.pager p', { hasText: /^Page 1: orders 1–25 of 200$/ }).waitFor();
      await expect(page.locator('tbody tr').count()).resolves.toBe(25);
      const firstPage = await page
        .locator('tbody tr')
        .evaluateAll((rows) => rows.map((row) => (row as unknown as { dataset: { orderId: string } }).dataset.orderId));

      await page.getByRole('button', { name: 'Next page →' }).click();
      await page.locator('.pager p', { hasText: 'Page 2: orders 26–50 of 200' }).waitFor();
      await expect(isFocused(page.getByRole('button', { name: 'Next page →' }))).resolves.toBe(true);
      const secondPage = await page
        .locator('tbody tr')
        .evaluateAll((rows) => rows.map((row) => (row as unknown as { dataset: { orderId: string } }).dataset.orderId));
      expect(secondPage).toHaveLength(25);
      expect(secondPage.filter((id) => firstPage.includes(id))).toEqual([]);
      // Page 2 came with the cursor the engine gave for page 1, not an offset.
      expect(listRequests.at(-1)!.searchParams.get('cursor')).toBeTruthy();

      await page.getByRole('button', { name: '← Previous page' }).click();
      await page.locator('.pager p', { hasText: 'Page 1: orders 1–25 of 200' }).waitFor();
      await expect(page.locator('tbody tr').first().getAttribute('data-order-id')).resolves.toBe(firstPage[0]);

      // The "Not imported" counter is a filter.
      const notImported = await list('importState=not_imported&limit=500');
      await page.locator('[data-counter="not_imported"]').click();
      await expect(page.locator('[data-counter="not_imported"]').getAttribute('aria-pressed')).resolves.toBe('true');
      await page.locator('caption', { hasText: `(${notImported.items.length} matching)` }).waitFor();
      const states = await page
        .locator('tbody [data-badge="import"]')
        .evaluateAll((badges) =>
          badges.map((badge) => (badge as unknown as { dataset: { state: string } }).dataset.state),
        );
      expect(states).toEqual(Array(Math.min(25, notImported.items.length)).fill('Not imported'));
      await expect(page.getByLabel('State', { exact: true }).inputValue()).resolves.toBe('not_imported');
      await shots.take(page, '02-not-imported-filter');

      // Search: a customer's name, as typed by an operator (lower case, part of a word).
      await page.getByRole('button', { name: 'Reset filters' }).click();
      const imported = await list('importState=imported&limit=200');
      const customer = imported.items.find((row) => row.customerName && /\s/.test(row.customerName))!;
      const word = customer.customerName!.split(/\s+/).at(-1)!.toLowerCase().slice(0, 4);
      const expected = await list(`search=${encodeURIComponent(word)}&limit=500`);
      await page.getByLabel('Search').fill(word);
      await page.locator('caption', { hasText: `(${expected.items.length} matching)` }).waitFor();
      await rowOf(customer.marketplaceOrderId).waitFor();
      expect(listRequests.at(-1)!.searchParams.get('search')).toBe(word);

      // Marketplace and sort.
      await page.getByRole('button', { name: 'Reset filters' }).click();
      await page.getByLabel('Marketplace').selectOption('cdiscount');
      await page.locator('caption', { hasText: 'matching' }).waitFor();
      await eventually(async () => {
        const markets = await page.locator('tbody tr td:nth-child(2)').allTextContents();
        expect(new Set(markets)).toEqual(new Set(['Cdiscount']));
      });
      await page.getByRole('button', { name: /^Marketplace order/ }).click();
      await page.locator('th[aria-sort="ascending"]', { hasText: 'Marketplace order' }).waitFor();
      await expect(isFocused(page.getByRole('button', { name: /^Marketplace order/ }))).resolves.toBe(true);
      await eventually(async () => {
        const ids = await page.locator('tbody th[scope="row"]').allTextContents();
        expect(ids).toEqual([...ids].sort());
        expect(listRequests.at(-1)!.searchParams.get('sort')).toBe('marketplace_order_id');
      });

      // Never everything at once: every list request asked for one page.
      expect(listRequests.length).toBeGreaterThan(5);
      for (const url of listRequests) expect(Number(url.searchParams.get('limit'))).toBeLessThanOrEqual(50);
    } finally {
      page.off('request', onRequest);
    }
  }, 60_000);

  it('shows why an order is not imported on hover and on keyboard focus', async () => {
    const [target] = (await list('importState=not_imported&limit=500')).items;
    await goTo(`#/orders?state=not_imported&q=${encodeURIComponent(target.marketplaceOrderId)}`);
    const badge = rowOf(target.marketplaceOrderId).locator('[data-badge="import"]');
    const tipId = await badge.getAttribute('aria-describedby');
    const tip = page.locator(`[id="${tipId}"]`);
    await expect(tip.isHidden()).resolves.toBe(true);

    await badge.hover();
    await tip.waitFor();
    await expect(tip.getAttribute('role')).resolves.toBe('tooltip');
    for (const message of target.importMessages) await expect(tip.textContent()).resolves.toContain(message);
    await shots.take(page, '03-reasons-on-hover');
    await page.mouse.move(5, 5);
    await tip.waitFor({ state: 'hidden' });

    // Keyboard only: Tab from the search box reaches the badge, which shows the same reasons; Escape hides them.
    await page.getByLabel('Search').focus();
    for (let presses = 0; presses < 30 && !(await isFocused(badge)); presses += 1) await page.keyboard.press('Tab');
    await expect(isFocused(badge)).resolves.toBe(true);
    await tip.waitFor();
    await expect(tip.textContent()).resolves.toContain(target.importMessages[0]);
    await shots.take(page, '04-reasons-on-focus');
    await page.keyboard.press('Escape');
    await tip.waitFor({ state: 'hidden' });
    await expect(isFocused(badge)).resolves.toBe(true);
  }, 60_000);

  it('re-imports from the badge once the catalogue is fixed, and the row turns Imported live', async () => {
    const candidates = (await list('importState=not_imported&limit=500')).items;
    const target = candidates.find(
      (row) => row.importMessages.length === 1 && /^product (\S+) could not be found$/.test(row.importMessages[0]),
    )!;
    expect(target).toBeDefined();
    const productId = /^product (\S+) could not be found$/.exec(target.importMessages[0])![1];
    await goTo(`#/orders?state=not_imported`);
    // A marker on the window: it survives only if the row changes without a page reload.
    await page.evaluate(() => ((globalThis as unknown as { notReloaded: boolean }).notReloaded = true));
    const row = rowOf(target.marketplaceOrderId);
    await row.waitFor();

    // The operator adds the missing product to the shop's catalogue.
    await shopOf(engine).upsertProduct({ id: productId, name: `Product ${productId}`, stock: 50, priceCents: 1999 });

    await row.locator('[data-badge="import"]').click();
    const dialog = page.getByRole('dialog');
    await expect(dialog.locator('h2').textContent()).resolves.toBe(`Re-import order ${target.marketplaceOrderId}?`);
    await expect(dialog.textContent()).resolves.toContain(target.importMessages[0]);
    await shots.take(page, '05-reimport-confirm');
    await dialog.getByRole('button', { name: 'Re-import' }).click();
    await dialog.locator('[data-outcome="ok"]').waitFor();
    await expect(dialog.locator('[data-outcome="ok"]').textContent()).resolves.toContain('Re-import of');
    await dialog.getByRole('button', { name: 'Close' }).click();

    // The filter stays "Not imported", but the row on screen changes in place as the engine imports the order.
    await row.locator('[data-badge="import"][data-state="Imported"]').waitFor({ timeout: 30_000 });
    await expect(row.locator('td').nth(3).textContent()).resolves.toMatch(/\d/);
    await eventually(async () =>
      expect(await page.locator('#announcer').textContent()).toContain(
        `Order ${target.marketplaceOrderId} (${target.marketplaceLabel}) is now Imported`,
      ),
    );
    await expect(page.evaluate(() => (globalThis as unknown as { notReloaded?: boolean }).notReloaded)).resolves.toBe(
      true,
    );
    // Reduced motion is respected: the "row changed" highlight does not animate. Asked again if the row was
    // re-rendered while it was being read (a detached element has no computed style: '').
    await eventually(async () =>
      expect(
        await row.evaluate(
          (element) =>
            (
              globalThis as unknown as { getComputedStyle(element: unknown): { animationName: string } }
            ).getComputedStyle(element).animationName,
        ),
      ).toBe('none'),
    );
    await shots.take(page, '06-reimported-live');
    const after = await apiJson<{ overview: OverviewRow }>(
      engine,
      `/api/orders/${target.marketplace}/${encodeURIComponent(target.marketplaceOrderId)}`,
    );
    expect(after.overview.importState).toBe('imported');
  }, 60_000);

  it('sends the reason typed in the refund form with the refund, for Lengow', async () => {
    const target = (await list('importState=imported&lengowStatus=waiting_shipment&limit=50')).items.find(
      (row) => row.actionState === 'none' && row.shopOrderIds.length === 1,
    )!;
    const id = target.marketplaceOrderId;
    await goTo(`#/orders?q=${encodeURIComponent(id)}`);
    await rowOf(id).getByRole('link', { name: id }).click();
    const refund = page.locator('form[data-shop="refund"]');
    await refund.waitFor();
    await refund.getByLabel('Reason (optional)').fill('Damaged product');
    const [request] = await Promise.all([
      page.waitForRequest((candidate) => candidate.method() === 'POST' && candidate.url().endsWith('/shop/refund')),
      refund.getByRole('button', { name: 'Mark refunded' }).click(),
    ]);
    expect(request.postDataJSON()).toEqual({ shopOrderId: target.shopOrderIds[0], reason: 'Damaged product' });
    await refund.locator('[data-outcome]').waitFor();
  }, 60_000);

  it('shows on its order an action Lengow could not be asked for yet, with what to do, until it goes through', async () => {
    // The last candidate: the refund story above took the first one, and the "Not shipped" story below an Amazon one.
    const target = (await list('importState=imported&lengowStatus=waiting_shipment&limit=50')).items
      .filter((row) => row.marketplace !== 'amazon_fr' && row.actionState === 'none' && row.shopOrderIds.length === 1)
      .at(-1)!;
    const id = target.marketplaceOrderId;
    await goTo(`#/orders?q=${encodeURIComponent(id)}`);
    await rowOf(id).getByRole('link', { name: id }).click();
    const ship = page.locator('form[data-shop="ship"]');
    await ship.waitFor();

    // Lengow out: the ship is recorded on the order, but its action cannot be built without the marketplace's rules.
    const lengow = engine.engine.app.get<LengowApi>(LENGOW_API, { strict: false }) as {
      getMarketplace: LengowApi['getMarketplace'];
    };
    lengow.getMarketplace = () =>
      Promise.reject(
        new LengowUnavailable('lengow marketplaces: HTTP 503 after 4 attempts', 'marketplaces', 'server_error', 4, 503),
      );
    const why = page.locator('[data-why="deferred"]');
    try {
      await ship.getByLabel('Carrier').fill('Colissimo');
      await ship.getByLabel('Tracking number').fill('6A00000000077');
      await ship.getByRole('button', { name: 'Mark shipped' }).click();
      await ship.locator('[data-outcome]').waitFor();
      await expect(ship.locator('[data-outcome]').getAttribute('data-outcome')).resolves.toBe('ok');
      // No event says it waits: the page reads the order again a few seconds after the shipment's event.
      await why.waitFor({ timeout: 30_000 });
    } finally {
      delete (lengow as Partial<typeof lengow>).getMarketplace;
    }
    await expect(why.locator('h2').textContent()).resolves.toBe('Action waiting for Lengow');
    const row = why.locator('tbody tr[data-action-type="ship"]');
    await expect(row.locator('th').textContent()).resolves.toBe('Ship');
    await expect(row.locator('td').nth(1).textContent()).resolves.toBe('1');
    await expect(row.locator('td').nth(3).textContent()).resolves.toBe(
      'lengow marketplaces: HTTP 503 after 4 attempts',
    );
    await expect(row.locator('time').first().getAttribute('datetime')).resolves.toMatch(/^\d{4}-\d\d-\d\dT/);
    await expect(why.locator('[data-hint]').textContent()).resolves.toMatch(
      /^Nothing to replay: the engine asks again by itself .* Lengow cannot be reached/,
    );
    await why.scrollIntoViewIfNeeded();
    await shots.take(page, '06b-action-waiting-for-lengow');

    // Lengow back and the request due: the engine's sweep requests the action, and the block goes away, live.
    const db = engine.engine.app.get<SqlDatabase>(SQL_DATABASE, { strict: false });
    await db.execute(`UPDATE deferred_action_requests SET next_attempt_at = $1 WHERE stream = $2`, [
      new Date(Date.now() - 1000).toISOString(),
      target.stream,
    ]);
    await engine.engine.app.get(OrdersReactions, { strict: false }).retryActionRequests();
    await why.waitFor({ state: 'detached', timeout: 30_000 });
    await page.locator('.timeline > li[data-event-type="ActionRequested"]').waitFor();
  }, 90_000);

  it('takes a "Not shipped" order through a carrier fix and a re-send to shipped', async () => {
    const acme = await shopOf(engine).addCarrier({ name: 'Acme Express', trackingUrl: null });
    const candidates = (await list('marketplace=amazon_fr&importState=imported&lengowStatus=waiting_shipment&limit=50'))
      .items;
    const target = candidates.find((row) => row.actionState === 'none' && row.shopOrderIds.length === 1)!;
    const id = target.marketplaceOrderId;
    await goTo(`#/orders?q=${encodeURIComponent(id)}`);
    await rowOf(id).getByRole('link', { name: id }).click();
    await page.getByRole('heading', { level: 1, name: `Order ${id} · Amazon FR` }).waitFor();

    // The shop form refuses an empty tracking number with the engine's own message, beside the form.
    const ship = page.locator('form[data-shop="ship"]');
    await ship.getByLabel('Carrier').fill('Acme Express');
    await ship.getByRole('button', { name: 'Mark shipped' }).click();
    await ship.locator('[data-outcome="error"]').waitFor();
    await expect(ship.locator('[data-outcome="error"]').textContent()).resolves.toMatch(/trackingNumber/);
    await expect(ship.getByLabel('Tracking number').getAttribute('aria-invalid')).resolves.toBe('true');

    await ship.getByLabel('Tracking number').fill('ACME-000123');
    await ship.getByRole('button', { name: 'Mark shipped' }).click();
    await ship.locator('[data-outcome="ok"]').waitFor();

    // Amazon does not know "Acme Express": the engine refuses to send it, and the page says why, live.
    const why = page.locator('[data-why="action"]');
    await why.waitFor({ timeout: 30_000 });
    await expect(why.locator('h2').textContent()).resolves.toBe('Not shipped');
    await expect(why.textContent()).resolves.toContain('Acme Express is not a valid value for carrier');
    await expect(page.locator('[data-command="resend"]').getAttribute('class')).resolves.toContain('primary');
    await shots.take(page, '07-not-shipped');

    // The fix: the page points to the carrier mapping, where the operator maps the shop carrier to Amazon's code.
    await why.getByRole('link', { name: 'Map the carriers in Order parameters' }).click();
    const section = page.locator('details[data-marketplace="amazon_fr"]');
    await section.waitFor();
    await section.evaluate((element) => element.setAttribute('open', ''));
    const map = section.locator('form[data-form="map-carrier"]');
    await map.getByLabel('Country').fill('FR');
    // The shop's carriers come from the engine (GET /api/shop/carriers), so the operator picks one.
    await map.getByLabel('Shop carrier').selectOption({ label: 'Acme Express' });
    await expect(map.getByLabel('Shop carrier').inputValue()).resolves.toBe(String(acme.id));
    await map.getByLabel('Marketplace carrier code').fill('Colissimo');
    await map.getByRole('button', { name: 'Map a carrier' }).click();
    await section
      .locator('table', { hasText: 'Carriers of Amazon FR' })
      .getByRole('cell', { name: 'Acme Express', exact: true })
      .waitFor();

    // Back on the order: re-send, then Lengow's answer arrives.
    await page.goBack();
    await page.getByRole('heading', { level: 1, name: `Order ${id} · Amazon FR` }).waitFor();
    await page.locator('[data-command="resend"]').click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Re-send' }).click();
    await dialog.locator('[data-outcome="ok"]').waitFor();
    await dialog.getByRole('button', { name: 'Close' }).click();
    await page.locator('[data-why="waiting"]').waitFor({ timeout: 30_000 });
    await expect(page.locator('.summary [data-badge="action"]').textContent()).resolves.toContain('Waiting for Lengow');
    await shots.take(page, '08-waiting-for-lengow');

    await eventually(
      async () => {
        await pollActionResults(engine);
        await page.locator('.summary [data-badge="action"][data-state="Shipped"]').waitFor({ timeout: 1000 });
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    await expect(page.locator('[data-why]').count()).resolves.toBe(0);

    // The timeline tells the story: who did what, when.
    const types = await page
      .locator('.timeline > li')
      .evaluateAll((items) =>
        items.map((item) => (item as unknown as { dataset: { eventType: string } }).dataset.eventType),
      );
    expect(types).toEqual(expect.arrayContaining(['ShopOrderShipped', 'ActionRejected', 'ActionSent']));
    expect(types.indexOf('ActionRejected')).toBeGreaterThan(types.indexOf('ActionSent'));
    const operatorEntry = page.locator('.timeline > li', {
      has: page.locator('.event-actor', { hasText: 'operator' }),
    });
    await expect(operatorEntry.count()).resolves.toBeGreaterThan(0);
    await shots.take(page, '09-shipped');
  }, 90_000);

  it('shows the order timeline with who and when, and the state at a chosen revision', async () => {
    const [target] = (await list('importState=imported&limit=1')).items;
    await page.goto(`${engine.url}/#/orders/${target.marketplace}/${encodeURIComponent(target.marketplaceOrderId)}`);
    const entries = page.locator('.timeline > li');
    await entries.first().waitFor();
    const detail = await apiJson<{ revision: number }>(
      engine,
      `/api/orders/${target.marketplace}/${encodeURIComponent(target.marketplaceOrderId)}`,
    );
    await expect(entries.count()).resolves.toBe(detail.revision + 1);
    // Newest first, each with a machine-readable time, an actor and the correlation id.
    await expect(entries.first().getAttribute('data-revision')).resolves.toBe(String(detail.revision));
    await expect(entries.last().getAttribute('data-revision')).resolves.toBe('0');
    for (const entry of await entries.all()) {
      await expect(entry.locator('time').getAttribute('datetime')).resolves.toMatch(/^\d{4}-\d\d-\d\dT/);
      await expect(entry.locator('.event-actor').textContent()).resolves.toMatch(/^(engine|operator|API key)/);
      await expect(entry.textContent()).resolves.toContain('Correlation');
    }
    // Each event says what it changed in the order's summary (from the replay endpoint).
    await page.locator('.timeline .event-changes li', { hasText: /^Import: .* → Imported$/ }).waitFor();
    // The event data is there on demand.
    const first = entries.last();
    await first.locator('summary').click();
    await expect(first.locator('pre.json').first().textContent()).resolves.toContain('"');

    // Re-synchronise: the engine sends the shop order ids to Lengow again, and the timeline shows it, by the operator.
    await page.locator('[data-command="resynchronize"]').click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Re-synchronise' }).click();
    await dialog.locator('[data-outcome="ok"]').waitFor();
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect(isFocused(page.locator('[data-command="resynchronize"]'))).resolves.toBe(true);
    await entries.nth(detail.revision + 1).waitFor();
    await expect(entries.first().locator('.event-actor').textContent()).resolves.toMatch(/^(operator|engine)/);

    await page.getByLabel('Revision', { exact: true }).fill('0');
    await page.getByRole('button', { name: 'Show state' }).click();
    await page.locator('[data-state-revision="0"]').waitFor();
    await expect(page.locator('[data-state-revision="0"]').textContent()).resolves.toMatch(/^At revision 0: after /);
    await page.getByLabel('Revision', { exact: true }).fill(String(detail.revision + 5));
    await page.getByRole('button', { name: 'Show state' }).click();
    await expect(page.getByLabel('Revision', { exact: true }).getAttribute('aria-invalid')).resolves.toBe('true');
    await shots.take(page, '10-order-page');
  }, 60_000);

  it('recovers live updates when the engine refuses the position the stream resumes from', async () => {
    // An engine restarted with a reset event store (or the connect frame's own id) gives the page a position the
    // engine then refuses. The first stream is served here, ends at once and leaves such an id behind.
    const fresh = await browser.newContext({ viewport: { width: 1366, height: 900 }, reducedMotion: 'reduce' });
    const own = await fresh.newPage();
    const streams: { lastEventId: string | null; from: string | null; status?: number }[] = [];
    const loadsAfterRefusal = { list: 0, counters: 0 };
    let refused = false;
    await own.route('**/api/orders/events*', async (route) => {
      const url = new URL(route.request().url());
      streams.push({
        lastEventId: (await route.request().headerValue('last-event-id')) ?? null,
        from: url.searchParams.get('from'),
      });
      if (streams.length === 1) {
        await route.fulfill({
          status: 200,
          contentType: 'text/event-stream',
          body: 'id: 1\nretry: 50\n: connected\n\n',
        });
      } else await route.continue();
    });
    own.on('response', (response) => {
      const url = new URL(response.url());
      if (url.pathname === '/api/orders/events' && response.status() === 400) refused = true;
      if (refused && url.pathname === '/api/orders') loadsAfterRefusal.list += 1;
      if (refused && url.pathname === '/api/orders/counters') loadsAfterRefusal.counters += 1;
    });
    try {
      const [target] = (await list('importState=imported&limit=1')).items;
      await own.goto(`${engine.url}/#/orders?q=${encodeURIComponent(target.marketplaceOrderId)}`);
      const row = own.locator(`tbody tr[data-order-id="${target.marketplaceOrderId}"]`);
      await row.waitFor();
      await own.locator('#connection[data-state="open"]').waitFor({ timeout: 20_000 });
      expect(refused).toBe(true);
      expect(streams[1].lastEventId).toBe('1');
      // The refused position is dropped: the stream starts from now, and the page reads what it may have missed.
      expect(streams.at(-1)).toMatchObject({ lastEventId: null, from: null });
      await eventually(async () => expect(loadsAfterRefusal).toEqual({ list: 1, counters: 1 }));

      await apiJson(
        engine,
        `/api/orders/${target.marketplace}/${encodeURIComponent(target.marketplaceOrderId)}/resynchronize`,
        {
          method: 'POST',
          body: '{}',
        },
      );
      await row.locator('td', { hasText: /resynchroni[sz]/i }).waitFor({ timeout: 15_000 });
    } finally {
      await fresh.close();
    }
  }, 60_000);

  it('tells the operator when a re-send from the list fails again, with the reason', async () => {
    await shopOf(engine).addCarrier({ name: 'Zeta Freight', trackingUrl: null });
    const candidates = (await list('marketplace=amazon_fr&importState=imported&lengowStatus=waiting_shipment&limit=50'))
      .items;
    const target = candidates.find((row) => row.actionState === 'none' && row.shopOrderIds.length === 1)!;
    const id = target.marketplaceOrderId;
    const path = `/api/orders/${target.marketplace}/${encodeURIComponent(id)}`;
    await apiJson(engine, `${path}/shop/ship`, {
      method: 'POST',
      body: JSON.stringify({
        shopOrderId: target.shopOrderIds[0],
        trackingNumber: 'ZETA-0001',
        carrier: 'Zeta Freight',
      }),
    });
    await eventually(async () =>
      expect((await apiJson<{ overview: OverviewRow }>(engine, path)).overview.actionState).toBe('failed'),
    );
    await goTo(`#/orders?q=${encodeURIComponent(id)}`);
    const row = rowOf(id);
    await row.locator('[data-badge="action"]').click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Re-send' }).click();
    await dialog.locator('[data-outcome="ok"]').waitFor();
    await dialog.getByRole('button', { name: 'Close' }).click();

    // Nothing about the row changes to the eye (same badge, same reason): the page says the re-send failed again.
    const note = page.locator('[data-outcome="failed-again"]');
    await note.waitFor({ timeout: 30_000 });
    await expect(note.textContent()).resolves.toMatch(
      new RegExp(`^Re-send of ${id} \\(Amazon FR\\) failed again: .*Zeta Freight is not a valid value for carrier`),
    );
    await eventually(async () => expect(await page.locator('#alerter').textContent()).toContain('failed again'));
    await expect(row.locator('[data-badge="action"]').getAttribute('data-action')).resolves.toBe('resend');
  }, 60_000);

  it('keeps the page from scrolling sideways: only the table scrolls, long order ids wrap', async () => {
    const longId = `${'LONGORDERID'.repeat(6)}0001`;
    const fresh = await browser.newContext({ viewport: { width: 1280, height: 900 }, reducedMotion: 'reduce' });
    const own = await fresh.newPage();
    // A marketplace that sends very long order ids: the first row of each list page gets one.
    await own.route('**/api/orders?*', async (route) => {
      const response = await route.fetch();
      const body = (await response.json()) as { items: OverviewRow[] };
      if (body.items[0]) body.items[0].marketplaceOrderId = longId;
      await route.fulfill({ response, json: body });
    });
    const detailPath = `/api/orders/amazon_fr/${longId}`;
    await own.route(
      (url) => url.pathname === detailPath,
      async (route) => {
        const [row] = (await list('marketplace=amazon_fr&importState=imported&limit=1')).items;
        const response = await route.fetch({
          url: `${engine.url}/api/orders/${row.marketplace}/${encodeURIComponent(row.marketplaceOrderId)}`,
        });
        const body = (await response.json()) as { overview: OverviewRow };
        body.overview.marketplaceOrderId = longId;
        await route.fulfill({ response, json: body });
      },
    );
    const overflow = () =>
      own.evaluate(() => {
        const root = (
          globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }
        ).document.documentElement;
        return root.scrollWidth - root.clientWidth;
      });
    try {
      await own.goto(`${engine.url}/#/orders`);
      await own.locator(`tbody th[scope="row"]`, { hasText: longId }).waitFor();
      await own.locator('caption', { hasText: 'matching' }).waitFor();
      await expect(overflow()).resolves.toBe(0);
      const idWidth = await own
        .locator('tbody th[scope="row"]', { hasText: longId })
        .evaluate((cell) => cell.getBoundingClientRect().width);
      expect(idWidth).toBeLessThan(300);
      await shots.take(own, '11-long-id-1280');

      await own.setViewportSize({ width: 400, height: 800 });
      await expect(overflow()).resolves.toBe(0);
      // The table itself still scrolls inside its wrapper.
      await expect(
        own
          .locator('.table-wrap')
          .first()
          .evaluate((wrap) => wrap.scrollWidth > wrap.clientWidth),
      ).resolves.toBe(true);
      await shots.take(own, '12-orders-400');

      await own.goto(`${engine.url}/#/orders/amazon_fr/${longId}`);
      await own.getByRole('heading', { level: 1, name: new RegExp(`^Order ${longId}`) }).waitFor();
      await own.locator('.timeline > li').first().waitFor();
      await expect(overflow()).resolves.toBe(0);
      await shots.take(own, '13-order-page-400');
    } finally {
      await fresh.close();
    }
  }, 60_000);
});
