import type { INestApplication } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { PLACES } from '../sandbox/buyer-data.js';
import { SANDBOX_MARKETPLACE_CODES } from '../sandbox/marketplaces.js';
import { SetDefaultCarrier } from '../settings/commands/settings-commands.js';
import { ORDER_SETTINGS, type OrderSettingsReader } from '../settings/order-settings.port.js';
import { seedFromSandboxCatalogue } from '../shop/seed-from-sandbox-catalogue.js';
import { SHOP, type Shop } from '../shop/shop.port.js';

/**
 * Left for the operator to map, so a fresh engine shows the "carriers not mapped yet" notice and the orders it holds
 * back ("You must select a default carrier…") next to the ones it imported.
 */
export const SANDBOX_UNMAPPED_MARKETPLACES: readonly string[] = ['manomano', 'veepee'];

const DEMO_CARRIER = { name: 'La Poste', trackingUrl: 'https://www.laposte.fr/outils/suivre-vos-envois?code=@' };

/**
 * What a merchant does once before the first import, done for the built-in shop when the engine runs on its
 * emulator: the emulator's catalogue, its delivery countries active, and a default carrier per marketplace and
 * country — except for SANDBOX_UNMAPPED_MARKETPLACES. Only what is missing is added, so an operator's later changes survive restarts; without it every
 * generated order would stop at "You must select a default carrier…" and a fresh `npm start` would import nothing.
 */
export async function prepareSandboxShop(
  app: INestApplication,
  { leaveUnmapped = SANDBOX_UNMAPPED_MARKETPLACES }: { leaveUnmapped?: readonly string[] } = {},
): Promise<void> {
  const shop = app.get<Shop>(SHOP, { strict: false });
  await shop.seed(seedFromSandboxCatalogue());
  const carrier =
    (await shop.listCarriers()).find((c) => c.name === DEMO_CARRIER.name) ?? (await shop.addCarrier(DEMO_CARRIER));
  const countries = [...new Set(PLACES.map((place) => place.country))];
  for (const country of countries) await shop.setCountryActive(country, true);

  const commandBus = app.get(CommandBus, { strict: false });
  const settings = app.get<OrderSettingsReader>(ORDER_SETTINGS, { strict: false });
  for (const marketplace of SANDBOX_MARKETPLACE_CODES) {
    if (leaveUnmapped.includes(marketplace)) continue;
    const mapped = new Set((await settings.carrierMapping(marketplace)).defaults.map((d) => d.country));
    for (const country of countries) {
      if (mapped.has(country)) continue;
      await commandBus.execute(
        new SetDefaultCarrier(
          { marketplace, country, importCarrier: { id: String(carrier.id), name: carrier.name } },
          { commandId: `sandbox-default-carrier:${marketplace}:${country}`, actor: 'system' },
        ),
      );
    }
  }
}
