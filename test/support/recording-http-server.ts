import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the server received it, body read whole. */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/**
 * A loopback HTTP server for transport tests: it records every request and answers with `answer`, which a test
 * replaces to script the wire (status, headers, a body that stalls, no answer at all).
 */
export class RecordingHttpServer {
  readonly seen: RecordedRequest[] = [];
  /** TCP connections accepted so far. */
  connections = 0;
  answer: (request: RecordedRequest, response: ServerResponse) => void = (_request, response) => response.end('{}');
  private readonly server: Server;
  private baseUrl = '';

  private constructor() {
    this.server = createServer((request, response) => {
      let body = '';
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => (body += chunk));
      request.on('end', () => {
        const recorded = { method: request.method!, url: request.url!, headers: request.headers, body };
        this.seen.push(recorded);
        this.answer(recorded, response);
      });
    });
    this.server.on('connection', () => (this.connections += 1));
  }

  static async start(): Promise<RecordingHttpServer> {
    const recording = new RecordingHttpServer();
    await new Promise<void>((resolve) => recording.server.listen(0, '127.0.0.1', resolve));
    recording.baseUrl = `http://127.0.0.1:${(recording.server.address() as AddressInfo).port}`;
    return recording;
  }

  /** `http://127.0.0.1:<port>`, no trailing slash. */
  get url(): string {
    return this.baseUrl;
  }

  /** Drops every connection, answered or not, and stops listening. */
  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
