/** What the NATS client needs from `NATS_URL`: the servers without credentials, and the credentials apart. */
export interface NatsServerUrl {
  servers: string[];
  /** The servers as they may be logged (no user, password or token). */
  display: string;
  user?: string;
  pass?: string;
  token?: string;
}

/**
 * Splits `nats://[user[:password]@]host:port[,nats://…]` into servers and credentials. The NATS client takes
 * credentials only as options, and a URL with them must never reach a log line: `display` is the safe form.
 * `user@host` alone is a token, as the other NATS clients read it.
 */
export function parseNatsServerUrl(value: string): NatsServerUrl {
  const parts = value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
  if (parts.length === 0) throw new Error('NATS_URL names no server');
  const result: NatsServerUrl = { servers: [], display: '' };
  for (const part of parts) {
    let url: URL;
    try {
      url = new URL(part);
    } catch {
      throw new Error('NATS_URL is not a valid URL list');
    }
    if (url.protocol !== 'nats:' && url.protocol !== 'tls:') throw new Error('NATS_URL must use nats:// URLs');
    if (!url.hostname) throw new Error('NATS_URL has a server without a host');
    const user = decodeURIComponent(url.username);
    const pass = decodeURIComponent(url.password);
    if (user && pass && result.user === undefined && result.token === undefined) {
      result.user = user;
      result.pass = pass;
    } else if (user && !pass && result.user === undefined && result.token === undefined) {
      result.token = user;
    }
    result.servers.push(`${url.protocol}//${url.host}`);
  }
  result.display = result.servers.join(',');
  return result;
}
