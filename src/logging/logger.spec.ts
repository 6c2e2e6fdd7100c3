import { Writable } from 'node:stream';
import { createLogger } from './logger.js';

describe('createLogger', () => {
  it('redacts credential fields at any depth', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = createLogger({ destination, level: 'info' });
    logger.info(
      { secret: 's3cr3t-value', request: { access_token: 'tok-123' }, headers: { authorization: 'auth-456' } },
      'call',
    );
    const output = lines.join('');
    expect(output).toContain('"msg":"call"');
    for (const value of ['s3cr3t-value', 'tok-123', 'auth-456']) expect(output).not.toContain(value);
  });
});
