import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openInfrastructure } from '../../src/boot/infrastructure.js';
import { runCaptured, startCliEnvironment, type CliEnvironment } from '../../src/cli/testing/cli-harness.js';
import { loadConfig } from '../../src/config/load-config.js';
import { silentLogger } from '../../src/logging/logger.js';
import { OrderCommandExecutor } from '../../src/orders/commands/order-command-executor.js';
import { DeferredActionRequests } from '../../src/orders/integration/deferred-action-requests.js';
import { DEFAULT_ORDERS_REACTIONS_OPTIONS } from '../../src/orders/integration/reactions-options.js';
import { RequestLengowAction } from '../../src/orders/integration/request-lengow-action.js';
import type { OrderCommand } from '../../src/orders/domain/order-commands.js';
import { importOrder, shipped, shopChange, shopOrdersCreated } from '../../src/orders/domain/testing/order-scenario.js';

const ORDER = 'demo_market_fr:DM-2024-000123';

describe('lengow-sync history, state and replay', () => {
  let environment: CliEnvironment;
  let types: string[];

  beforeAll(async () => {
    environment = await startCliEnvironment();
    // The order's stream, written by the command executor as the engine would: three commands, three actors.
    const infrastructure = await openInfrastructure(loadConfig(environment.env), silentLogger());
    try {
      const executor = new OrderCommandExecutor(infrastructure.eventStore);
      const commands: [OrderCommand, string, string][] = [
        [importOrder(), 'operator:alice', 'corr-import'],
        [shopOrdersCreated(), 'saga:import', 'corr-import'],
        [shopChange('chg-ship', shipped()), 'system', 'corr-ship'],
      ];
      for (const [index, [command, actor, correlationId]] of commands.entries()) {
        await executor.execute(command, {
          commandId: `cmd-${index}`,
          correlationId,
          causationId: index === 0 ? undefined : `cmd-${index - 1}`,
          actor: actor as never,
        });
      }
      types = (await infrastructure.eventStore.readStream('order-demo_market_fr-DM-2024-000123')).map((e) => e.type);
    } finally {
      await infrastructure.close();
    }
  });
  afterAll(async () => {
    await environment.close();
  });

  it('history lists every event with revision, type, actor, correlation and causation', async () => {
    const run = await runCaptured(['history', ORDER], environment.env);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toBe(`order ${ORDER}: ${types.length} events`);
    expect(lines[1]).toMatch(/^REV\s+RECORDED AT\s+TYPE\s+ACTOR\s+CORRELATION\s+CAUSATION$/);
    const rows = lines.slice(3);
    expect(rows).toHaveLength(types.length);
    rows.forEach((row, revision) => {
      expect(row).toMatch(new RegExp(`^${revision}\\s+\\d{4}-\\d\\d-\\d\\dT\\S+Z\\s+${types[revision]}\\s`));
    });
    expect(rows[0]).toMatch(/operator:alice\s+corr-import\s+cmd-0$/);
    expect(rows.at(-1)).toMatch(/system\s+corr-ship\s+cmd-1$/);
  });

  it('history --json gives the full entries, data included', async () => {
    const run = await runCaptured(['history', ORDER, '--json'], environment.env);
    expect(run.code).toBe(0);
    const body = JSON.parse(run.stdout) as {
      stream: string;
      events: { revision: number; type: string; actor: string; data: Record<string, unknown> }[];
    };
    expect(body.stream).toBe('order-demo_market_fr-DM-2024-000123');
    expect(body.events.map((e) => e.type)).toEqual(types);
    expect(body.events[0]).toMatchObject({ revision: 0, actor: 'operator:alice' });
    expect(Object.keys(body.events[0].data).length).toBeGreaterThan(0);
  });

  it('an order without events is refused with ORDER_NOT_FOUND (exit 3), also as JSON', async () => {
    const run = await runCaptured(['history', 'amazon_fr:nope-1'], environment.env);
    expect(run.code).toBe(3);
    expect(run.stderr).toBe('refused: ORDER_NOT_FOUND: order amazon_fr:nope-1 has no events in the event store\n');
    expect(run.stdout).toBe('');
    const json = await runCaptured(['state', 'amazon_fr:nope-1', '--json'], environment.env);
    expect(json.code).toBe(3);
    expect(JSON.parse(json.stdout)).toEqual({
      error: { code: 'ORDER_NOT_FOUND', message: 'order amazon_fr:nope-1 has no events in the event store' },
    });
    expect((await runCaptured(['replay', 'amazon_fr:nope-1'], environment.env)).code).toBe(3);
  });

  it('a malformed order key is a usage error (exit 2)', async () => {
    for (const key of ['DM-2024-000123', 'demo_market_fr:', ':123', 'bad market:1']) {
      const run = await runCaptured(['history', key], environment.env);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/value '.*' is invalid for argument 'order'/);
    }
  });

  it('state shows the order now: imported, its shop order, ship not requested yet', async () => {
    const run = await runCaptured(['state', ORDER], environment.env);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^order ${ORDER} at revision ${types.length - 1} \\(`));
    expect(run.stdout).toMatch(/^ {2}import\s+imported \(generation 1\)$/m);
    expect(run.stdout).toMatch(/^ {2}shop orders\s+SO-1$/m);
    expect(run.stdout).not.toMatch(/later event/);
  });

  it('state shows the action requests the order waits on, with what to do; a past state does not', async () => {
    const stream = 'order-demo_market_fr-DM-2024-000123';
    const deferredAt = new Date('2030-01-01T08:00:00.000Z');
    const infrastructure = await openInfrastructure(loadConfig(environment.env), silentLogger());
    const requests = new DeferredActionRequests(
      infrastructure.readModels,
      { ...DEFAULT_ORDERS_REACTIONS_OPTIONS, clock: () => deferredAt },
      silentLogger(),
    );
    const request = new RequestLengowAction(stream, 'ship', 'chg-ship', { commandId: 'cmd-2', actor: 'system' });
    try {
      await requests.defer(request, new Error('lengow marketplaces: timeout'));
      // A reason is the connector's text: a line break in it stays on the reason's line.
      await requests.defer(request, new Error('lengow marketplaces: HTTP 503\nafter 4 attempts'));

      const run = await runCaptured(['state', ORDER], environment.env);
      expect(run.code).toBe(0);
      const waiting = run.stdout.slice(run.stdout.indexOf('  waiting for Lengow:'));
      expect(waiting).toMatch(/^ {2}waiting for Lengow: 1 action request \(the engine asks again by itself\)\n/);
      expect(waiting).toMatch(/^ {4}action\s+ship for chg-ship$/m);
      expect(waiting).toMatch(/^ {4}waiting since\s+2030-01-01T08:00:00.000Z$/m);
      expect(waiting).toMatch(/^ {4}attempts\s+2$/m);
      expect(waiting).toMatch(/^ {4}next attempt\s+2030-01-01T08:01:00.000Z$/m);
      expect(waiting).toMatch(/^ {4}last reason\s+lengow marketplaces: HTTP 503 after 4 attempts$/m);
      expect(waiting).toMatch(/^ {4}what to do\s+Nothing to replay: the engine asks again by itself/m);

      const json = JSON.parse((await runCaptured(['state', ORDER, '--json'], environment.env)).stdout) as {
        deferredActionRequests: unknown[];
      };
      expect(json.deferredActionRequests).toEqual([
        expect.objectContaining({ actionType: 'ship', changeId: 'chg-ship', attempts: 2, hint: expect.any(String) }),
      ]);
      const past = await runCaptured(['state', ORDER, '--revision', '1'], environment.env);
      expect(past.stdout).not.toMatch(/waiting for Lengow/);
      const pastJson = JSON.parse(
        (await runCaptured(['state', ORDER, '--revision', '1', '--json'], environment.env)).stdout,
      );
      expect(pastJson).not.toHaveProperty('deferredActionRequests');
    } finally {
      await requests.remove(request);
      await infrastructure.close();
    }
    expect((await runCaptured(['state', ORDER], environment.env)).stdout).not.toMatch(/waiting for Lengow/);
  });

  it('state --revision 0 shows it before the shop order existed, and counts the later events', async () => {
    const run = await runCaptured(['state', ORDER, '--revision', '0'], environment.env);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/at revision 0 .*; 2 later events not included/);
    expect(run.stdout).toMatch(/^ {2}import\s+importing since /m);
    expect(run.stdout).toMatch(/^ {2}shop orders\s+-$/m);
  });

  it('state --at before the first event says so; --at with --revision is a usage error', async () => {
    const before = await runCaptured(['state', ORDER, '--at', '2001-01-01T00:00:00Z'], environment.env);
    expect(before.code).toBe(0);
    expect(before.stdout).toBe(
      `order ${ORDER} had no events yet at 2001-01-01T00:00:00.000Z (${types.length} later)\n`,
    );
    const now = await runCaptured(['state', ORDER, '--at', '1m', '--json'], environment.env);
    expect(JSON.parse(now.stdout)).toMatchObject({ revision: -1, laterEvents: types.length });
    const both = await runCaptured(['state', ORDER, '--at', '1d', '--revision', '1'], environment.env);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/cannot be used with option '--revision <n>'/);
    const bad = await runCaptured(['state', ORDER, '--at', '2024-02-30'], environment.env);
    expect(bad.code).toBe(2);
  });

  it('replay shows each event, what it changed and the order after it', async () => {
    const run = await runCaptured(['replay', ORDER], environment.env);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^order ${ORDER}: replaying ${types.length} events\\n`));
    const blocks = run.stdout.split('\n#').slice(1);
    expect(blocks).toHaveLength(types.length);
    blocks.forEach((block, revision) => {
      expect(block).toMatch(new RegExp(`^${revision} +\\S+ +${types[revision]} +by `));
      expect(block).toMatch(/\n {2}= import \w+ \| ship \w+ \| cancel \w+ \| refund \w+ \| \w+/);
    });
    expect(blocks[0]).toMatch(/importState: null -> "pending"/);
    expect(blocks[0]).not.toMatch(/importRetry:/);
    expect(blocks[0]).toMatch(/= import importing/);
    expect(blocks.at(-2)).toMatch(/shopOrderIds: \[\] -> \["SO-1"\]/);
    expect(blocks.at(-2)).toMatch(/= import imported/);
  });

  it('replay --json gives each step with the summary after it', async () => {
    const run = await runCaptured(['replay', ORDER, '--json'], environment.env);
    const body = JSON.parse(run.stdout) as {
      steps: { event: { type: string }; summary: { import: { status: string } } }[];
    };
    expect(body.steps.map((step) => step.event.type)).toEqual(types);
    expect(body.steps.at(-1)!.summary.import.status).toBe('imported');
  });

  it.each(['history', 'state', 'replay'])('%s --help describes the command (exit 0)', async (command) => {
    const run = await runCaptured([command, '--help'], environment.env);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^Usage: lengow-sync ${command} \\[options\\] <order>`));
    expect(run.stdout).toMatch(/<marketplace>:<marketplace order id>/);
    expect(run.stdout).toMatch(/Global Options:[\s\S]*--json/);
  });
});
