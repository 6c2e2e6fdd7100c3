/**
 * Marketplace definitions served by `GET /v3.0/marketplaces` (lengow-api.md §4). The shapes follow the real API; the
 * status names, carriers and argument lists are modelled on the plugins' fixtures and help pages, the labels and the
 * smaller lists are the sandbox's own.
 */

export const LENGOW_STATUSES = [
  'new',
  'waiting_acceptance',
  'accepted',
  'waiting_shipment',
  'shipped',
  'closed',
  'refused',
  'canceled',
  'refunding',
  'refunded',
  'partial_refunded',
] as const;
export type LengowStatus = (typeof LENGOW_STATUSES)[number];

export type ValidValues = Record<string, { label: string } | string>;

export interface ArgDescription {
  type: string;
  depends_on: null | {
    operation: string;
    conditions: { function: string; key_path: { root: string; path: string }; value: string }[];
  };
  valid_values: ValidValues;
  default_value: string | null;
  /** Absent means true in the real API; the sandbox always writes it. */
  accept_free_values: boolean;
}

export interface ActionDefinition {
  status: string[];
  args: string[];
  optional_args: string[];
  args_description: Record<string, ArgDescription>;
}

export interface CodeLabel {
  label: string;
  lengow_code: string | null;
}

export interface MarketplaceDefinition {
  package: string;
  name: string;
  legacy_code: string | null;
  country_iso_a2: string;
  country: string;
  logo: string | null;
  description: string | null;
  homepage: string | null;
  features: Record<string, unknown>;
  orders: {
    status: Partial<Record<LengowStatus, string[]>>;
    actions: Record<string, ActionDefinition>;
    carriers: Record<string, CodeLabel>;
    shipping_methods: Record<string, CodeLabel>;
  };
}

export type MarketplaceCatalogue = Record<string, MarketplaceDefinition>;

type ArgSpec = Partial<Omit<ArgDescription, 'valid_values'>> & { valid_values?: ValidValues };

function arg(spec: ArgSpec = {}): ArgDescription {
  return {
    type: spec.type ?? 'string',
    depends_on: spec.depends_on ?? null,
    valid_values: spec.valid_values ?? {},
    default_value: spec.default_value ?? null,
    accept_free_values: spec.accept_free_values ?? true,
  };
}

const line = (): ArgDescription => arg({ type: 'line_number' });
const price = (): ArgDescription => arg({ type: 'price' });

function labels(entries: Record<string, string>): ValidValues {
  return Object.fromEntries(Object.entries(entries).map(([code, label]) => [code, { label }]));
}

function carrierTable(entries: Record<string, [string, string | null]>): Record<string, CodeLabel> {
  return Object.fromEntries(
    Object.entries(entries).map(([code, [label, lengowCode]]) => [code, { label, lengow_code: lengowCode }]),
  );
}

function validValuesOf(table: Record<string, CodeLabel>): ValidValues {
  return Object.fromEntries(Object.entries(table).map(([code, { label }]) => [code, { label }]));
}

/** `carrier_name` only makes sense, and Amazon only accepts it, when the carrier is `Other` (plugins PS 4.1.0 #114). */
const carrierNameForOther = (): ArgDescription =>
  arg({
    depends_on: {
      operation: 'allOf',
      conditions: [{ function: 'equals', key_path: { root: 'action_data', path: 'carrier' }, value: 'Other' }],
    },
    default_value: '',
  });

const amazonCarriers = carrierTable({
  Chronopost: ['Chronopost', 'chronopost'],
  Colissimo: ['Colissimo', 'colissimo'],
  DHL: ['DHL', 'dhl'],
  DPD: ['DPD', 'dpd'],
  GLS: ['GLS', 'gls'],
  'La Poste': ['La Poste', 'laposte'],
  'Mondial Relay': ['Mondial Relay', 'mondialrelay'],
  TNT: ['TNT', 'tnt'],
  UPS: ['UPS', 'ups'],
  Other: ['Other', null],
});
const amazonMethods = carrierTable({
  Standard: ['Standard', 'standard'],
  Expedited: ['Expedited', 'expedited'],
  NextDay: ['NextDay', 'nextday'],
  SameDay: ['SameDay', 'sameday'],
  SecondDay: ['SecondDay', null],
  Priority: ['Priority', null],
});

