import type { Browser } from 'playwright-core';
import { SettingsCommandExecutor } from '../../src/settings/commands/settings-command-executor.js';
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

interface SettingsBody {
  parameters: { importWindowDays: number; maxOrderAgeMonths: number };
  marketplaces: {
    marketplace: string;
    label: string;
    countriesSeen: string[] | null;
    uncoveredCountries: string[];
    mapped: boolean;
  }[];
  settings: { unmappedMarketplaces: string[] };
}

describeWithChromium('dashboard: order parameters page', () => {
  let engine: DashboardEngine;
  let browser: Browser;
  const shots = new Screenshots('settings');

  const settings = async (): Promise<SettingsBody> =>
    (await (await fetch(`${engine.url}/api/settings`)).json()) as SettingsBody;

  beforeAll(async () => {
    [engine, browser] = await Promise.all([startDashboardEngine(), launchChromium()]);
    await settleImports(engine);
    console.info(`settings screenshots: ${shots.folder}`);
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await engine?.close();
  });

  it('shows the engine’s validation message beside a bad value, then saves a good one', async () => {
    const { page, context, errors } = await openDashboard(browser, engine.url, '#/settings');
    try {
      const windowDays = page.getByLabel('Import window (days)');
      await expect(windowDays.inputValue()).resolves.toBe('3');

      await windowDays.fill('15');
      await page.getByRole('button', { name: 'Save import settings' }).click();

      // The summary takes focus and names the problem; the field is marked invalid and described by the message.
      const summary = page.locator('#import-settings-errors');
      await summary.waitFor();
      await expect(isFocused(summary)).resolves.toBe(true);
      const message = page.locator('#error-importWindowDays');
      await expect(message.textContent()).resolves.toMatch(/importWindowDays must be between 1 and 10/);
      await expect(windowDays.getAttribute('aria-invalid')).resolves.toBe('true');
      await expect(windowDays.getAttribute('aria-describedby')).resolves.toContain('error-importWindowDays');
      await shots.take(page, '01-validation-error');
      expect((await settings()).parameters.importWindowDays).toBe(3);

      // The summary's link goes to the field.
      await summary.getByRole('link').first().click();
      await expect(isFocused(windowDays)).resolves.toBe(true);

      await windowDays.fill('5');
      await page.getByLabel('Maximum order age (months)').fill('6');
      await page.getByRole('button', { name: 'Save import settings' }).click();
      await page.getByText(/^Saved: /).waitFor();
      await expect(windowDays.getAttribute('aria-invalid')).resolves.toBeNull();
      await expect(page.locator('#error-importWindowDays').isHidden()).resolves.toBe(true);
      const saved = await settings();
      expect(saved.parameters).toMatchObject({ importWindowDays: 5, maxOrderAgeMonths: 6 });

      await page.reload();
      await expect(page.getByLabel('Import window (days)').inputValue()).resolves.toBe('5');
      // The change is in the audit trail, newest first, with who made it.
      const newest = page.locator('section[aria-labelledby="settings-history-title"] tbody tr').first();
      await newest.waitFor();
      await expect(newest.locator('td').nth(1).textContent()).resolves.toBe('operator (no API key)');
      await expect(newest.locator('time').getAttribute('datetime')).resolves.toMatch(/^\d{4}-/);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('lists marketplaces whose carriers are not mapped, and drops one once each of its countries is mapped', async () => {
    const { page, context, errors } = await openDashboard(browser, engine.url, '#/settings');
    try {
      const notice = page.locator('[data-notice="unmapped-carriers"]');
      let before = await settings();
      let target = before.marketplaces.find((entry) => !entry.mapped && entry.uncoveredCountries.length > 0);
      if (!target) {
        // The emulator's boot may have mapped every marketplace: the operator removes one country's default first.
        const seen = before.marketplaces.find((entry) => (entry.countriesSeen ?? []).length > 0)!;
        const country = seen.countriesSeen![0];
        const section = page.locator(`details[data-marketplace="${seen.marketplace}"]`);
        await section.waitFor();
        await section.evaluate((element) => element.setAttribute('open', ''));
        await section.getByRole('button', { name: `Remove the default carriers for ${country}` }).click();
        await notice.locator(`[data-unmapped="${seen.marketplace}"]`).waitFor();
        before = await settings();
        target = before.marketplaces.find((entry) => entry.marketplace === seen.marketplace)!;
      }
      expect(target).toMatchObject({ mapped: false });
      const { marketplace, label, uncoveredCountries } = target;
      expect(before.settings.unmappedMarketplaces).toContain(marketplace);

      await notice.waitFor();
      const entry = notice.locator(`[data-unmapped="${marketplace}"]`);
      await expect(entry.textContent()).resolves.toContain(uncoveredCountries.join(', '));
      await shots.take(page, '02-unmapped-notice');

      // The notice's link brings keyboard focus to that marketplace's mapping section.
      await entry.getByRole('button', { name: label }).click();
      const section = page.locator(`details[data-marketplace="${marketplace}"]`);
      const heading = section.locator('[data-marketplace-heading]');
      await expect(isFocused(heading)).resolves.toBe(true);

      const defaults = section.locator('form[data-form="default-carrier"]');
      for (const country of uncoveredCountries) {
        await defaults.getByLabel('Country').fill(country);
        await defaults.getByLabel('Ship: marketplace carrier code').fill('COLISSIMO');
        await defaults.getByRole('button', { name: 'Set default carriers' }).click();
        await section
          .locator('table', { hasText: 'Default carriers' })
          .getByRole('cell', { name: country, exact: true })
          .waitFor()
          .catch(async (error: unknown) => {
            throw new Error(`${(error as Error).message}\n--- section now:\n${await section.innerText()}`);
          });
      }
      await entry.waitFor({ state: 'detached' });
      await expect(section.locator('.badge').first().textContent()).resolves.toBe('Mapped');
      await section.scrollIntoViewIfNeeded();
      await shots.take(page, '03-after-mapping');

      const after = await settings();
      expect(after.settings.unmappedMarketplaces).not.toContain(marketplace);
      expect(after.settings.unmappedMarketplaces.length).toBe(before.settings.unmappedMarketplaces.length - 1);
      // Reloading shows the same: the notice comes from the engine, not from the page's memory.
      await page.reload();
      await notice.waitFor();
      await expect(notice.locator(`[data-unmapped="${marketplace}"]`).count()).resolves.toBe(0);

      // Removing one country's default flags the marketplace again, for that country.
      const [firstCountry] = uncoveredCountries;
      await section.evaluate((element) => element.setAttribute('open', ''));
      await section.getByRole('button', { name: `Remove the default carriers for ${firstCountry}` }).click();
      await entry.waitFor();
      await expect(entry.textContent()).resolves.toContain(`countries without a carrier: ${firstCountry}`);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('shows a refused mapping with the engine’s reason under the form that sent it', async () => {
    const { page, context } = await openDashboard(browser, engine.url, '#/settings');
    try {
      const section = page.locator('details[data-marketplace]').first();
      await section.waitFor();
      await section.evaluate((element) => element.setAttribute('open', ''));
      const defaults = section.locator('form[data-form="default-carrier"]');
      await defaults.getByLabel('Country').fill('France');
      await defaults.getByLabel('Ship: marketplace carrier code').fill('COLISSIMO');
      await defaults.getByRole('button', { name: 'Set default carriers' }).click();
      const error = section.locator('[data-outcome="error"]');
      await error.waitFor();
      await expect(error.textContent()).resolves.toMatch(/ISO 3166 alpha-2/);
      await expect(error.getAttribute('role')).resolves.toBe('alert');
      await expect(defaults.getByLabel('Country').getAttribute('aria-invalid')).resolves.toBe('true');
    } finally {
      await context.close();
    }
  }, 60_000);

  it('refuses a mapping for a marketplace Lengow does not list, saying what to do, and still removes its old one', async () => {
    // A typo stored before the engine checked marketplaces: straight through the executor, as it was then.
    await engine.engine.app.get(SettingsCommandExecutor, { strict: false }).execute(
      {
        type: 'MapCarrier',
        data: {
          marketplace: 'amazon_frr',
          country: 'FR',
          shopCarrier: { id: '1', name: 'Colissimo' },
          marketplaceCarrier: 'COLISSIMO',
        },
      },
      { commandId: 'typo-before-the-check', actor: 'operator:ann' },
    );
    const { page, context, errors } = await openDashboard(browser, engine.url, '#/settings');
    try {
      const section = page.locator('details[data-marketplace="amazon_frr"]');
      await section.waitFor();
      await section.evaluate((element) => element.setAttribute('open', ''));
      const defaults = section.locator('form[data-form="default-carrier"]');
      await defaults.getByLabel('Country').fill('FR');
      await defaults.getByLabel('Ship: marketplace carrier code').fill('COLISSIMO');
      await defaults.getByRole('button', { name: 'Set default carriers' }).click();
      const error = section.locator('[data-outcome="error"]');
      await error.waitFor();
      await expect(error.getAttribute('role')).resolves.toBe('alert');
      await expect(error.textContent()).resolves.toMatch(
        /marketplace "amazon_frr" is not a Lengow marketplace: .*did you mean amazon_fr\?/,
      );
      await expect(error.locator('[data-hint="unknown-marketplace"]').textContent()).resolves.toBe(
        'No order can come from amazon_frr: remove its mappings, and map the marketplace Lengow lists instead.',
      );
      await error.scrollIntoViewIfNeeded();
      await shots.take(page, '04-unknown-marketplace');

      // Removing is never refused: the typo's mapping goes away.
      await section.getByRole('button', { name: 'Remove the Colissimo mapping for FR' }).click();
      await section.locator('[data-outcome="ok"]').waitFor();
      await expect(section.getByRole('button', { name: 'Remove the Colissimo mapping for FR' }).count()).resolves.toBe(
        0,
      );
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('offers to reload the settings when a mapping is refused because someone changed them meanwhile', async () => {
    const { page, context, errors } = await openDashboard(browser, engine.url, '#/settings');
    try {
      const { marketplaces } = await settings();
      const target = marketplaces.find((entry) => (entry.countriesSeen ?? []).length > 0)!;
      const country = target.countriesSeen![0];
      const section = page.locator(`details[data-marketplace="${target.marketplace}"]`);
      await section.waitFor();
      await section.evaluate((element) => element.setAttribute('open', ''));
      const defaults = section.locator('form[data-form="default-carrier"]');
      await defaults.getByLabel('Country').fill(country);
      await defaults.getByLabel('Ship: marketplace carrier code').fill('CHRONOPOST');

      // Another operator (another tab, the CLI) changes the settings: the page's revision is now behind.
      const outside = await fetch(`${engine.url}/api/settings/default-carriers`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ marketplace: target.marketplace, country, importCarrier: null, shipCarrier: 'DHL' }),
      });
      expect(outside.status).toBe(200);

      await defaults.getByRole('button', { name: 'Set default carriers' }).click();
      const error = section.locator('[data-outcome="error"]');
      await error.waitFor();
      await expect(error.textContent()).resolves.toContain('Someone changed the settings meanwhile');
      await error.getByRole('button', { name: 'Reload settings' }).click();

      // The reloaded form keeps what was typed; applying it again now succeeds, and goes on succeeding.
      const again = page.locator(`details[data-marketplace="${target.marketplace}"] form[data-form="default-carrier"]`);
      await expect(again.getByLabel('Ship: marketplace carrier code').inputValue()).resolves.toBe('CHRONOPOST');
      await again.getByRole('button', { name: 'Set default carriers' }).click();
      await page.locator(`details[data-marketplace="${target.marketplace}"] [data-outcome="ok"]`).waitFor();
      await page
        .locator(`details[data-marketplace="${target.marketplace}"] table`, { hasText: 'Default carriers' })
        .getByRole('cell', { name: 'CHRONOPOST', exact: true })
        .waitFor();
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);
});
