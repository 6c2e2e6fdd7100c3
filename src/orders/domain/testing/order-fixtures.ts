import type { CarrierMappingView, ShopCarrier } from '../carrier-mapping.js';
import type { ImportLookups } from '../import-lookups.js';
import type { MarketplaceDefinition } from '../marketplace-definition.js';
import type { OrderFacts } from '../order-facts.js';
import type {
  MarketplaceOrderSnapshot,
  OrderAddress,
  SnapshotLine,
  SnapshotPackage,
} from '../marketplace-order-snapshot.js';

/**
 * Test data shaped like lengow-api.md §3/§4's illustrative order and definition, with builders that override only
 * what a test is about. Used by specs only.
 */
export const NOW = '2024-05-02T10:00:00.000Z';

export const colissimo: ShopCarrier = {
  id: 'carrier-colissimo',
  name: 'Colissimo',
  trackingUrlTemplate: 'https://track.example/@',
};
export const laPoste: ShopCarrier = { id: 'carrier-laposte', name: 'La Poste' };
export const homeCarrier: ShopCarrier = { id: 'carrier-home', name: 'My own van' };

export function address(overrides: Partial<OrderAddress> = {}): OrderAddress {
  return {
    company: null,
    civility: 'Ms',
    email: 'buyer-778@relay.example',
    firstName: 'Anne',
    lastName: 'Martin',
    fullName: 'Anne Martin',
    firstLine: '12 rue des Lilas',
    secondLine: null,
    complement: null,
    zipcode: '69003',
    city: 'Lyon',
    stateRegion: null,
    countryIso2: 'FR',
    phoneHome: null,
    phoneOffice: null,
    phoneMobile: '+33600000000',
    vatNumber: null,
    ...overrides,
  };
}

export function line(overrides: Partial<SnapshotLine> = {}): SnapshotLine {
  return {
    lineId: 'DM-1',
    marketplaceProductId: 'MP-SKU-1',
    merchantProductId: { id: '1001_3', field: 'id' },
    marketplaceStatus: 'ToShip',
    quantity: 2,
    amount: 39.9,
    tax: 6.65,
    title: 'Mug, blue',
    ...overrides,
  };
}

export function pkg(overrides: Partial<SnapshotPackage> = {}): SnapshotPackage {
  return {
    deliveryId: '9002',
    deliveryAddress: address({ email: null }),
    tracking: { carrier: 'COLISSIMO', method: 'Standard', number: null, relayId: null },
    deliveredByMarketplace: false,
    lines: [
      line(),
      line({
        lineId: 'DM-2',
        marketplaceProductId: 'MP-SKU-2',
        merchantProductId: { id: 'REF-2002', field: 'reference' },
        quantity: 1,
        amount: 20,
        title: 'Tea towel',
      }),
    ],
    ...overrides,
  };
}

export function snapshot(overrides: Partial<MarketplaceOrderSnapshot> = {}): MarketplaceOrderSnapshot {
  return {
    marketplace: 'demo_market_fr',
    marketplaceOrderId: 'DM-2024-000123',
    marketplaceStatus: 'ToShip',
    lengowStatus: 'waiting_shipment',
    orderDate: '2024-05-02T09:15:00+00:00',
    importedAt: '2024-05-02T09:30:12+00:00',
    anonymized: false,
    orderTypes: [{ type: 'is_express', label: 'Express' }],
    currency: 'EUR',
    amounts: { total: 64.8, tax: 10.8, shipping: 4.9, processingFee: 0 },
    marketplaceCustomerId: 'CUST-778',
    billingAddress: address(),
    packages: [pkg()],
    payments: [{ type: 'marketplace', fiscalNb: null, vatNumber: null, siretNumber: null }],
    merchantOrderIds: null,
    ...overrides,
  };
}

