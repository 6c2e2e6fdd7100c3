import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * A worker thread on one of the engine's modules. Compiled, the module is JavaScript and runs as it is; under the test
 * runner it is the TypeScript source, so the thread first registers the tests' TypeScript loader (test/support), which
 * compiles it the way the test runner does.
 */
export function startModuleWorker(entry: URL, options: WorkerOptions = {}): Worker {
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, options);
  const register = new URL('../../test/support/ts-worker-register.mjs', import.meta.url);
  return new Worker(entry, { ...options, execArgv: [...(options.execArgv ?? []), '--import', register.href] });
}

/** The module `name` beside `moduleUrl` (an `import.meta.url`): `.js` once compiled, `.ts` when the tests load sources. */
export function siblingModule(moduleUrl: string, name: string): URL {
  return new URL(`./${name}${moduleUrl.endsWith('.ts') ? '.ts' : '.js'}`, moduleUrl);
}
