import type { OrderOverview } from './order-overview.js';
import { withoutNul } from './overview-codec.js';

/**
 * Search matches prefixes of stored terms, so it can use a plain B-tree index on both SQLite and PostgreSQL (no
 * trigram extension to install) and stays fast on 100 000 orders. Terms and queries go through the same
 * normalisation: lower case, accents removed, spaces collapsed — "helene" finds "Hélène".
 */
export function normaliseSearchText(value: string): string {
  // NUL characters go too: PostgreSQL's text refuses them, in a stored term or in a query's parameter alike.
  return withoutNul(value.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim());
}

/**
 * Terms of one order: its marketplace order id, each shop order id and the customer name, each whole and word by word
 * (a query is split into words, so "martin" must find "Anne Martin").
 */
export function searchTermsOf(
  overview: Pick<OrderOverview, 'marketplaceOrderId' | 'shopOrderIds' | 'customerName'>,
): string[] {
  const terms = new Set<string>();
  for (const value of [overview.marketplaceOrderId, ...overview.shopOrderIds, overview.customerName]) {
    const whole = value === null ? '' : normaliseSearchText(value);
    if (whole === '') continue;
    terms.add(whole);
    for (const word of whole.split(' ')) terms.add(word);
  }
  return [...terms].sort();
}

/** Query words: each must prefix-match some term of the order. */
export function searchWords(query: string): string[] {
  return [
    ...new Set(
      normaliseSearchText(query)
        .split(' ')
        .filter((word) => word !== ''),
    ),
  ];
}

/**
 * Upper bound of the prefix range: every string starting with `prefix` sorts below `prefix + U+10FFFF` in a binary
 * (SQLite BINARY, PostgreSQL "C") collation, which is what the term columns use.
 */
export function prefixUpperBound(prefix: string): string {
  return `${prefix}\u{10FFFF}`;
}