const amazonFr: MarketplaceDefinition = {
  package: 'sp_amazon.mp.fr',
  name: 'Amazon FR',
  legacy_code: 'amazon',
  country_iso_a2: 'FR',
  country: 'FRA',
  logo: null,
  description: 'Generalist marketplace (sandbox definition).',
  homepage: 'https://amazon-fr.sandbox.example/',
  features: {},
  orders: {
    status: {
      new: ['Pending', 'PendingAvailability'],
      waiting_shipment: ['Unshipped', 'PartiallyShipped', 'Unfulfillable'],
      shipped: ['Shipped', 'InvoiceUnconfirmed'],
      canceled: ['Canceled'],
      refunded: ['Refunded'],
    },
    actions: {
      ship: {
        status: ['waiting_shipment'],
        args: ['carrier', 'shipping_method'],
        optional_args: ['carrier_name', 'line', 'shipping_date', 'tracking_number'],
        args_description: {
          carrier: arg({
            type: 'list',
            valid_values: validValuesOf(amazonCarriers),
            default_value: '',
            accept_free_values: false,
          }),
          shipping_method: arg({ type: 'list', valid_values: validValuesOf(amazonMethods), accept_free_values: false }),
          carrier_name: carrierNameForOther(),
          line: line(),
          shipping_date: arg({ type: 'date' }),
          tracking_number: arg(),
        },
      },
      cancel: {
        status: ['new', 'waiting_shipment'],
        args: [],
        optional_args: ['line', 'reason'],
        args_description: {
          line: line(),
          reason: arg({
            type: 'list',
            valid_values: labels({
              NoInventory: 'No inventory',
              BuyerCanceled: 'Buyer canceled',
              ShippingAddressUndeliverable: 'Shipping address undeliverable',
              CustomerExchange: 'Customer exchange',
              PricingError: 'Pricing error',
            }),
            accept_free_values: false,
          }),
        },
      },
      refund: {
        status: ['shipped'],
        args: ['line', 'reason'],
        optional_args: ['refund_price', 'refund_shipping_price'],
        args_description: {
          line: line(),
          reason: arg({
            type: 'list',
            valid_values: labels({
              CustomerReturn: 'Customer return',
              NoInventory: 'No inventory',
              PriceError: 'Price error',
              CouldNotShip: 'Could not ship',
              Other: 'Other',
            }),
            default_value: 'CustomerReturn',
            accept_free_values: false,
          }),
          refund_price: price(),
          refund_shipping_price: price(),
        },
      },
    },
    carriers: amazonCarriers,
    shipping_methods: amazonMethods,
  },
};

const cdiscountCarriers = carrierTable({
  COL: ['Colissimo', 'colissimo'],
  CHR: ['Chronopost', 'chronopost'],
  DPD: ['DPD', 'dpd'],
  GLS: ['GLS', 'gls'],
  MONDIAL_RELAY: ['Mondial Relay', 'mondialrelay'],
  RELAIS_COLIS: ['Relais Colis', 'relaiscolis'],
  TNT: ['TNT', 'tnt'],
  UPS: ['UPS', 'ups'],
});

const cdiscount: MarketplaceDefinition = {
  package: 'mp_cdiscount',
  name: 'Cdiscount',
  legacy_code: 'cdiscount',
  country_iso_a2: 'FR',
  country: 'FRA',
  logo: null,
  description: 'French generalist marketplace (sandbox definition).',
  homepage: 'https://cdiscount.sandbox.example/',
  features: {},
  orders: {
    status: {
      waiting_acceptance: ['WaitingForSellerAcceptation'],
      accepted: ['AcceptedBySeller', 'PaymentInProgress'],
      waiting_shipment: ['WaitingForShipmentAcceptation'],
      shipped: ['Shipped'],
      closed: ['Filled'],
      refused: ['RefusedBySeller', 'ShipmentRefusedBySeller'],
      canceled: ['CancelledByCustomer', 'AutomaticCancellation', 'PaymentRefused'],
      refunding: ['RefundRequested'],
      refunded: ['Refunded'],
    },
    actions: {
      accept: { status: ['waiting_acceptance'], args: [], optional_args: ['line'], args_description: { line: line() } },
      refuse: { status: ['waiting_acceptance'], args: [], optional_args: ['line'], args_description: { line: line() } },
      ship: {
        status: ['waiting_shipment'],
        args: ['carrier', 'tracking_number'],
        optional_args: ['tracking_url', 'line'],
        args_description: {
          carrier: arg({
            type: 'list',
            valid_values: validValuesOf(cdiscountCarriers),
            default_value: '',
            accept_free_values: false,
          }),
          tracking_number: arg(),
          tracking_url: arg(),
          line: line(),
        },
      },
      cancel: {
        status: ['accepted', 'waiting_shipment'],
        args: ['reason'],
        optional_args: ['line'],
        args_description: {
          reason: arg({
            type: 'list',
            valid_values: labels({
              OUT_OF_STOCK: 'Out of stock',
              CUSTOMER_REQUEST: 'Customer request',
              PRICE_ERROR: 'Price error',
            }),
            default_value: 'OUT_OF_STOCK',
            accept_free_values: false,
          }),
          line: line(),
        },
      },
      refund: {
        status: ['shipped', 'closed'],
        args: ['refund_reason'],
        optional_args: ['line', 'refund_mode'],
        args_description: {
          refund_reason: arg({
            type: 'list',
            valid_values: labels({
              PRODUCT_RETURNED: 'Product returned',
              DAMAGED: 'Damaged product',
              NOT_RECEIVED: 'Not received',
            }),
            default_value: 'PRODUCT_RETURNED',
            accept_free_values: false,
          }),
          refund_mode: arg({
            type: 'list',
            valid_values: labels({ full: 'Full refund', partial: 'Partial refund' }),
            default_value: 'full',
            accept_free_values: false,
          }),
          line: line(),
        },
      },
    },
    carriers: cdiscountCarriers,
    shipping_methods: carrierTable({
      Standard: ['Standard', 'standard'],
      Express: ['Express', 'express'],
      Relay: ['Point relais', 'relay'],
    }),
  },
};