export function definition(overrides: Partial<MarketplaceDefinition> = {}): MarketplaceDefinition {
  return {
    code: 'demo_market_fr',
    label: 'Demo Market FR',
    statusTable: {
      waiting_acceptance: ['New'],
      accepted: ['Accepted'],
      waiting_shipment: ['ToShip'],
      shipped: ['Sent'],
      closed: ['Delivered'],
      refused: ['Rejected'],
      canceled: ['Cancelled'],
      refunding: ['RefundPending'],
      refunded: ['Refunded'],
      partial_refunded: ['PartiallyRefunded'],
    },
    actions: {
      ship: {
        status: ['waiting_shipment'],
        args: ['carrier', 'tracking_number'],
        optionalArgs: ['line', 'tracking_url', 'carrier_name', 'shipping_method'],
        argsDescription: {
          carrier: {
            type: 'string',
            validValues: { COLISSIMO: 'Colissimo', DHL: 'DHL', Other: 'Other' },
            defaultValue: '',
            acceptFreeValues: false,
          },
          tracking_number: { type: 'string', validValues: {}, defaultValue: null, acceptFreeValues: true },
          line: { type: 'line_number', validValues: {}, defaultValue: null, acceptFreeValues: true },
          tracking_url: { type: 'string', validValues: {}, defaultValue: null, acceptFreeValues: true },
          carrier_name: { type: 'string', validValues: {}, defaultValue: null, acceptFreeValues: true },
          shipping_method: {
            type: 'string',
            validValues: { Standard: 'Standard', Express: 'Express' },
            defaultValue: 'Standard',
            acceptFreeValues: false,
          },
        },
      },
      cancel: {
        status: ['waiting_shipment'],
        args: ['reason'],
        optionalArgs: ['line'],
        argsDescription: {
          reason: {
            type: 'string',
            validValues: { OUT_OF_STOCK: 'Out of stock', CUSTOMER_REQUEST: 'Customer request' },
            defaultValue: 'OUT_OF_STOCK',
            acceptFreeValues: false,
          },
          line: { type: 'line_number', validValues: {}, defaultValue: null, acceptFreeValues: true },
        },
      },
      refund: {
        status: ['shipped', 'closed', 'waiting_shipment'],
        args: ['refund_reason'],
        optionalArgs: ['line', 'quantity'],
        argsDescription: {
          refund_reason: {
            type: 'string',
            validValues: { RETURN: 'Product returned', DAMAGED: 'Damaged' },
            defaultValue: null,
            acceptFreeValues: false,
          },
          quantity: { type: 'integer', validValues: {}, defaultValue: null, acceptFreeValues: true },
        },
      },
    },
    carriers: {
      COLISSIMO: { label: 'Colissimo', lengowCode: 'colissimo' },
      DHL: { label: 'DHL', lengowCode: 'dhl' },
      Other: { label: 'Other', lengowCode: null },
    },
    shippingMethods: {
      Standard: { label: 'Standard', lengowCode: null },
      Express: { label: 'Express delivery', lengowCode: null },
    },
    ...overrides,
  };
}

export function carrierMapping(overrides: Partial<CarrierMappingView> = {}): CarrierMappingView {
  return {
    carriers: [{ country: 'FR', marketplaceCarrier: 'COLISSIMO', shopCarrier: colissimo }],
    methods: [],
    defaults: [{ country: 'FR', importCarrier: laPoste, shipCarrier: 'DHL' }],
    ...overrides,
  };
}

export function lookups(overrides: Partial<ImportLookups> = {}): ImportLookups {
  return {
    products: {
      'DM-1': {
        kind: 'found',
        product: { productId: '1001', variantId: '3' },
        matchedBy: 'merchant_id',
        available: true,
      },
      'DM-2': {
        kind: 'found',
        product: { productId: '2002', variantId: null },
        matchedBy: 'reference',
        available: true,
      },
    },
    currencyAvailable: true,
    countries: { FR: { name: 'France', active: true } },
    carrierMapping: carrierMapping(),
    ...overrides,
  };
}

/** The facts import decisions record for `snapshot()` with the Lengow status `waiting_shipment`. */
export function orderFacts(overrides: Partial<OrderFacts> = {}): OrderFacts {
  return {
    orderDate: '2024-05-02T09:15:00.000Z',
    customerName: 'Anne Martin',
    deliveryCountry: 'FR',
    totalAmount: 64.8,
    currency: 'EUR',
    marketplaceStatus: 'ToShip',
    lengowStatus: 'waiting_shipment',
    business: false,
    shippedByMarketplace: false,
    ...overrides,
  };
}
