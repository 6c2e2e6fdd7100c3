import { api, get, patch } from './api.js';
import { ENDPOINTS } from './endpoints.js';

// How the settings endpoints' answers map to what the "Order parameters" page shows, and how its forms become
// commands.

/** Form fields of the import settings besides the status checkboxes (dotted: nested in the payload). */
export const IMPORT_FIELDS = [
  'importWindowDays',
  'importIntervalSeconds',
  'maxOrderAgeMonths',
  'createShippedByMarketplace',
  'decrementStockShippedByMarketplace',
  'importProcessingFee',
  'forceProduct',
  'retryPolicy.initialDelaySeconds',
  'retryPolicy.maxDelaySeconds',
  'retryPolicy.maxAttempts',
];

export const CARRIER_COMMANDS = {
  MapCarrier: { method: 'PUT', path: '/api/settings/carrier-mappings', done: 'Carrier mapped' },
  UnmapCarrier: { method: 'POST', path: '/api/settings/carrier-mappings/remove', done: 'Carrier mapping removed' },
  MapShippingMethod: { method: 'PUT', path: '/api/settings/shipping-method-mappings', done: 'Shipping method mapped' },
  UnmapShippingMethod: {
    method: 'POST',
    path: '/api/settings/shipping-method-mappings/remove',
    done: 'Shipping method mapping removed',
  },
  SetDefaultCarrier: { method: 'PUT', path: '/api/settings/default-carriers', done: 'Default carriers saved' },
};

export async function loadSettings() {
  const [body, carriers] = await Promise.all([get(ENDPOINTS.settings), get(ENDPOINTS.shopCarriers).catch(() => [])]);
  return { settings: settingsFrom(body), shopCarriers: shopCarriersFrom(carriers) };
}

/**
 * `GET /api/settings` answers `{ settings: { carrierMappings, unmappedMarketplaces, revision, … }, parameters,
 * marketplaces: [{ marketplace, label, countriesSeen, uncoveredCountries, mapped }], history }`.
 */
export function settingsFrom(body) {
  const mappings = body?.settings?.carrierMappings ?? {};
  const unmapped = new Set(body?.settings?.unmappedMarketplaces ?? []);
  const marketplaces = (body?.marketplaces ?? []).map((entry) => ({
    marketplace: entry.marketplace,
    label: entry.label || entry.marketplace,
    countriesSeen: entry.countriesSeen ?? null,
    uncoveredCountries: entry.uncoveredCountries ?? [],
    // The snapshot's list is what the engine acts on; `mapped` is the same rule seen per marketplace.
    mapped: !unmapped.has(entry.marketplace) && Boolean(entry.mapped || entry.countriesSeen === null),
    seen: entry.countriesSeen !== null && entry.countriesSeen !== undefined,
    carriers: entry.carriers ?? null,
    methods: entry.methods ?? null,
    mapping: { carriers: [], methods: [], defaults: [], ...(mappings[entry.marketplace] ?? {}) },
  }));
  return {
    importParameters: body?.parameters ?? {},
    /** What the engine uses now: the interval of IMPORT_INTERVAL while the parameter is null. */
    effectiveIntervalSeconds: body?.settings?.importIntervalSeconds ?? null,
    marketplaces,
    revision: body?.settings?.revision ?? null,
    history: body?.history ?? [],
    historyTotal: body?.historyTotal ?? 0,
  };
}

function shopCarriersFrom(body) {
  const list = Array.isArray(body) ? body : (body?.items ?? body?.carriers ?? []);
  return list.map((carrier) => ({
    id: String(carrier.id),
    name: carrier.name,
    trackingUrlTemplate: carrier.trackingUrlTemplate ?? carrier.trackingUrl ?? null,
  }));
}

/** Marketplace carrier and method codes for the form suggestions. */
export function carrierOptionsFrom(marketplace) {
  const codes = (list) =>
    Array.isArray(list) ? list.map((item) => (typeof item === 'string' ? item : item.code)) : [];
  return { carriers: codes(marketplace.carriers), methods: codes(marketplace.methods) };
}

/** Only the fields the operator changed: the engine leaves absent fields as they are. */
export function changedImportFields(current, edited) {
  const changes = {};
  for (const [name, value] of Object.entries(edited)) {
    if (JSON.stringify(current[name]) !== JSON.stringify(value)) changes[name] = value;
  }
  return changes;
}

/** Which form field an API error names: `importWindowDays`, `retryPolicy.maxAttempts`, `body.importWindowDays`. */
export function fieldOfError(field, controls) {
  if (!field) return null;
  const cleaned = String(field)
    .replace(/^(body|payload|data)\./, '')
    .replace(/\[\d+\]$/, '');
  if (controls.has(cleaned)) return cleaned;
  const last = cleaned.split('.').pop();
  for (const name of controls.keys()) if (name.split('.').pop() === last) return name;
  return null;
}

const ifMatch = (revision) => (revision !== null && revision !== undefined ? { 'If-Match': `W/"${revision}"` } : {});

export function saveImportSettings(changes, revision) {
  return patch(ENDPOINTS.importSettings, changes, { headers: ifMatch(revision) });
}

export function sendCarrierCommand(command, data, revision) {
  const { method, path } = CARRIER_COMMANDS[command];
  return api(method, path, { body: data, headers: ifMatch(revision) });
}
