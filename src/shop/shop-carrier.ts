/**
 * A shop carrier. Like PrestaShop, editing a carrier creates a new version with a new `id`; `referenceId` stays the
 * same across versions, so mappings keep pointing at it (lengow-api.md §10). Anywhere the port takes a carrier id,
 * the id of any version resolves to the carrier's current version.
 */
export interface ShopCarrier {
  id: number;
  referenceId: number;
  name: string;
  /** URL template in which `@` stands for the tracking number, or null. */
  trackingUrl: string | null;
}

export interface CarrierInput {
  name: string;
  trackingUrl?: string | null;
}

/**
 * The tracking URL of a parcel: the template with every `@` replaced by the number, URL-encoded because some carriers'
 * numbers contain spaces or slashes that would otherwise break the link sent to the marketplace.
 */
export function trackingUrlFor(template: string | null, trackingNumber: string): string | null {
  if (!template) return null;
  return template.split('@').join(encodeURIComponent(trackingNumber));
}
