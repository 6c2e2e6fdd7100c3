/**
 * JSON for the wire. Results and events are plain data in principle; a Map, Set or bigint that slips in is written as
 * an object, an array or a string rather than silently as `{}`.
 */
export function encodeJson(value: unknown): Uint8Array {
  return new TextEncoder().encode(
    JSON.stringify(value, (_key, field: unknown) => {
      if (field instanceof Map) return Object.fromEntries(field);
      if (field instanceof Set) return [...field];
      if (typeof field === 'bigint') return field.toString();
      return field;
    }),
  );
}
