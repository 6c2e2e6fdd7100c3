/**
 * The order JSON the sandbox generates (lengow-api.md §3), typed for the generator and its tests. Orders added through
 * the admin API are stored as whatever JSON they were, so the server itself handles orders as plain JSON objects.
 */

/** Money is "decimal or string" on the wire; the samples mix both, and so does the generator. */
export type Money = number | string;

export interface LengowCurrency {
  iso_a3: string;
  symbol: string | null;
  name: string | null;
}

export interface LengowAddress {
  id: number;
  type: 'billing' | 'delivery';
  company: string | null;
  civility: string | null;
  email: string | null;
  first_name: string | null;
  last_name: string | null;
  full_name: string | null;
  first_line: string | null;
  second_line: string | null;
  complement: string | null;
  full_address: string | null;
  zipcode: string | null;
  city: string | null;
  state_region: string | null;
  common_country_iso_a2: string | null;
  phone_home: string | null;
  phone_office: string | null;
  phone_mobile: string | null;
  vat_number: string | null;
  metas: Record<string, unknown> | null;
}

export interface LengowTracking {
  carrier: string | null;
  method: string | null;
  number: string | null;
  url: string | null;
  is_delivered_by_marketplace: boolean;
  parcel_weight: number | null;
  shipped_at: string | null;
  relay: { id: string | null; name: string | null };
  marketplace_order_line_ids: string[];
}

export interface LengowDelivery extends LengowAddress {
  trackings: LengowTracking[];
}

export interface LengowCartLine {
  id: number;
  marketplace_order_line_id: string;
  marketplace_product_id: string | null;
  merchant_product_id: { id: string | null; field: string | null };
  marketplace_status: string | null;
  lengow_status: string | null;
  title: string;
  category: string | null;
  quantity: number;
  amount: Money;
  tax: Money;
  original_amount: Money;
  original_tax: Money;
  discount: Money | null;
  shipping: Money | null;
  refunded_amount: Money | null;
  max_shipping_date: string | null;
  created_at: string;
  updated_at: string;
  url_product: string | null;
  url_image: string | null;
  marketplace_package_id: string | null;
  orderline_types: { type: string; label: string }[];
}

export interface LengowPackage {
  delivery: LengowDelivery;
  cart: LengowCartLine[];
}

export interface LengowPayment {
  id: number;
  checkout: string | null;
  status: string | null;
  type: string;
  settled_at: string | null;
  payment_terms: {
    external_transaction_id: string | null;
    fiscalnb: string | null;
    vat_number: string | null;
    siret_number: string | null;
  };
}

export interface LengowOrder {
  marketplace: string;
  account_id: number;
  marketplace_country_iso2: string;
  marketplace_order_id: string;
  merchant_order_id: string[] | null;
  marketplace_status: string;
  lengow_status: string;
  marketplace_order_date: string | null;
  imported_at: string;
  updated_at: string;
  anonymized: boolean;
  currency: LengowCurrency;
  original_currency: LengowCurrency;
  total_order: Money;
  total_tax: Money;
  shipping: Money;
  discount: Money;
  processing_fee: Money;
  commission: Money;
  original_total_order: Money;
  original_total_tax: Money;
  original_shipping: Money;
  original_discount: Money;
  original_processing_fee: Money;
  original_commission: Money;
  order_types: { type: string; label: string }[];
  comments: string | null;
  marketplace_customer_id: string | null;
  invoice_number: string | null;
  invoice_url: string | null;
  order_meta: { feed_id: number | null; checksum: string | null };
  payments: LengowPayment[];
  billing_address: LengowAddress | null;
  contact_address: LengowAddress | null;
  packages: LengowPackage[];
  documents: unknown[];
  original_total_buyer_amount: Money | null;
  original_total_buyer_tax: Money | null;
  original_buyer_currency: LengowCurrency | null;
}
