import type { ProjectionStatus } from '../../event-store/projections/projection-status.js';
import type { ReadModelRunner, WaitOptions } from '../../event-store/projections/read-model-runner.js';
import type { ReactionsPace } from './reactions-pace.js';
import { withReadModels } from './read-models-pace.js';

/** A read-model runner scripted call by call: each wait answers as `answers` says and moves `scanned` along. */
function scriptedRunner(
  answers: ('caught up' | 'moved' | 'stuck')[],
  state: ProjectionStatus['state'] = 'running',
  position = '120',
) {
  const calls: (string | null | undefined)[] = [];
  const waited: (readonly string[] | undefined)[] = [];
  let scanned = 0;
  const runner = {
    status: () => [
      { name: 'order-overview', state, position, eventsScanned: scanned } as ProjectionStatus,
      { name: 'superseded-elsewhere', state: 'superseded', position: '100', eventsScanned: 0 } as ProjectionStatus,
    ],
    waitUntilCaughtUp: async (position?: string | null, options?: WaitOptions) => {
      calls.push(position);
      waited.push(options?.projections);
      const answer = answers.shift() ?? 'caught up';
      if (answer === 'caught up') return;
      if (answer === 'moved') scanned += 10;
      throw new Error('timed out waiting for order-overview');
    },
  } as unknown as ReadModelRunner;
  return { runner, calls, waited };
}

function reactionsPace(log: string[]): ReactionsPace {
  return {
    mark: async () => 'head-1',
    keepUpWith: async (mark) => {
      log.push(`reactions ${mark}`);
    },
  };
}

describe('withReadModels', () => {
  it('waits for the reactions, then for the read models to reach the same mark', async () => {
    const log: string[] = [];
    const { runner, calls, waited } = scriptedRunner(['caught up']);
    const pace = withReadModels(reactionsPace(log), runner);
    expect(await pace.mark()).toBe('head-1');
    await pace.keepUpWith('700');
    expect(log).toEqual(['reactions 700']);
    expect(calls).toEqual(['700']);
    // Only the projection running here: one another engine process runs would never catch up in this one.
    expect(waited).toEqual([['order-overview']]);
  });

  it('does not wait at all for read models that do not run here (failed, stopped, superseded)', async () => {
    for (const state of ['failed', 'stopped', 'superseded', 'starting'] as const) {
      const { runner, calls } = scriptedRunner(['moved'], state);
      await withReadModels(reactionsPace([]), runner).keepUpWith('300');
      expect(calls).toEqual([]);
    }
  });

  it('does not hold a run for read models catching up from far (an upgrade, a reset checkpoint)', async () => {
    const far = scriptedRunner(['moved'], 'running', '5');
    await withReadModels(reactionsPace([]), far.runner).keepUpWith('20000');
    expect(far.calls).toEqual([]);
    const near = scriptedRunner(['caught up'], 'running', '15000');
    await withReadModels(reactionsPace([]), near.runner).keepUpWith('20000');
    expect(near.calls).toEqual(['20000']);
  });

  it('goes on waiting while the read models move, and stops as soon as they do not', async () => {
    const moving = scriptedRunner(['moved', 'moved', 'caught up']);
    await withReadModels(reactionsPace([]), moving.runner).keepUpWith('900');
    expect(moving.calls).toHaveLength(3);

    // Failed, stopped or rebuilding: nothing scanned since the last wait, so the run goes on without them.
    const stuck = scriptedRunner(['moved', 'stuck', 'stuck', 'caught up']);
    await withReadModels(reactionsPace([]), stuck.runner).keepUpWith('900');
    expect(stuck.calls).toHaveLength(2);
  });

  it('does not wait for the read models once the run is aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const { runner, calls } = scriptedRunner(['moved']);
    await withReadModels(reactionsPace([]), runner).keepUpWith('100', controller.signal);
    expect(calls).toEqual([]);
  });
});
