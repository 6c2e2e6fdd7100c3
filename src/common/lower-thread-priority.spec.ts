import { getPriority } from 'node:os';
import { lowerThreadPriority } from './lower-thread-priority.js';

// The Linux path changes the calling thread's priority, so it is proven on a worker thread of its own
// (overview-worker-runner.spec.ts); these cases change nothing.
describe('lowerThreadPriority', () => {
  it('leaves the process alone where a priority is per process', () => {
    const own = getPriority();
    expect(lowerThreadPriority(10, 'darwin')).toEqual({
      kind: 'unchanged',
      reason: 'thread priorities are per process on darwin',
    });
    expect(lowerThreadPriority(10, 'win32').kind).toBe('unchanged');
    expect(getPriority()).toBe(own);
  });

  it('changes nothing for a step of 0 and refuses a step that would raise the priority or is not whole', () => {
    const own = getPriority();
    expect(lowerThreadPriority(0, 'linux').kind).toBe('unchanged');
    expect(lowerThreadPriority(-5, 'linux')).toEqual({ kind: 'failed', reason: 'invalid niceness step -5' });
    expect(lowerThreadPriority(2.5, 'linux').kind).toBe('failed');
    expect(getPriority()).toBe(own);
  });
});
