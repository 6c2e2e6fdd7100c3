/**
 * A Lengow order (API JSON) for the emulator, on Cdiscount (ship needs `carrier` from its list and `tracking_number`),
 * shaped like lengow-api.md §3's example. Products refer to the test shop's catalogue (`shop_product`). Test support.
 */
export interface EmulatorLine {
  lineId: string;
  /** Shop product id, sent as `merchant_product_id.id`. */
  product: string;
  quantity: number;
  /** Line total, tax included. */
  amount: number;
}

export interface EmulatorOrderOptions {
  marketplaceOrderId: string;
  /** One entry per package. */
  packages?: EmulatorLine[][];
  marketplaceStatus?: string;
  shipping?: number;
  processingFee?: number;
  /** `trackings[0].carrier` of every package (null: the marketplace leaves the carrier to the merchant). */
  carrier?: string | null;
  email?: string | null;
  updatedAt?: string;
}

export const EMULATOR_MARKETPLACE = 'cdiscount';
export const WAITING_SHIPMENT = 'WaitingForShipmentAcceptation';

function address(type: string, email: string | null) {
  return {
    id: type === 'billing' ? 9001 : 9002,
    type,
    company: null,
    civility: 'Ms',
    email,
    first_name: 'Anne',
    last_name: 'Martin',
    full_name: 'Anne Martin',
    first_line: '12 rue des Lilas',
    second_line: null,
    complement: null,
    full_address: '12 rue des Lilas 69003 Lyon',
    zipcode: '69003',
    city: 'Lyon',
    state_region: null,
    common_country_iso_a2: 'FR',
    phone_home: null,
    phone_office: null,
    phone_mobile: '+33600000000',
    vat_number: null,
    metas: {},
  };
}

export function emulatorOrder(options: EmulatorOrderOptions): Record<string, unknown> {
  const packages = options.packages ?? [
    [
      { lineId: `${options.marketplaceOrderId}-1`, product: '101', quantity: 2, amount: 39.9 },
      { lineId: `${options.marketplaceOrderId}-2`, product: '102', quantity: 1, amount: 20 },
    ],
  ];
  const status = options.marketplaceStatus ?? WAITING_SHIPMENT;
  const shipping = options.shipping ?? 4.9;
  const fee = options.processingFee ?? 0;
  const products = packages.flat().reduce((sum, line) => sum + line.amount, 0);
  const updatedAt = options.updatedAt ?? new Date().toISOString();
  const email = options.email === undefined ? 'buyer-778@relay.example' : options.email;
  return {
    marketplace: EMULATOR_MARKETPLACE,
    account_id: 4242,
    marketplace_country_iso2: 'FR',
    marketplace_order_id: options.marketplaceOrderId,
    marketplace_status: status,
    lengow_status: 'waiting_shipment',
    marketplace_order_date: updatedAt,
    imported_at: updatedAt,
    updated_at: updatedAt,
    anonymized: false,
    merchant_order_id: null,
    currency: { iso_a3: 'EUR' },
    total_order: Math.round((products + shipping + fee) * 100) / 100,
    total_tax: 0,
    shipping,
    processing_fee: fee,
    commission: 0,
    order_types: [],
    comments: null,
    marketplace_customer_id: 'CUST-778',
    meta: {},
    payments: [
      {
        type: 'marketplace',
        payment_terms: { external_transaction_id: 'TX-99', fiscalnb: null, vat_number: null, siret_number: null },
      },
    ],
    billing_address: address('billing', email),
    packages: packages.map((lines, index) => ({
      delivery: {
        ...address('delivery', null),
        id: 9002 + index,
        trackings: [{ carrier: options.carrier ?? null, method: null, number: null, relay: { id: null } }],
      },
      cart: lines.map((line) => ({
        id: Number(line.lineId.replace(/\D/g, '').slice(-6)) || 1,
        marketplace_order_line_id: line.lineId,
        marketplace_product_id: `MP-${line.product}`,
        merchant_product_id: { id: line.product, field: 'id' },
        marketplace_status: status,
        quantity: line.quantity,
        amount: line.amount,
        original_amount: line.amount,
        tax: 0,
        title: `Product ${line.product}`,
      })),
    })),
  };
}
