import { scrubSecrets } from './secret-scrubber.js';

describe('scrubSecrets', () => {
  it('replaces every occurrence of every secret', () => {
    expect(scrubSecrets('bad token tok-123456 (tok-123456), secret s3cr3t!', ['tok-123456', 's3cr3t!', null])).toBe(
      'bad token [redacted] ([redacted]), secret [redacted]',
    );
  });

  it('replaces the forms a server echoes: percent- or form-encoded, JSON-escaped, another case', () => {
    const secret = 'sec/LEAK=2 "x"+y';
    const echoed = [
      encodeURIComponent(secret),
      new URLSearchParams({ secret }).toString().slice('secret='.length),
      JSON.stringify(secret).slice(1, -1),
      secret.toUpperCase(),
    ];
    for (const text of echoed) expect(scrubSecrets(`got ${text}.`, [secret])).toBe('got [redacted].');
  });

  it('leaves very short values alone, which would blank out ordinary words', () => {
    expect(scrubSecrets('an abc in a word', ['abc'])).toBe('an abc in a word');
  });
});
