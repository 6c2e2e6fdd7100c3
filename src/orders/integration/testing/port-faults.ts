/** The process "dies" at this point: the call may have happened, its outcome was never recorded. */
export class SimulatedCrash extends Error {
  constructor(method: string, when: 'before' | 'after') {
    super(`simulated crash ${when} ${method}`);
    this.name = 'SimulatedCrash';
  }
}

interface Fault {
  readonly kind: 'crash_before' | 'crash_after' | 'fail' | 'hold';
  remaining: number;
  readonly error?: () => Error;
  /** `hold`: the call goes through once this settles. */
  readonly gate?: Promise<void>;
  readonly reached?: () => void;
  /** Only calls whose arguments match. */
  readonly when?: (...args: never[]) => boolean;
}

export interface FaultOptions<Args extends unknown[] = never[]> {
  times?: number;
  when?: (...args: Args) => boolean;
}

type Method<Port> = { [K in keyof Port]: Port[K] extends (...args: never[]) => unknown ? K : never }[keyof Port] &
  string;
type ArgsOf<Port, K extends keyof Port> = Port[K] extends (...args: infer A) => unknown ? A : never;

/**
 * Fault injection around a real port (the built-in shop, the HTTP Lengow client): a method can be made to crash
 * before calling through, to crash after the real call returned (its effect happened, the caller never learns it), or
 * to fail with a given error. Every other call goes to the real port, and calls are counted. Test support.
 */
export class PortFaults<Port extends object> {
  readonly calls = new Map<string, number>();
  private readonly faults = new Map<string, Fault[]>();

  wrap(port: Port): Port {
    return new Proxy(port, {
      get: (target, key, receiver) => {
        const value = Reflect.get(target, key, receiver) as unknown;
        if (typeof value !== 'function' || typeof key !== 'string') return value;
        return (...args: unknown[]) =>
          this.call(key, args, () => (value as (...a: unknown[]) => unknown).apply(target, args));
      },
    });
  }

  crashBefore<K extends Method<Port>>(method: K, options: FaultOptions<ArgsOf<Port, K>> = {}): this {
    return this.add(method, {
      kind: 'crash_before',
      remaining: options.times ?? 1,
      when: options.when as Fault['when'],
    });
  }

  crashAfter<K extends Method<Port>>(method: K, options: FaultOptions<ArgsOf<Port, K>> = {}): this {
    return this.add(method, {
      kind: 'crash_after',
      remaining: options.times ?? 1,
      when: options.when as Fault['when'],
    });
  }

  fail<K extends Method<Port>>(method: K, error: () => Error, options: FaultOptions<ArgsOf<Port, K>> = {}): this {
    return this.add(method, {
      kind: 'fail',
      remaining: options.times ?? 1,
      error,
      when: options.when as Fault['when'],
    });
  }

  /**
   * The next call waits before going through to the real port until `release()` (a call that is slow, not dead);
   * `reached` settles when it starts waiting.
   */
  hold<K extends Method<Port>>(method: K): { reached: Promise<void>; release: () => void } {
    let release!: () => void;
    let reached!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const reachedPromise = new Promise<void>((resolve) => (reached = resolve));
    this.add(method, { kind: 'hold', remaining: 1, gate, reached });
    return { reached: reachedPromise, release };
  }

  count(method: Method<Port>): number {
    return this.calls.get(method) ?? 0;
  }

  private add(method: string, fault: Fault): this {
    this.faults.set(method, [...(this.faults.get(method) ?? []), fault]);
    return this;
  }

  private call(method: string, args: unknown[], real: () => unknown): unknown {
    const fault = this.faults
      .get(method)
      ?.find((candidate) => candidate.remaining > 0 && (!candidate.when || candidate.when(...(args as never[]))));
    if (!fault) {
      this.calls.set(method, (this.calls.get(method) ?? 0) + 1);
      return real();
    }
    fault.remaining--;
    if (fault.kind === 'hold') {
      fault.reached!();
      return fault.gate!.then(() => {
        this.calls.set(method, (this.calls.get(method) ?? 0) + 1);
        return real();
      });
    }
    if (fault.kind === 'crash_before') return Promise.reject(new SimulatedCrash(method, 'before'));
    if (fault.kind === 'fail') return Promise.reject(fault.error!());
    this.calls.set(method, (this.calls.get(method) ?? 0) + 1);
    const result = real();
    if (result instanceof Promise) return result.then(() => Promise.reject(new SimulatedCrash(method, 'after')));
    throw new SimulatedCrash(method, 'after');
  }
}
