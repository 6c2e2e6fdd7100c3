import { parseNatsServerUrl } from './nats-server-url.js';

describe('parseNatsServerUrl', () => {
  it('takes credentials out of the URL, so the servers can be logged', () => {
    expect(parseNatsServerUrl('nats://svc:s3cret@nats.internal:4222')).toEqual({
      servers: ['nats://nats.internal:4222'],
      display: 'nats://nats.internal:4222',
      user: 'svc',
      pass: 's3cret',
    });
    const token = parseNatsServerUrl('nats://t0ken@127.0.0.1:4222');
    expect(token.token).toBe('t0ken');
    expect(token.display).not.toContain('t0ken');
  });

  it('accepts a comma-separated cluster', () => {
    expect(parseNatsServerUrl('nats://a:4222, nats://b:4223').servers).toEqual(['nats://a:4222', 'nats://b:4223']);
  });

  it('refuses what is not a nats:// URL list, without echoing it', () => {
    expect(() => parseNatsServerUrl('http://user:pw@x:1')).toThrow('NATS_URL must use nats:// URLs');
    expect(() => parseNatsServerUrl(' , ')).toThrow('NATS_URL names no server');
    expect(() => parseNatsServerUrl('nats://pw@[bad')).toThrow(/^NATS_URL is not a valid URL list$/);
  });
});
