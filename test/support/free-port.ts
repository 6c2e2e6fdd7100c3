import { createServer } from 'node:net';

/**
 * A loopback port nothing listens on: one the system gave out and took back. For a server a test starts on a port of
 * its choosing, or for a connection that must be refused.
 */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
