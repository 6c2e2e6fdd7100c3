import { getPriority, setPriority } from 'node:os';

export type ThreadPriorityOutcome =
  { kind: 'lowered'; niceness: number } | { kind: 'unchanged'; reason: string } | { kind: 'failed'; reason: string };

/** The lowest priority Linux has (the highest nice value). */
const MAX_NICENESS = 19;

/**
 * Lowers the calling thread's scheduling priority by `steps` nice levels, relative to where it runs now (a thread
 * starts at its creator's niceness, so an engine started with `nice` keeps its worker below itself).
 *
 * Only on Linux: there the niceness is a per-thread attribute and `setpriority(PRIO_PROCESS, 0)` (what
 * `os.setPriority(n)` does) names the calling thread. On other systems it names the whole process, which would slow
 * the engine's own thread too, so nothing is changed there.
 */
export function lowerThreadPriority(
  steps: number,
  platform: NodeJS.Platform = process.platform,
): ThreadPriorityOutcome {
  if (!Number.isInteger(steps) || steps < 0) return { kind: 'failed', reason: `invalid niceness step ${steps}` };
  if (steps === 0) return { kind: 'unchanged', reason: 'no niceness step asked for' };
  if (platform !== 'linux') return { kind: 'unchanged', reason: `thread priorities are per process on ${platform}` };
  try {
    const niceness = Math.min(MAX_NICENESS, getPriority() + steps);
    setPriority(niceness);
    return { kind: 'lowered', niceness };
  } catch (error) {
    return { kind: 'failed', reason: error instanceof Error ? error.message : String(error) };
  }
}
