/**
 * Deepest nesting of objects and arrays a command payload may have. The DTOs need four or five levels; class-transformer
 * and class-validator walk a payload recursively, so one nested a hundred thousand levels (a 200 KB body) would
 * overflow the stack before any validation message could be written.
 */
export const MAX_PAYLOAD_DEPTH = 32;

/**
 * The top-level field under which `payload` nests objects or arrays deeper than `maxDepth` (the payload itself being
 * level 1), or undefined when it does not. Walks without recursion, so it is safe on any depth it is handed.
 */
export function fieldNestedTooDeep(payload: object, maxDepth = MAX_PAYLOAD_DEPTH): string | undefined {
  const pending: { value: object; depth: number; field: string }[] = [];
  for (const [field, value] of Object.entries(payload)) {
    if (typeof value === 'object' && value !== null) pending.push({ value: value as object, depth: 2, field });
  }
  for (let next = pending.pop(); next; next = pending.pop()) {
    if (next.depth > maxDepth) return next.field;
    for (const child of Object.values(next.value)) {
      if (typeof child === 'object' && child !== null) {
        pending.push({ value: child as object, depth: next.depth + 1, field: next.field });
      }
    }
  }
  return undefined;
}
