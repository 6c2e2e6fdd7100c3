import { readFileSync } from 'node:fs';

/**
 * The calling thread's scheduler times so far, in ms, from /proc/thread-self/schedstat: `onCpu` (time running) and
 * `waiting` (runnable, waiting on the run queue for a core); null where there is no such file.
 */
export function threadSchedstat() {
  try {
    const [onCpuNs, waitingNs] = readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ').map(Number);
    return { onCpu: onCpuNs / 1e6, waiting: waitingNs / 1e6 };
  } catch {
    return null;
  }
}
