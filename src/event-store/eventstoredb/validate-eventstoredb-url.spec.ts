import { InvalidEventStoreDbUrl } from './invalid-eventstoredb-url.error.js';
import {
  describeEventStoreDbUrl,
  eventStoreDbSecretsOf,
  redactEventStoreDbUrl,
  validateEventStoreDbUrl,
} from './validate-eventstoredb-url.js';

function errorOf(input: unknown): InvalidEventStoreDbUrl {
  try {
    validateEventStoreDbUrl(input);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidEventStoreDbUrl);
    return error as InvalidEventStoreDbUrl;
  }
  throw new Error(`expected ${String(input)} to be refused`);
}

describe('validateEventStoreDbUrl', () => {
  it.each([
    'esdb://localhost:2113?tls=false',
    'esdb://eventstoredb:2113?tls=false',
    'esdb+discover://cluster.example:2113',
    'esdb://node1:2113,node2:2113,node3:2113?tls=false',
    'esdb://admin:changeit@localhost:2113?tls=true&tlsVerifyCert=false&nodePreference=leader',
    'esdb://localhost:2113?TLS=false&keep-alive-interval=10000&default_deadline=5000',
  ])('accepts %s', (url) => {
    expect(validateEventStoreDbUrl(`  ${url}  `)).toBe(url);
  });

  it.each([
    ['http://localhost:2113', 'scheme "http://"'],
    ['postgres://postgres@localhost:5432/db', 'scheme "postgres://"'],
    ['kurrentdb://localhost:2113', 'scheme "kurrentdb://"'],
    ['ESDB://localhost:2113', 'scheme "ESDB://"'],
    ['localhost:2113', 'no scheme'],
  ])('refuses %s naming the scheme', (url, fragment) => {
    const error = errorOf(url);
    expect(error.code).toBe('INVALID_EVENTSTOREDB_URL');
    expect(error.message).toContain(fragment);
    expect(error.message).toContain('esdb://');
  });

  it.each([undefined, null, 42, '', '   '])('refuses %p as empty', (input) => {
    expect(errorOf(input).reason).toMatch(/empty/);
  });

  it.each(['esdb://', 'esdb://?tls=false', 'esdb://user:pw@', 'esdb://a:2113,,b:2113'])(
    'refuses %s without a host',
    (url) => {
      expect(errorOf(url).reason).toMatch(/no host/);
    },
  );

  it('refuses an unknown option instead of letting the client ignore it (a typo would otherwise enable TLS)', () => {
    expect(errorOf('esdb://localhost:2113?tsl=false').reason).toBe('unknown option "tsl"');
  });

  it('refuses throwOnAppendFailure=false, which would turn conflicts into silent results', () => {
    expect(errorOf('esdb://localhost:2113?throwOnAppendFailure=false').reason).toMatch(/throwOnAppendFailure/);
    expect(validateEventStoreDbUrl('esdb://localhost:2113?throwOnAppendFailure=true')).toBeTruthy();
  });

  it('never puts the password in the error', () => {
    const error = errorOf('esdb://admin:hunter2-secret@localhost:2113?bogus=1');
    expect(error.message).not.toContain('hunter2-secret');
    expect(error.redactedUrl).toBe('esdb://admin:***@localhost:2113?bogus=1');
    expect(errorOf('https://admin:hunter2-secret@localhost').message).not.toContain('hunter2-secret');
  });
});

describe('redactEventStoreDbUrl', () => {
  it('masks only the password', () => {
    expect(redactEventStoreDbUrl('esdb://admin:changeit@a:2113,b:2113?tls=true')).toBe(
      'esdb://admin:***@a:2113,b:2113?tls=true',
    );
    expect(redactEventStoreDbUrl('esdb://a:2113?tls=false')).toBe('esdb://a:2113?tls=false');
  });

  it('masks a password holding @, ? or /, and one with an empty user', () => {
    expect(redactEventStoreDbUrl('esdb://admin:p@ss-LEAK@127.0.0.1:2113?tls=false')).toBe(
      'esdb://admin:***@127.0.0.1:2113?tls=false',
    );
    expect(redactEventStoreDbUrl('esdb://admin:es?LEAK/x@127.0.0.1:2113?tls=false')).toBe(
      'esdb://admin:***@127.0.0.1:2113?tls=false',
    );
    expect(redactEventStoreDbUrl('esdb://:es-LEAK@127.0.0.1:2113')).toBe('esdb://:***@127.0.0.1:2113');
  });
});

describe('validateEventStoreDbUrl with a password holding URL delimiters', () => {
  it('asks for it percent-encoded, never printing it as a host or an option', () => {
    for (const url of [
      'esdb://admin:es?LEAK=1@127.0.0.1:2113?tls=false',
      'esdb://admin:p@ss-LEAK@127.0.0.1:2113?tsl=false',
      'esdb://admin:a/LEAK@127.0.0.1:2113',
    ]) {
      const refused = errorOf(url);
      expect(refused.message).toContain('percent-encode them');
      expect(refused.message).not.toContain('LEAK');
    }
    expect(validateEventStoreDbUrl('esdb://admin:p%40ss%3F@127.0.0.1:2113?tls=false')).toBe(
      'esdb://admin:p%40ss%3F@127.0.0.1:2113?tls=false',
    );
  });
});

describe('describeEventStoreDbUrl', () => {
  it('gives scheme and hosts only', () => {
    expect(describeEventStoreDbUrl('esdb://admin:secret@a:2113,b:2113?tls=false')).toBe('esdb://a:2113,b:2113');
  });
});

describe('eventStoreDbSecretsOf', () => {
  it('gives the password and the credentials to scrub, nothing without a password', () => {
    expect(eventStoreDbSecretsOf('esdb://admin:p@ss@h:2113')).toEqual(['admin:p@ss', 'p@ss']);
    expect(eventStoreDbSecretsOf('esdb://h:2113?tls=false')).toEqual([]);
    expect(eventStoreDbSecretsOf('esdb://admin@h:2113')).toEqual([]);
  });
});
