import type { ProjectionStatus } from '../../event-store/projections/projection-status.js';
import type { ReadModelRunner, WaitOptions } from '../../event-store/projections/read-model-runner.js';
import type { ReactionsPace } from './reactions-pace.js';
import { withReadModels } from './read-models-pace.js';

/** A read-model runner scripted call by call: each wait answers as `answers` says and moves `scanned` along. */
function scriptedRunner(answers: ('caught up' | 'moved' | 'stuck')[], state: ProjectionStatus['state'] = 'running') {
  const calls: (string | null | undefined)[] = [];
  const waited: (readonly string[] | undefined)[] = [];
  let scanned = 0;
  const runner = {
    status: () => [
      { name: 'order-overview', state, eventsScanned: scanned } as ProjectionStatus,
      { name: 'superseded-elsewhere', state: 'superseded', eventsScanned: 0 } as ProjectionStatus,
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
    await pace.keepUpWith('pos-7');
    expect(log).toEqual(['reactions pos-7']);
    expect(calls).toEqual(['pos-7']);
    // Only the projection running here: one another engine process runs would never catch up in this one.
    expect(waited).toEqual([['order-overview']]);
  });

  it('does not wait at all for read models that do not run here (failed, stopped, superseded)', async () => {
    for (const state of ['failed', 'stopped', 'superseded', 'starting'] as const) {
      const { runner, calls } = scriptedRunner(['moved'], state);
      await withReadModels(reactionsPace([]), runner).keepUpWith('pos-3');
      expect(calls).toEqual([]);
    }
  });

  it('goes on waiting while the read models move, and stops as soon as they do not', async () => {
    const moving = scriptedRunner(['moved', 'moved', 'caught up']);
    await withReadModels(reactionsPace([]), moving.runner).keepUpWith('pos-9');
    expect(moving.calls).toHaveLength(3);

    // Failed, stopped or rebuilding: nothing scanned since the last wait, so the run goes on without them.
    const stuck = scriptedRunner(['moved', 'stuck', 'stuck', 'caught up']);
    await withReadModels(reactionsPace([]), stuck.runner).keepUpWith('pos-9');
    expect(stuck.calls).toHaveLength(2);
  });

  it('does not wait for the read models once the run is aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const { runner, calls } = scriptedRunner(['moved']);
    await withReadModels(reactionsPace([]), runner).keepUpWith('pos-1', controller.signal);
    expect(calls).toEqual([]);
  });
});
