import { createHash } from 'node:crypto';

/**
 * A digest of a request's content, stored beside its idempotency key: a retry must carry the same content, and a key
 * reused for something else is caught instead of silently answered with the first request's result.
 */
export function fingerprint(value: unknown): string {
  return createHash('sha256').update(stableJson(value)).digest('hex');
}

/**
 * JSON with object keys sorted, so equal values give equal text whatever order their keys were written in.
 *
 * Its text is stored, hashed, beside every idempotency claim of the shop: it must never change, edge cases included
 * (an array's hole is left empty, a Date is its own keys). Built by concatenation: the entries, sorted copies and
 * joins of a map-and-join version were ≈ 8 % of what the engine's thread allocated during an import.
 */
export function stableJson(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) {
    let text = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) text += ',';
      if (i in value) text += stableJson(value[i]);
    }
    return `${text}]`;
  }
  const record = value as Record<string, unknown>;
  // The default sort orders by UTF-16 code unit, as `<` does.
  const keys = Object.keys(record).sort();
  let text = '{';
  for (const key of keys) {
    const field = record[key];
    if (field === undefined) continue;
    if (text.length > 1) text += ',';
    text += `${JSON.stringify(key)}:${stableJson(field)}`;
  }
  return `${text}}`;
}
