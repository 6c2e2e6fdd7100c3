/**
 * Whether `JSON.parse(JSON.stringify(value))` would give back a value equal to `value` in every way a reader can see:
 * plain objects and arrays (no class instances, no Dates, no holes), finite numbers other than -0, strings, booleans,
 * null, and no `undefined` anywhere (an object's undefined field would vanish, an array's become null). Symbol keys
 * and non-enumerable properties are not looked at: JSON drops them, and no event data is built with them.
 *
 * An event appended with such data can be handed to readers as it was appended instead of being parsed back from its
 * stored text: the same value, without the parse.
 */
export function survivesJsonRoundTrip(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0);
    case 'object': {
      if (value === null) return true;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          if (!(i in value) || !survivesJsonRoundTrip(value[i])) return false;
        }
        return true;
      }
      if (Object.getPrototypeOf(value) !== Object.prototype) return false;
      const record = value as Record<string, unknown>;
      for (const key in record) {
        if (!survivesJsonRoundTrip(record[key])) return false;
      }
      return true;
    }
    default:
      return false;
  }
}
