/**
 * Timing helpers. Every figure is a rate (operations per second) measured over a fixed amount of work; contenders are
 * run in alternating rounds (A, B, A, B, …) and the median round is kept, so that a burst of noise on this shared
 * machine hits both sides of a ratio instead of one.
 */

/** Runs `work` once and returns its rate: `ops` operations over the elapsed wall-clock time. */
export async function timeRate(ops, work) {
  const started = process.hrtime.bigint();
  await work();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { rate: ops / seconds, seconds };
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Alternating rounds of several contenders. Each contender is `{ key, ops, setup?, run, teardown? }`: `setup(round)`
 * prepares fresh state outside the clock and returns what `run` gets, `run(state)` is timed, `teardown(state)`
 * cleans up outside the clock. Returns per key `{ rate, rates, seconds }` (median rate, every round's rate).
 */
export async function alternate(rounds, contenders, log = () => {}) {
  const rates = new Map(contenders.map((c) => [c.key, []]));
  const seconds = new Map(contenders.map((c) => [c.key, 0]));
  for (let round = 0; round < rounds; round++) {
    // Swap the order every round so neither side always runs right after the other's cleanup.
    const order = round % 2 === 0 ? contenders : [...contenders].reverse();
    for (const contender of order) {
      const state = contender.setup ? await contender.setup(round) : undefined;
      try {
        const result = await timeRate(contender.ops, () => contender.run(state));
        rates.get(contender.key).push(result.rate);
        seconds.set(contender.key, seconds.get(contender.key) + result.seconds);
        log(`    round ${round + 1}/${rounds} ${contender.key}: ${formatRate(result.rate)}/s`);
      } finally {
        if (contender.teardown) await contender.teardown(state);
      }
    }
  }
  const out = {};
  for (const contender of contenders) {
    const all = rates.get(contender.key);
    out[contender.key] = { rate: median(all), rates: all, seconds: seconds.get(contender.key) };
  }
  return out;
}

/** Runs `count` operations with at most `concurrency` in flight; `op(i)` gets a unique index. */
export async function withConcurrency(count, concurrency, op) {
  let next = 0;
  const worker = async () => {
    while (next < count) await op(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

export function formatRate(rate) {
  if (!Number.isFinite(rate)) return String(rate);
  if (rate >= 100) return Math.round(rate).toLocaleString('en-US');
  return rate.toPrecision(3);
}
