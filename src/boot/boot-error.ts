/** Why the engine cannot start, in one line an operator can act on (no stack trace, no secrets). */
export class BootError extends Error {
  readonly code = 'BOOT_FAILED';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BootError';
  }
}

/** host:port/database of a connection string, without user or password. */
export function describeConnectionString(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return '(unparseable connection string)';
  }
}
