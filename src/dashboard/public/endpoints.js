// Every URL of the engine's HTTP API the page calls, in one place.

const order = (marketplace, id) => `/api/orders/${encodeURIComponent(marketplace)}/${encodeURIComponent(id)}`;

export const ENDPOINTS = {
  events: '/api/orders/events',
  orders: '/api/orders',
  counters: '/api/orders/counters',
  order,
  timeline: (marketplace, id) => `${order(marketplace, id)}/timeline`,
  stateAt: (marketplace, id) => `${order(marketplace, id)}/state`,
  reimport: (marketplace, id) => `${order(marketplace, id)}/reimport`,
  resend: (marketplace, id) => `${order(marketplace, id)}/resend`,
  resynchronise: (marketplace, id) => `${order(marketplace, id)}/resynchronise`,
  shopStatus: (marketplace, id, kind) => `${order(marketplace, id)}/shop/${kind}`,
  importNow: '/api/imports',
  settings: '/api/settings',
  importSettings: '/api/settings/import',
  carriers: '/api/settings/carriers',
  marketplaces: '/api/settings/marketplaces',
  shopCarriers: '/api/shop/carriers',
};
