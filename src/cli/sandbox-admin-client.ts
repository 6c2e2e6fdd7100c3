import type { LengowOrder } from '../sandbox/lengow-order.js';

export interface EmulatorState {
  seed: number;
  accountId: number;
  /** The emulator's clock (it may run a fake one). */
  now: string;
  orders: { generated: number; added: number; total: number };
}

/** The emulator's admin API (`/_sandbox/…`, see src/sandbox/README.md), as the CLI uses it. */
export class SandboxAdminClient {
  private readonly base: string;

  constructor(url: string) {
    this.base = url.replace(/\/+$/, '');
  }

  state(): Promise<EmulatorState> {
    return this.request<EmulatorState>('GET', '/_sandbox/state');
  }

  /** The emulator generates `count` more orders with its own seed, stamped with its clock. */
  generate(count: number): Promise<{ generated: { firstIndex: number; count: number } }> {
    return this.request('POST', '/_sandbox/orders', { generate: count });
  }

  /** Upserts orders by (marketplace, marketplace_order_id). */
  addOrders(orders: readonly LengowOrder[]): Promise<{ added: number; replaced: number }> {
    return this.request('POST', '/_sandbox/orders', orders);
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}`, {
        method,
        headers: body === undefined ? undefined : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
      throw new Error(`the Lengow emulator at ${this.base} did not answer ${method} ${path} (${cause})`);
    }
    const text = await response.text();
    if (!response.ok) {
      throw new Error(
        `the Lengow emulator at ${this.base} answered ${method} ${path} with ${response.status}: ${errorText(text)}`,
      );
    }
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new Error(`the Lengow emulator at ${this.base} answered ${method} ${path} with a body that is not JSON`);
    }
  }
}

function errorText(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown }; detail?: unknown };
    const message = parsed.error?.message ?? parsed.detail;
    if (typeof message === 'string') return message.slice(0, 200);
  } catch {
    // not JSON: fall through to the raw start of the body
  }
  return body.slice(0, 200);
}
