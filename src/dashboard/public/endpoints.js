// Every URL of the engine's HTTP API the page calls, in one place.

const order = (marketplace, id) => `/api/orders/${encodeURIComponent(marketplace)}/${encodeURIComponent(id)}`;

export const ENDPOINTS = {
  events: '/api/orders/events',
  orders: '/api/orders',
  counters: '/api/orders/counters',
  order,
  timeline: (marketplace, id) => `${order(marketplace, id)}/timeline`,
  stateAt: (marketplace, id) => `${order(marketplace, id)}/state`,
  replay: (marketplace, id) => `${order(marketplace, id)}/replay`,
  reimport: (marketplace, id) => `${order(marketplace, id)}/reimport`,
  resend: (marketplace, id) => `${order(marketplace, id)}/resend`,
  resynchronize: (marketplace, id) => `${order(marketplace, id)}/resynchronize`,
  retryStockDecrement: (marketplace, id) => `${order(marketplace, id)}/retry-stock-decrement`,
  shopStatus: (marketplace, id, kind) => `${order(marketplace, id)}/shop/${kind}`,
  importNow: '/api/orders/import',
  settings: '/api/settings',
  importSettings: '/api/settings/import',
  shopCarriers: '/api/shop/carriers',
  me: '/api/auth/me',
  reactions: '/api/reactions',
  replayParkedEvents: (consumer) => `/api/reactions/parked-events/${encodeURIComponent(consumer)}/replay`,
  replayParkedShopChanges: '/api/reactions/parked-shop-changes/replay',
};
