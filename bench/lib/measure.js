/**
 * Timing helpers. This machine is shared and noisy (other processes come and go), so contenders are opened once and
 * then run in many short alternating rounds (A B, B A, A B, …): a burst of load hits both sides of a pair instead of
 * one whole measurement. Each figure is the median of its round rates, and each ratio is the median of the per-round
 * ratios, which is what a burst disturbs least.
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
 * Alternating rounds. Each contender is `{ key, ops, factor?, open?, run, close? }`: `open()` prepares its state
 * outside the clock (fresh database, warm-up) and returns it, `run(state, count)` performs `count` operations and is
 * timed, `close(state)` cleans up. All contenders stay open during the rounds. Rates are operations per second times
 * `factor` (e.g. 100 when an operation is a batch of 100 appends).
 *
 * A round gives each contender `ops` operations, cut into `slices` interleaved slices (A B, B A, A B, … within the
 * round), so that both sides of a ratio see the same spells of load (fsync latency here swings tenfold from one
 * second to the next). Returns per key `{ rate, rates, seconds, ratio, ratios }`: the median of its round rates,
 * every round's rate, and the median of its per-round ratios to the first contender (the baseline).
 */
export async function alternate(rounds, contenders, log = () => {}, { slices = 1 } = {}) {
  const states = new Map();
  const rates = new Map(contenders.map((c) => [c.key, []]));
  const seconds = new Map(contenders.map((c) => [c.key, 0]));
  const perSlice = new Map(contenders.map((c) => [c.key, Math.max(1, Math.ceil(c.ops / slices))]));
  try {
    for (const contender of contenders) {
      states.set(contender.key, contender.open ? await contender.open() : undefined);
    }
    for (let round = 0; round < rounds; round++) {
      const spent = new Map(contenders.map((c) => [c.key, 0]));
      for (let slice = 0; slice < slices; slice++) {
        const order = (round * slices + slice) % 2 === 0 ? contenders : [...contenders].reverse();
        for (const contender of order) {
          const count = perSlice.get(contender.key);
          const result = await timeRate(count, () => contender.run(states.get(contender.key), count));
          spent.set(contender.key, spent.get(contender.key) + result.seconds);
        }
      }
      for (const contender of contenders) {
        const factor = contender.factor ?? 1;
        rates.get(contender.key).push((perSlice.get(contender.key) * slices * factor) / spent.get(contender.key));
        seconds.set(contender.key, seconds.get(contender.key) + spent.get(contender.key));
      }
      log(
        `    round ${String(round + 1).padStart(2)}/${rounds}: ` +
          contenders.map((c) => `${c.key} ${formatRate(rates.get(c.key)[round])}/s`).join(', '),
      );
    }
  } finally {
    for (const contender of [...contenders].reverse()) {
      if (contender.close && states.has(contender.key)) await contender.close(states.get(contender.key));
    }
  }
  const reference = rates.get(contenders[0].key);
  const out = {};
  for (const contender of contenders) {
    const all = rates.get(contender.key);
    const ratios = all.map((rate, round) => rate / reference[round]);
    out[contender.key] = {
      rate: median(all),
      rates: all.map(Math.round),
      seconds: Number(seconds.get(contender.key).toFixed(3)),
      ratio: median(ratios),
      ratios: ratios.map((r) => Number(r.toFixed(3))),
      opsPerRound: perSlice.get(contender.key) * slices,
    };
  }
  return out;
}

/** Runs `count` operations with at most `concurrency` in flight; `op(i)` gets each index 0…count-1 once. */
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
