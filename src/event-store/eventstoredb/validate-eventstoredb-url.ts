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

/** Masks the password of `scheme://user:password@hosts`, leaving everything else readable for diagnostics. */
export function redactEventStoreDbUrl(url: string): string {
  return url.replace(/^([a-z+]+:\/\/[^:@/?]+:)[^@]*@/i, '$1***@');
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
  const rest = url.slice(scheme.length);
  const queryStart = rest.indexOf('?');
  const authority = (queryStart === -1 ? rest : rest.slice(0, queryStart)).replace(/\/+$/, '');
  const hosts = authority.slice(authority.lastIndexOf('@') + 1);
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
