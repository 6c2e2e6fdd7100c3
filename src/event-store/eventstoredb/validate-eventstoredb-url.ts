import { InvalidEventStoreDbUrl } from './invalid-eventstoredb-url.error.js';

/** The schemes `@eventstore/db-client` 6.2.1 understands (the `kurrentdb://` family only arrived with the rename). */
const SCHEMES = ['esdb://', 'esdb+discover://'] as const;

/**
 * Query keys the 6.2.1 parser knows, compared the way it compares them (case-insensitive, `-`/`_` ignored). The client
 * only warns about an unknown key — and prints the whole connection string, password included, while doing so — so a
 * typo like `tsl=false` would silently connect with TLS. We refuse unknown keys instead.
 */
const KNOWN_QUERY_KEYS = new Set(
  [
    'tls',
    'tlsVerifyCert',
    'tlsCAFile',
    'nodePreference',
    'connectionName',
    'maxDiscoverAttempts',
    'discoveryInterval',
    'gossipTimeout',
    'defaultDeadline',
    'keepAliveInterval',
    'keepAliveTimeout',
    'throwOnAppendFailure',
    'userCertFile',
    'userKeyFile',
  ].map(flatKey),
);

function flatKey(key: string): string {
  return key.trim().toLowerCase().replace(/[-_]/g, '');
}

/**
 * `scheme://`, the credentials (`user:password`, null when none) and what follows them. Read up to the last `@`, so that
 * a password holding `@`, `?` or `/` is never printed as a host or an option: the client would cut it at the first
 * one and try to reach the rest as a host, so such a string is refused, asking for the password percent-encoded.
 */
function splitCredentials(url: string): { scheme: string; credentials: string | null; rest: string } {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url)?.[0] ?? '';
  const afterScheme = url.slice(scheme.length);
  const at = afterScheme.lastIndexOf('@');
  return at === -1
    ? { scheme, credentials: null, rest: afterScheme }
    : { scheme, credentials: afterScheme.slice(0, at), rest: afterScheme.slice(at + 1) };
}

/** Masks the password of `scheme://user:password@hosts`, leaving everything else readable for diagnostics. */
export function redactEventStoreDbUrl(url: string): string {
  const { scheme, credentials, rest } = splitCredentials(url);
  if (credentials === null) return url;
  const colon = credentials.indexOf(':');
  return `${scheme}${colon === -1 ? credentials : `${credentials.slice(0, colon)}:***`}@${rest}`;
}

/** `scheme://hosts`: where the engine connects, without credentials or options, for messages. */
export function describeEventStoreDbUrl(url: string): string {
  const { scheme, rest } = splitCredentials(url.trim());
  const queryStart = rest.indexOf('?');
  return `${scheme}${queryStart === -1 ? rest : rest.slice(0, queryStart)}`;
}

/** The password (and the whole credentials) of a connection string, to scrub from text the client produced. */
export function eventStoreDbSecretsOf(url: string): string[] {
  const { credentials } = splitCredentials(url.trim());
  if (credentials === null) return [];
  const colon = credentials.indexOf(':');
  return colon === -1 ? [] : [credentials, credentials.slice(colon + 1)];
}

/**
 * Checks an EventStoreDB connection string before the client sees it, and returns it trimmed. Throws
 * {@link InvalidEventStoreDbUrl} (never echoing the password) when the scheme is not `esdb://`/`esdb+discover://`,
 * no host is given, a query key is unknown, or `throwOnAppendFailure=false` is set (the adapter relies on the client
 * throwing `WrongExpectedVersionError`).
 */
export function validateEventStoreDbUrl(input: unknown): string {
  if (typeof input !== 'string' || input.trim() === '') {
    throw new InvalidEventStoreDbUrl(
      '',
      'it is empty; expected esdb://host:2113?tls=false or esdb+discover://host:2113',
    );
  }
  const url = input.trim();
  const redacted = redactEventStoreDbUrl(url);
  const scheme = SCHEMES.find((candidate) => url.startsWith(candidate));
  if (!scheme) {
    const found = /^([^:/]*):\/\//.exec(url)?.[1];
    throw new InvalidEventStoreDbUrl(
      redacted,
      `${found === undefined ? 'no scheme' : `scheme "${found}://"`} is not supported; use esdb:// or esdb+discover://`,
    );
  }
  const { credentials, rest } = splitCredentials(url);
  if (credentials !== null && /[@/?#]/.test(credentials)) {
    throw new InvalidEventStoreDbUrl(
      redacted,
      'the credentials hold @, /, ? or #: percent-encode them (%40, %2F, %3F, %23), as the client reads up to the first',
    );
  }
  const queryStart = rest.indexOf('?');
  const hosts = (queryStart === -1 ? rest : rest.slice(0, queryStart)).replace(/\/+$/, '');
  if (hosts === '' || hosts.split(',').some((host) => host.trim() === '')) {
    throw new InvalidEventStoreDbUrl(redacted, 'no host given (expected host:port[,host:port…])');
  }
  if (queryStart !== -1) {
    for (const pair of rest.slice(queryStart + 1).split('&')) {
      if (pair === '') continue;
      const [key = '', value = ''] = pair.split('=');
      if (!KNOWN_QUERY_KEYS.has(flatKey(key))) {
        throw new InvalidEventStoreDbUrl(redacted, `unknown option "${key}"`);
      }
      if (flatKey(key) === 'throwonappendfailure' && value.trim().toLowerCase() === 'false') {
        throw new InvalidEventStoreDbUrl(
          redacted,
          'throwOnAppendFailure=false is not supported: concurrency conflicts must surface as errors',
        );
      }
    }
  }
  return url;
}