const laredouteCarriers = carrierTable({
  COLISSIMO: ['Colissimo', 'colissimo'],
  CHRONOPOST: ['Chronopost', 'chronopost'],
  DPD: ['DPD', 'dpd'],
  GLS: ['GLS', 'gls'],
  MONDIAL_RELAY: ['Mondial Relay', 'mondialrelay'],
  COLIS_PRIVE: ['Colis Privé', 'colisprive'],
});

/** La Redoute runs on Mirakl, so its status table is the Mirakl one of lengow-api.md §6. */
const laredoute: MarketplaceDefinition = {
  package: 'mp_laredoute',
  name: 'La Redoute',
  legacy_code: 'laredoute',
  country_iso_a2: 'FR',
  country: 'FRA',
  logo: null,
  description: 'Fashion and home marketplace on Mirakl (sandbox definition).',
  homepage: 'https://laredoute.sandbox.example/',
  features: {},
  orders: {
    status: {
      new: ['STAGING'],
      waiting_acceptance: ['WAITING_ACCEPTANCE'],
      accepted: ['WAITING_DEBIT', 'WAITING_DEBIT_PAYMENT'],
      waiting_shipment: ['SHIPPING'],
      shipped: ['SHIPPED'],
      refused: ['REFUSED'],
      closed: ['CLOSED', 'RECEIVED'],
      canceled: ['CANCELED'],
      refunding: ['WAITING_REFUND', 'WAITING_REFUND_PAYMENT'],
      refunded: ['REFUNDED'],
    },
    actions: {
      accept: { status: ['waiting_acceptance'], args: [], optional_args: ['line'], args_description: { line: line() } },
      refuse: { status: ['waiting_acceptance'], args: [], optional_args: ['line'], args_description: { line: line() } },
      ship: {
        status: ['waiting_shipment'],
        args: ['carrier', 'tracking_number'],
        optional_args: ['line', 'tracking_url'],
        args_description: {
          carrier: arg({
            type: 'list',
            valid_values: validValuesOf(laredouteCarriers),
            default_value: '',
            accept_free_values: false,
          }),
          tracking_number: arg(),
          line: line(),
          tracking_url: arg(),
        },
      },
      cancel: {
        status: ['accepted', 'waiting_shipment'],
        args: ['reason'],
        optional_args: ['line'],
        args_description: {
          reason: arg({
            type: 'list',
            valid_values: { '34': 'Out of stock', '35': 'Customer request', '36': 'Address problem' },
            default_value: '34',
            accept_free_values: false,
          }),
          line: line(),
        },
      },
      refund: {
        status: ['shipped', 'closed'],
        args: ['refund_reason'],
        optional_args: ['line', 'quantity'],
        args_description: {
          refund_reason: arg({
            type: 'list',
            valid_values: { '12': 'Product returned', '13': 'Damaged product', '14': 'Product not received' },
            default_value: '12',
            accept_free_values: false,
          }),
          line: line(),
          quantity: arg({ type: 'integer' }),
        },
      },
    },
    carriers: laredouteCarriers,
    shipping_methods: {},
  },
};

