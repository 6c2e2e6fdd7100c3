/**
 * Freezes a value and everything reachable from it (plain objects, arrays, Map values) that is not frozen yet. For
 * values handed to many callers (cached states, decoded events, settings snapshots): a caller writing to one would
 * silently change what the others see; frozen, the write throws instead. Already-frozen parts are not walked again,
 * so freezing a new state built around frozen old parts costs only the new parts.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  Object.freeze(value);
  if (value instanceof Map) for (const entry of value.values()) deepFreeze(entry);
  else for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  return value;
}
