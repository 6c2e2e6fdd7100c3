import {
  ImportOneOrder,
  ImportOrdersNow,
  ReimportOrderNow,
  ResynchronizeOrderNow,
} from '../../orders/import/commands/import-commands.js';
import { orderKeyOf } from '../../orders/domain/order-key.js';
import { defineCommand, orderRevision } from './catalogue-entry.js';
import { ImportOrdersNowPayload, OrderReferencePayload } from './order-import-payloads.js';

/** Operator import commands: they re-drive what the scheduled poll does, for a window or one order. */

const orderOf = (payload: OrderReferencePayload) => orderKeyOf(payload.marketplace, payload.marketplaceOrderId);

export const IMPORT_ORDERS_NOW = defineCommand({
  name: 'import-orders-now',
  description: 'Run an import now: the incremental window, `days` back from now, or explicit from/to bounds',
  payload: ImportOrdersNowPayload,
  role: 'operator',
  concurrency: 'none',
  build: (payload, metadata) => new ImportOrdersNow({ ...payload }, metadata),
});

export const IMPORT_ORDER = defineCommand({
  name: 'import-order',
  description: 'Fetch one order from Lengow and import it now',
  payload: OrderReferencePayload,
  role: 'operator',
  concurrency: 'order',
  orderKeyOf: orderOf,
  build: (payload, metadata, options) => new ImportOneOrder({ ...payload }, metadata, orderRevision(options)),
});

export const REIMPORT_ORDER = defineCommand({
  name: 'reimport-order',
  description:
    'Fetch the order again and re-import it with fresh lookups: a failed order is retried, an imported one gets ' +
    'new shop orders replacing the old',
  payload: OrderReferencePayload,
  role: 'operator',
  concurrency: 'order',
  orderKeyOf: orderOf,
  build: (payload, metadata, options) => new ReimportOrderNow({ ...payload }, metadata, orderRevision(options)),
});

export const RESYNCHRONIZE_ORDER = defineCommand({
  name: 'resynchronize-order',
  description: 'Send the merchant order ids (the shop order references) to Lengow again',
  payload: OrderReferencePayload,
  role: 'operator',
  concurrency: 'order',
  orderKeyOf: orderOf,
  build: (payload, metadata, options) => new ResynchronizeOrderNow({ ...payload }, metadata, orderRevision(options)),
});