const fnacCarriers = carrierTable({
  COLISSIMO: ['Colissimo', 'colissimo'],
  CHRONOPOST: ['Chronopost', 'chronopost'],
  LAPOSTE: ['La Poste', 'laposte'],
  DHL: ['DHL', 'dhl'],
  UPS: ['UPS', 'ups'],
});

/** Fnac takes any carrier name, so its carrier argument accepts free values. */
const fnac: MarketplaceDefinition = {
  package: 'mp_fnac',
  name: 'Fnac',
  legacy_code: 'fnac',
  country_iso_a2: 'FR',
  country: 'FRA',
  logo: null,
  description: 'Culture and electronics marketplace (sandbox definition).',
  homepage: 'https://fnac.sandbox.example/',
  features: {},
  orders: {
    status: {
      waiting_acceptance: ['Created'],
      accepted: ['Accepted'],
      waiting_shipment: ['ToShip'],
      shipped: ['Shipped'],
      closed: ['Received'],
      refused: ['Refused'],
      canceled: ['Cancelled'],
      refunded: ['Refunded'],
    },
    actions: {
      accept: { status: ['waiting_acceptance'], args: [], optional_args: ['line'], args_description: { line: line() } },
      refuse: { status: ['waiting_acceptance'], args: [], optional_args: ['line'], args_description: { line: line() } },
      ship: {
        status: ['waiting_shipment'],
        args: ['carrier'],
        optional_args: ['tracking_number', 'tracking_url', 'line'],
        args_description: {
          carrier: arg({
            type: 'list',
            valid_values: validValuesOf(fnacCarriers),
            default_value: '',
            accept_free_values: true,
          }),
          tracking_number: arg(),
          tracking_url: arg(),
          line: line(),
        },
      },
      cancel: {
        status: ['accepted', 'waiting_shipment'],
        args: ['reason'],
        optional_args: ['line'],
        args_description: {
          reason: arg({
            type: 'list',
            valid_values: labels({
              STOCK: 'Product unavailable',
              CUSTOMER: 'Customer request',
              ERROR: 'Listing error',
            }),
            default_value: 'STOCK',
            accept_free_values: false,
          }),
          line: line(),
        },
      },
      refund: {
        status: ['shipped', 'closed'],
        args: ['refund_reason'],
        optional_args: ['line'],
        args_description: {
          refund_reason: arg({
            type: 'list',
            valid_values: labels({ RETURNED: 'Product returned', NOT_RECEIVED: 'Not received' }),
            default_value: 'RETURNED',
            accept_free_values: false,
          }),
          line: line(),
        },
      },
    },
    carriers: fnacCarriers,
    shipping_methods: carrierTable({ Standard: ['Standard', 'standard'], Express: ['Express', 'express'] }),
  },
};

const manomanoCarriers = carrierTable({
  COLISSIMO: ['Colissimo', 'colissimo'],
  DPD: ['DPD', 'dpd'],
  GEODIS: ['Geodis', 'geodis'],
  DB_SCHENKER: ['DB Schenker', 'dbschenker'],
  KUEHNE_NAGEL: ['Kuehne + Nagel', 'kuehnenagel'],
  Other: ['Other', null],
});

