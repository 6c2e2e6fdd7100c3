import { Global, Module } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { APP_CONFIG, LOGGER } from '../app.tokens.js';
import type { AppConfig } from '../config/app-config.js';
import { silentLogger } from '../logging/logger.js';
import { startSandbox, type Sandbox } from '../sandbox/sandbox-server.js';
import { LENGOW_API, type LengowApi } from './lengow-api.port.js';
import { LengowUnavailable } from './lengow-errors.js';
import { LengowModule, type LengowClientTuning } from './lengow.module.js';

/** The boot's APP_CONFIG and LOGGER, without the rest of the infrastructure. */
@Global()
@Module({
  providers: [
    { provide: APP_CONFIG, useValue: { LENGOW_API_URL: 'http://127.0.0.1:9' } as AppConfig },
    { provide: LOGGER, useValue: silentLogger() },
  ],
  exports: [APP_CONFIG, LOGGER],
})
class BootTokensModule {}

function compile(sandbox: Sandbox, tuning?: LengowClientTuning): Promise<TestingModule> {
  return Test.createTestingModule({
    imports: [
      BootTokensModule,
      LengowModule.register({ connection: { baseUrl: sandbox.url, accessToken: 'x', secret: 'y' }, ...tuning }),
    ],
  }).compile();
}

async function connector(sandbox: Sandbox, tuning?: LengowClientTuning): Promise<LengowApi> {
  return (await compile(sandbox, tuning)).get<LengowApi>(LENGOW_API);
}

describe('LengowModule', () => {
  let sandbox: Sandbox;

  beforeEach(async () => {
    sandbox = await startSandbox({ port: 0, seed: 7, orderCount: 5 });
  });
  afterEach(() => sandbox.close());

  it('gives the connector the timeouts and retry policy it is registered with', async () => {
    const api = await connector(sandbox, {
      timeoutsMs: { marketplaces: 100 },
      retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
    });
    // Answers 2 s late: within the default 15 s per attempt they would arrive and the call would succeed, so two
    // timeouts prove the registered 100 ms. No wall-clock bound: the connector's thread starting under a loaded test
    // run once took 1.8 s on its own.
    sandbox.faults.add({ kind: 'slow', route: '/v3.0/marketplaces', count: 2, delayMs: 2000 });
    const failure = await api.getMarketplaces().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(LengowUnavailable);
    expect(failure).toMatchObject({ route: 'marketplaces', reason: 'timeout', attempts: 2 });
    expect((failure as Error).message).toContain('(100 ms)');
  });

  it('keeps the plugins’ timeouts when registered without tuning', async () => {
    const api = await connector(sandbox);
    sandbox.faults.add({ kind: 'slow', route: '/v3.0/marketplaces', count: 1, delayMs: 300 });
    await expect(api.getMarketplaces()).resolves.toMatchObject({ stale: false });
  });

  it('closes the connector’s pooled connections when the application shuts down', async () => {
    const moduleRef = await compile(sandbox, { retry: { maxAttempts: 1 } });
    const api = moduleRef.get<LengowApi>(LENGOW_API);
    const moi = { marketplace: 'demo_market_fr', marketplaceOrderId: 'none', merchantOrderIds: ['S-1'] };
    // Any answer will do: it proves a connection was opened before the shutdown.
    await api.setMerchantOrderIds(moi).catch(() => undefined);
    await moduleRef.close();
    const failure = await api.setMerchantOrderIds(moi).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(LengowUnavailable);
    expect(failure).toMatchObject({ reason: 'network' });
  });
});
