/**
 * A response's headers as the connector reads them: by name, case-insensitively, a repeated header joined with ", "
 * (as fetch's Headers does). undici keys them in lower case and gives a repeated one as an array; the HTTP thread sends
 * them across already joined. Only the object's own keys are headers: a header named `constructor` is not Object's.
 */
export class ResponseHeaders {
  constructor(private readonly received: Readonly<Record<string, string | string[] | undefined>>) {}

  get(name: string): string | null {
    const key = name.toLowerCase();
    return Object.hasOwn(this.received, key) ? joined(this.received[key]) : null;
  }

  /** Every header, lower-cased names, repeated ones joined. */
  all(): Record<string, string> {
    const all: Record<string, string> = {};
    for (const [name, value] of Object.entries(this.received)) {
      const text = joined(value);
      if (text !== null) all[name] = text;
    }
    return all;
  }
}

function joined(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(', ') : value;
}