const manomano: MarketplaceDefinition = {
  package: 'mp_manomano',
  name: 'ManoMano FR',
  legacy_code: 'manomano',
  country_iso_a2: 'FR',
  country: 'FRA',
  logo: null,
  description: 'DIY and garden marketplace (sandbox definition).',
  homepage: 'https://manomano.sandbox.example/',
  features: {},
  orders: {
    status: {
      new: ['PENDING'],
      accepted: ['WAITING_PAYMENT'],
      waiting_shipment: ['PREPARATION'],
      shipped: ['SHIPPED'],
      closed: ['DELIVERED'],
      refused: ['REFUSED'],
      canceled: ['CANCELLED'],
      refunding: ['REFUNDING'],
      refunded: ['REFUNDED'],
    },
    actions: {
      ship: {
        status: ['waiting_shipment'],
        args: ['carrier', 'tracking_number'],
        optional_args: ['carrier_name', 'tracking_url', 'line'],
        args_description: {
          carrier: arg({
            type: 'list',
            valid_values: validValuesOf(manomanoCarriers),
            default_value: '',
            accept_free_values: false,
          }),
          tracking_number: arg(),
          carrier_name: carrierNameForOther(),
          tracking_url: arg(),
          line: line(),
        },
      },
      cancel: {
        status: ['accepted', 'waiting_shipment'],
        args: ['reason'],
        optional_args: [],
        args_description: {
          reason: arg({
            type: 'list',
            valid_values: labels({ out_of_stock: 'Out of stock', customer_request: 'Customer request' }),
            default_value: 'out_of_stock',
            accept_free_values: false,
          }),
        },
      },
      refund: {
        status: ['shipped', 'closed'],
        args: ['refund_reason', 'refund_mode'],
        optional_args: ['line', 'refund_price'],
        args_description: {
          refund_reason: arg({
            type: 'list',
            valid_values: labels({ product_returned: 'Product returned', damaged: 'Damaged', lost: 'Lost in transit' }),
            default_value: 'product_returned',
            accept_free_values: false,
          }),
          refund_mode: arg({
            type: 'list',
            valid_values: labels({ total: 'Total', partial: 'Partial' }),
            default_value: 'total',
            accept_free_values: false,
          }),
          line: line(),
          refund_price: price(),
        },
      },
    },
    carriers: manomanoCarriers,
    shipping_methods: carrierTable({ Standard: ['Standard', 'standard'], Bulky: ['Bulky delivery', null] }),
  },
};

/** The one sandbox marketplace with `partial_refunded` (API 2023-12, Veepee first). */
const veepee: MarketplaceDefinition = {
  package: 'mp_veepee',
  name: 'Veepee',
  legacy_code: null,
  country_iso_a2: 'FR',
  country: 'FRA',
  logo: null,
  description: 'Flash-sale marketplace (sandbox definition).',
  homepage: 'https://veepee.sandbox.example/',
  features: {},
  orders: {
    status: {
      waiting_shipment: ['to_ship'],
      shipped: ['shipped'],
      closed: ['delivered'],
      canceled: ['cancelled'],
      refunded: ['refunded'],
      partial_refunded: ['partially_refunded'],
    },
    actions: {
      ship: {
        status: ['waiting_shipment'],
        args: ['carrier', 'tracking_number'],
        optional_args: ['line'],
        args_description: {
          carrier: arg({
            type: 'list',
            valid_values: labels({ COLISSIMO: 'Colissimo', DPD: 'DPD', GLS: 'GLS' }),
            accept_free_values: false,
          }),
          tracking_number: arg(),
          line: line(),
        },
      },
      cancel: { status: ['waiting_shipment'], args: [], optional_args: ['line'], args_description: { line: line() } },
      refund: {
        status: ['shipped', 'closed', 'partial_refunded'],
        args: ['line', 'refund_reason'],
        optional_args: ['quantity'],
        args_description: {
          line: line(),
          refund_reason: arg({
            type: 'list',
            valid_values: labels({ RETURN: 'Product returned', DEFECT: 'Defective product' }),
            accept_free_values: false,
          }),
          quantity: arg({ type: 'integer' }),
        },
      },
    },
    carriers: carrierTable({ COLISSIMO: ['Colissimo', 'colissimo'], DPD: ['DPD', 'dpd'], GLS: ['GLS', 'gls'] }),
    shipping_methods: {},
  },
};

/** The definitions the sandbox starts with; a fresh deep copy each time so callers may mutate theirs. */
export function defaultMarketplaces(): MarketplaceCatalogue {
  return structuredClone({ amazon_fr: amazonFr, cdiscount, laredoute, fnac, manomano, veepee });
}

export const SANDBOX_MARKETPLACE_CODES = ['amazon_fr', 'cdiscount', 'laredoute', 'fnac', 'manomano', 'veepee'] as const;
export type SandboxMarketplaceCode = (typeof SANDBOX_MARKETPLACE_CODES)[number];

/** The Lengow status a raw marketplace status maps to, or null when the table does not list it (exact match, as PS). */
export function lengowStatusOf(
  definition: MarketplaceDefinition,
  marketplaceStatus: string | null | undefined,
): LengowStatus | null {
  if (marketplaceStatus == null) return null;
  for (const [lengowStatus, raw] of Object.entries(definition.orders.status)) {
    if (raw?.includes(marketplaceStatus)) return lengowStatus as LengowStatus;
  }
  return null;
}

/** The first raw status the marketplace uses for a Lengow status, or null if it has none. */
export function marketplaceStatusFor(definition: MarketplaceDefinition, lengowStatus: LengowStatus): string | null {
  return definition.orders.status[lengowStatus]?.[0] ?? null;
}
