import { get, patch, post } from './api.js';
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
  MapCarrier: { path: () => `${ENDPOINTS.carriers}/map`, done: 'Carrier mapped' },
  UnmapCarrier: { path: () => `${ENDPOINTS.carriers}/unmap`, done: 'Carrier mapping removed' },
  MapShippingMethod: { path: () => `${ENDPOINTS.carriers}/methods/map`, done: 'Shipping method mapped' },
  UnmapShippingMethod: { path: () => `${ENDPOINTS.carriers}/methods/unmap`, done: 'Shipping method mapping removed' },
  SetDefaultCarrier: { path: () => `${ENDPOINTS.carriers}/defaults`, done: 'Default carriers saved' },
};

export async function loadSettings() {
  const [body, carriers] = await Promise.all([get(ENDPOINTS.settings), get(ENDPOINTS.shopCarriers).catch(() => [])]);
  return { settings: settingsFrom(body), shopCarriers: shopCarriersFrom(carriers) };
}

export function settingsFrom(body) {
  const importParameters = {
    ...(body?.import ?? {}),
    importWindowDays: body?.importWindowDays ?? body?.import?.importWindowDays,
    importIntervalSeconds: body?.importIntervalSeconds ?? body?.import?.importIntervalSeconds ?? null,
  };
  const mappings = body?.carrierMappings ?? {};
  const marketplaces = (body?.marketplaces ?? []).map((entry) => ({
    marketplace: entry.marketplace,
    label: entry.label || entry.marketplace,
    countriesSeen: entry.countriesSeen ?? null,
    uncoveredCountries: entry.uncoveredCountries ?? [],
    mapped: Boolean(entry.mapped),
    seen: entry.countriesSeen !== null && entry.countriesSeen !== undefined,
    carriers: entry.carriers ?? null,
    methods: entry.methods ?? null,
    mapping: { carriers: [], methods: [], defaults: [], ...(mappings[entry.marketplace] ?? {}) },
  }));
  return { importParameters, marketplaces, revision: body?.revision ?? null };
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

export function sendCarrierCommand(command, data) {
  return post(CARRIER_COMMANDS[command].path(), data);
}
