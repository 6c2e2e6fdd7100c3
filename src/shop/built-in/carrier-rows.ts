import type { SqlExecutor } from '../../database/sql-database.port.js';
import type { ShopCarrier } from '../shop-carrier.js';
import { chunks, padded, placeholders } from './sql-helpers.js';

export interface CarrierRow {
  id: number;
  reference_id: number;
  name: string;
  tracking_url: string | null;
}

export function toShopCarrier(row: CarrierRow): ShopCarrier {
  return { id: Number(row.id), referenceId: Number(row.reference_id), name: row.name, trackingUrl: row.tracking_url };
}

/** The current version of the carrier that version `id` (or reference `id`) belongs to. */
export async function currentCarrier(exec: SqlExecutor, id: number): Promise<ShopCarrier | null> {
  const [row] = await exec.query<CarrierRow>(
    `SELECT id, reference_id, name, tracking_url FROM shop_carriers
     WHERE replaced = 0 AND reference_id = (SELECT reference_id FROM shop_carriers WHERE id = $1)`,
    [id],
  );
  return row ? toShopCarrier(row) : null;
}

/** Current versions by reference id. */
export async function currentCarriersByReference(
  exec: SqlExecutor,
  referenceIds: number[],
): Promise<Map<number, ShopCarrier>> {
  const found = new Map<number, ShopCarrier>();
  for (const batch of chunks([...new Set(referenceIds)])) {
    const values = padded(batch);
    const rows = await exec.query<CarrierRow>(
      `SELECT id, reference_id, name, tracking_url FROM shop_carriers
       WHERE replaced = 0 AND reference_id IN (${placeholders(values.length)})`,
      values,
    );
    for (const row of rows) found.set(Number(row.reference_id), toShopCarrier(row));
  }
  return found;
}
