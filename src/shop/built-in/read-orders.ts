import type { SqlExecutor, SqlParam } from '../../database/sql-database.port.js';
import {
  shopOrderReference,
  type ShopOrder,
  type ShopOrderHistoryEntry,
  type ShopOrderLine,
  type ShopOrderState,
  type ShopTracking,
} from '../shop-order.js';
import { currentCarriersByReference } from './carrier-rows.js';
import { chunks, padded, placeholders } from './sql-helpers.js';

export interface OrderRow {
  id: number;
  idempotency_key: string;
  package_index: number;
  package_count: number;
  marketplace: string;
  marketplace_order_id: string;
  delivery_id: string | null;
  state: ShopOrderState;
  currency: string;
  products_cents: number;
  shipping_cents: number;
  processing_fee_cents: number;
  total_cents: number;
  customer: string;
  billing_address: string;
  delivery_address: string;
  carrier_id: number | null;
  carrier_reference_id: number | null;
  relay_id: string | null;
  is_b2b: number;
  tracking: string | null;
  technical_error_reason: string | null;
  created_at: string;
  updated_at: string;
}

export interface LineRow {
  id: number;
  order_id: number;
  position: number;
  product_id: string;
  product_name: string;
  quantity: number;
  unit_price_cents: number;
  amount_cents: number;
  marketplace_line_ids: string;
  refunded_quantity: number;
}

interface HistoryRow {
  order_id: number;
  from_state: ShopOrderState | null;
  to_state: ShopOrderState;
  source: 'engine' | 'merchant';
  details: string;
  at: string;
}

/** Full orders (lines, history, current carrier) matching `where`, by id. */
export async function readOrders(exec: SqlExecutor, where: string, params: SqlParam[]): Promise<ShopOrder[]> {
  const rows = await exec.query<OrderRow>(`SELECT * FROM shop_orders WHERE ${where} ORDER BY id`, params);
  if (rows.length === 0) return [];
  const ids = rows.map((r) => Number(r.id));
  const lines = new Map<number, ShopOrderLine[]>();
  const history = new Map<number, ShopOrderHistoryEntry[]>();
  for (const batch of chunks(ids).map(padded)) {
    for (const line of await exec.query<LineRow>(
      `SELECT * FROM shop_order_lines WHERE order_id IN (${placeholders(batch.length)}) ORDER BY order_id, position`,
      batch,
    )) {
      const list = lines.get(Number(line.order_id)) ?? [];
      list.push(toLine(line));
      lines.set(Number(line.order_id), list);
    }
    for (const entry of await exec.query<HistoryRow>(
      `SELECT * FROM shop_order_history WHERE order_id IN (${placeholders(batch.length)}) ORDER BY id`,
      batch,
    )) {
      const list = history.get(Number(entry.order_id)) ?? [];
      list.push({
        from: entry.from_state,
        to: entry.to_state,
        source: entry.source,
        details: JSON.parse(entry.details) as Record<string, unknown>,
        at: entry.at,
      });
      history.set(Number(entry.order_id), list);
    }
  }
  const carriers = await currentCarriersByReference(
    exec,
    rows.flatMap((r) => (r.carrier_reference_id === null ? [] : [Number(r.carrier_reference_id)])),
  );
  return rows.map((row) => ({
    id: Number(row.id),
    reference: shopOrderReference(Number(row.id)),
    idempotencyKey: row.idempotency_key,
    packageIndex: Number(row.package_index),
    packageCount: Number(row.package_count),
    marketplace: row.marketplace,
    marketplaceOrderId: row.marketplace_order_id,
    deliveryId: row.delivery_id,
    state: row.state,
    currency: row.currency,
    productsCents: Number(row.products_cents),
    shippingCents: Number(row.shipping_cents),
    processingFeeCents: Number(row.processing_fee_cents),
    totalCents: Number(row.total_cents),
    customer: JSON.parse(row.customer) as ShopOrder['customer'],
    billingAddress: JSON.parse(row.billing_address) as ShopOrder['billingAddress'],
    deliveryAddress: JSON.parse(row.delivery_address) as ShopOrder['deliveryAddress'],
    carrier: row.carrier_reference_id === null ? null : (carriers.get(Number(row.carrier_reference_id)) ?? null),
    relayId: row.relay_id,
    isB2B: Boolean(row.is_b2b),
    tracking: row.tracking === null ? null : (JSON.parse(row.tracking) as ShopTracking),
    technicalErrorReason: row.technical_error_reason,
    lines: lines.get(Number(row.id)) ?? [],
    history: history.get(Number(row.id)) ?? [],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }));
}

export function toLine(row: LineRow): ShopOrderLine {
  return {
    id: Number(row.id),
    productId: row.product_id,
    productName: row.product_name,
    quantity: Number(row.quantity),
    unitPriceCents: Number(row.unit_price_cents),
    amountCents: Number(row.amount_cents),
    marketplaceLineIds: JSON.parse(row.marketplace_line_ids) as string[],
    refundedQuantity: Number(row.refunded_quantity),
  };
}
