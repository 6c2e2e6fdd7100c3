import type { SnapshotLine } from './marketplace-order-snapshot.js';

export interface ProductCandidate {
  readonly value: string;
  readonly source: 'merchant_product_id' | 'marketplace_product_id';
  /** The catalogue field the merchant id refers to, when Lengow says so. */
  readonly field: string | null;
}

/** Marketplaces that ship themselves (Amazon FBA) suffix the seller SKU; the catalogue knows it without the suffix. */
export function stripFbaSuffix(id: string): string {
  return id.endsWith('_FBA') ? id.slice(0, -'_FBA'.length) : id;
}

/**
 * Ids to search the catalogue with, in the plugins' order: the merchant product id, then the marketplace product id
 * (each then tried as id, id_variant, reference, EAN… by the catalogue adapter). Empty and duplicate ids are dropped.
 */
export function productCandidates(
  line: Pick<SnapshotLine, 'merchantProductId' | 'marketplaceProductId'>,
): ProductCandidate[] {
  const candidates: ProductCandidate[] = [];
  const push = (raw: string | null | undefined, source: ProductCandidate['source'], field: string | null) => {
    if (typeof raw !== 'string') return;
    const value = stripFbaSuffix(raw.trim());
    if (value === '' || candidates.some((candidate) => candidate.value === value)) return;
    candidates.push({ value, source, field });
  };
  push(line.merchantProductId?.id, 'merchant_product_id', line.merchantProductId?.field ?? null);
  push(line.marketplaceProductId, 'marketplace_product_id', null);
  return candidates;
}

/** The id named in product messages: what the merchant will search for in the catalogue. */
export function productLabel(line: SnapshotLine): string {
  return productCandidates(line)[0]?.value ?? line.lineId;
}
