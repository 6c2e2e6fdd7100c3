import Database from 'better-sqlite3';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { newRunId, orderRows } from '../event-store/workload.js';
import { startEmulatorProcess } from '../lib/lengow-emulator.js';
import { distDir, loadEngineModule } from '../lib/engine-dist.js';
import { threadSchedstat } from '../lib/thread-schedstat.js';

export const name = 'import-e2e';
export const description =
  'Whole engine: BENCH_IMPORT_ORDERS (20 000) orders of the Lengow emulator (its own process, as Lengow is remote) ' +
  'backfilled into the built-in shop through the real HTTP connector until the sagas and read models are idle, on SQLite and ' +
  'PostgreSQL: orders/s, events/s, ratio to a raw append baseline, engine CPU per order, RSS start/peak/end';

const load = loadEngineModule;

const SEED = 3;

export async function run(context) {
  const orders = context.size('IMPORT_ORDERS', 20_000);
  const { adapters } = context;
  if (adapters.includes('sqlite')) {
    context.section(`SQLite: import of ${orders} emulator orders, end to end`);
    const baseline = await rawSqliteAppends(context, Math.min(orders, 5000), 1);
    const grouped = await rawSqliteAppends(context, Math.min(orders, 20_000), GROUPED_ORDERS);
    context.log(
      `  raw better-sqlite3 append baselines: ${Math.round(baseline)} events/s one order per transaction ` +
        `(follows the disk's fsync), ${Math.round(grouped)} events/s ${GROUPED_ORDERS} orders per transaction ` +
        `(follows the CPU)`,
    );
    await importRun(
      context,
      'sqlite',
      orders,
      { perOrder: baseline, grouped },
      { SQLITE_PATH: join(context.tmpDir, 'import-e2e.sqlite') },
    );
  }
  if (adapters.includes('postgres')) {
    context.section(`PostgreSQL: import of ${orders} emulator orders, end to end`);
    if (!context.postgres.ok) {
      context.skip('import-e2e.postgres.*', 'PostgreSQL import', `PostgreSQL unreachable: ${context.postgres.reason}`);
      return;
    }
    const schema = `lsbench_imp_${Date.now().toString(36)}`;
    try {
      await importRun(context, 'postgres', orders, null, {
        EVENT_STORE: 'postgres',
        DATABASE_URL: context.postgres.url,
        DATABASE_SCHEMA: schema,
      });
    } finally {
      const pg = (await import('pg')).default;
      const client = new pg.Client({ connectionString: context.postgres.url });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).finally(() => client.end());
    }
  }
}

/**
 * Orders per transaction of the second baseline: about what the engine's group commit gathers under this load, so
 * that fsync weighs little and the figure follows the machine's CPU, which the engine's throughput also follows (the
 * one-per-transaction baseline follows the disk: two machines with the same fsync latency can differ twofold in CPU).
 */
const GROUPED_ORDERS = 100;

/** Events/s of better-sqlite3 alone on the adapter's DDL, `perTransaction` orders (3 events each) per transaction. */
async function rawSqliteAppends(context, count, perTransaction) {
  const { SQLITE_EVENT_STORE_SCHEMA } = await load('event-store/sqlite/sqlite-event-store-schema.js');
  return measureRaw(join(context.tmpDir, 'import-e2e-raw.sqlite'), count, SQLITE_EVENT_STORE_SCHEMA, perTransaction);
}

function measureRaw(file, count, schema, perTransaction) {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(schema);
  const insert = db.prepare(
    'INSERT INTO es_events (event_id, stream, revision, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const write = db.transaction((rows) => {
    const at = new Date().toISOString();
    for (const row of rows) insert.run(row[0], row[1], row[2], row[3], row[4], row[5], at);
  });
  const runId = newRunId();
  let events = 0;
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i += perTransaction) {
    const rows = [];
    for (let j = i; j < Math.min(count, i + perTransaction); j++) rows.push(...orderRows(runId, j));
    write(rows);
    events += rows.length;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  db.close();
  for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
  return events / seconds;
}

/** `raw`: the two SQLite baselines of the same run (events/s), or null. */
async function importRun(context, adapter, orders, raw, env) {
  const [{ startEngine }, { loadConfig }, { silentLogger }, { OrderImporter }, { OrdersReactions }] = await Promise.all(
    [
      load('boot/start-engine.js'),
      load('config/load-config.js'),
      load('logging/logger.js'),
      load('orders/import/order-importer.js'),
      load('orders/sagas/orders-reactions.js'),
    ],
  );
  const [{ EVENT_STORE }, { prepareSandboxShop }, { ORDERS_PROJECTION_RUNNER }] = await Promise.all([
    load('event-store/event-store.port.js'),
    load('boot/prepare-sandbox-shop.js'),
    load('orders/projections/orders-read.module.js'),
  ]);
  const rss = new RssSampler();
  const emulator = await startEmulatorProcess({ distDir, seed: SEED, orders });
  let engine;
  try {
    // Pointed at the emulator as at a real Lengow account: the engine starts no emulator of its own.
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      SANDBOX: 'off',
      LENGOW_API_URL: emulator.url,
      LENGOW_ACCESS_TOKEN: 'bench',
      LENGOW_SECRET: 'bench',
      ...env,
    });
    engine = await startEngine(config, {
      logger: silentLogger(),
      app: { import: { schedule: false }, reactions: { pollers: false } },
    });
    // What the boot does for its built-in emulator (catalogue, countries, default carriers), for every marketplace:
    // the two the boot leaves unmapped for the dashboard's notice would only hold their orders back here.
    await prepareSandboxShop(engine.app, { leaveUnmapped: [] });
    const store = engine.app.get(EVENT_STORE);
    const eventsBefore = await countEvents(store);
    const progress = new LogProgressSampler(store);
    await progress.start();
    rss.start();
    const emulatorCpuBefore = await emulator.cpuUsage();
    const threadsBefore = threadCpu();
    const mainWaitBefore = threadSchedstat()?.waiting ?? null;
    const cpuBefore = process.cpuUsage();
    const started = process.hrtime.bigint();
    const report = await engine.app.get(OrderImporter).runScheduled();
    const importedAt = process.hrtime.bigint();
    await engine.app.get(OrdersReactions).waitUntilIdle(30 * 60_000);
    // The read models are part of the work: the dashboard shows an order once its overview row is written.
    await engine.app.get(ORDERS_PROJECTION_RUNNER).waitUntilCaughtUp(undefined, { timeoutMs: 30 * 60_000 });
    const ended = process.hrtime.bigint();
    const seconds = Number(ended - started) / 1e9;
    const cpu = process.cpuUsage(cpuBefore);
    const threads = threadCpuSince(threadsBefore);
    const mainWait = mainWaitBefore === null ? null : threadSchedstat().waiting - mainWaitBefore;
    const emulatorCpu = cpuSince(await emulator.cpuUsage(), emulatorCpuBefore);
    const decideSeconds = Number(importedAt - started) / 1e9;
    const memory = rss.stop();
    const retained = await retainedMemory();
    const events = (await countEvents(store)) - eventsBefore;
    const quarterBounds = await progress.stop(events, ended);
    if (report.outcome !== 'succeeded')
      throw new Error(`import run ${report.outcome}: ${JSON.stringify(report.error)}`);
    context.log(
      `  ${adapter}: ${orders} orders (${report.counts.planned} planned) decided in ${decideSeconds.toFixed(1)} s, ` +
        `sagas and read models idle after ${seconds.toFixed(1)} s; ${events} events; RSS MB start ${mb(memory.start)} ` +
        `peak ${mb(memory.peak)} (first half of the run ${mb(memory.firstHalfPeak)}, second half ` +
        `${mb(memory.secondHalfPeak)}) end ${mb(memory.end)}, after a full GC ${mb(retained.rss)} ` +
        `(JS heap ${mb(retained.heapUsed)} used of ${mb(retained.heapTotal)})`,
    );
    // Where the time goes: engine CPU below wall time per order is time spent waiting (fsync, the emulator, I/O).
    const perOrder = (microseconds) => (microseconds / 1000 / orders).toFixed(2);
    context.log(
      `  ${adapter}: per order: wall ${((seconds * 1000) / orders).toFixed(2)} ms; engine process CPU ` +
        `${perOrder(cpu.user + cpu.system)} ms (user ${perOrder(cpu.user)}, system ${perOrder(cpu.system)}); ` +
        `emulator process CPU ${perOrder(emulatorCpu.user + emulatorCpu.system)} ms`,
    );
    if (quarterBounds) {
      // Each quarter of the events stands for a quarter of the orders: every order appends about as many.
      const paces = quarterBounds.slice(1).map((t, i) => Math.round(orders / 4 / (t - quarterBounds[i])));
      context.log(
        `  ${adapter}: pace by quarter of the run's events: ${paces.join(', ')} orders/s (the first pays for V8 ` +
          `compiling the hot code, the last for the reactions and read models draining after the last page)`,
      );
    }
    if (threads) {
      const others = threads.others.map((ms) => (ms / orders).toFixed(2)).join(', ');
      context.log(
        `  ${adapter}: engine CPU per order by thread: main ${(threads.main / orders).toFixed(2)} ms; the other ` +
          `threads, busiest first: ${others || 'none'} ms (on SQLite the busiest is usually the read models' worker; ` +
          `V8's own threads, garbage collection and the optimising compiler, make up most of the rest)`,
      );
    }
    if (mainWait !== null) {
      // The main thread is the pipeline's one serial stage: time it spends ready to run but without a core is lost.
      context.log(
        `  ${adapter}: main thread ready but waiting for a core: ${(mainWait / orders).toFixed(2)} ms per order ` +
          `(/proc schedstat; the rest of the wall time beyond its CPU it waits for I/O or for work)`,
      );
    }
    context.row({
      id: `import-e2e.${adapter}.ordersPerSecond`,
      figure: `${adapter} import until sagas and read models idle`,
      unit: 'orders/s',
      value: orders / seconds,
      target: adapter === 'sqlite' ? { kind: 'absolute', min: 1000 } : undefined,
    });
    if (quarterBounds) {
      context.row({
        id: `import-e2e.${adapter}.ordersPerSecondMiddle`,
        figure: `${adapter} import, middle half of the run`,
        unit: 'orders/s',
        value: orders / 2 / (quarterBounds[3] - quarterBounds[1]),
      });
    }
    context.row({
      id: `import-e2e.${adapter}.decidePerSecond`,
      figure: `${adapter} import run alone (decisions)`,
      unit: 'orders/s',
      value: orders / decideSeconds,
    });
    context.row({
      id: `import-e2e.${adapter}.eventsPerSecond`,
      figure: `${adapter} events appended end to end`,
      unit: 'events/s',
      value: events / seconds,
      ...(raw ? { baseline: { label: 'raw better-sqlite3 append', value: raw.perOrder } } : {}),
    });
    if (raw) {
      context.row({
        id: `import-e2e.${adapter}.eventsPerSecondVsGrouped`,
        figure: `${adapter} events appended end to end`,
        unit: 'events/s',
        value: events / seconds,
        baseline: { label: `raw append, ${GROUPED_ORDERS} orders/tx`, value: raw.grouped },
      });
    }
    context.row({
      id: `import-e2e.${adapter}.cpuPerOrder`,
      figure: `${adapter} engine CPU (user + system) per order`,
      unit: 'ms/order',
      value: (cpu.user + cpu.system) / 1000 / orders,
    });
    context.row({
      id: `import-e2e.${adapter}.rssPeak`,
      figure: `${adapter} peak RSS`,
      unit: 'MB',
      value: memory.peak / 2 ** 20,
    });
    context.row({
      id: `import-e2e.${adapter}.rssPeakGrowth`,
      figure: `${adapter} peak RSS, 2nd half of the run`,
      unit: 'MB',
      value: memory.secondHalfPeak / 2 ** 20,
      baseline: { label: 'peak RSS, 1st half', value: memory.firstHalfPeak / 2 ** 20 },
    });
    context.row({
      id: `import-e2e.${adapter}.rssGrowth`,
      figure: `${adapter} RSS end − start`,
      unit: 'MB',
      value: (memory.end - memory.start) / 2 ** 20,
    });
    context.row({
      id: `import-e2e.${adapter}.rssRetained`,
      figure: `${adapter} RSS after a full GC − start`,
      unit: 'MB',
      value: (retained.rss - memory.start) / 2 ** 20,
    });
  } finally {
    rss.stop();
    try {
      await engine?.close();
    } finally {
      await emulator.stop();
    }
  }
}

const cpuSince = (now, before) => ({ user: now.user - before.user, system: now.system - before.system });

/** Clock ticks per second of /proc's CPU times (USER_HZ): 100 on every Linux build these machines run. */
const USER_HZ = 100;

/**
 * CPU time (ms) of each thread of this process, from /proc/self/task; null where there is no /proc. The process
 * total says how much the engine costs, not whether its one JavaScript thread is the limit: this does.
 */
function threadCpu() {
  try {
    const threads = new Map();
    for (const tid of readdirSync('/proc/self/task')) {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      // Fields after the command name, which is in parentheses and may hold spaces: utime and stime are 14th and 15th.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      threads.set(Number(tid), ((Number(fields[11]) + Number(fields[12])) * 1000) / USER_HZ);
    }
    return threads;
  } catch {
    return null;
  }
}

/** `{ main, others }`: the main thread's CPU (ms) since `before`, and the other threads', busiest first. */
function threadCpuSince(before) {
  const now = threadCpu();
  if (!before || !now) return null;
  const spent = [...now].map(([tid, ms]) => [tid, ms - (before.get(tid) ?? 0)]);
  const others = spent
    .filter(([tid, ms]) => tid !== process.pid && ms > 0)
    .map(([, ms]) => ms)
    .sort((a, b) => b - a);
  return { main: spent.find(([tid]) => tid === process.pid)?.[1] ?? 0, others };
}

/**
 * The log's length, read until two counts agree: on PostgreSQL a read of the log stops before the events of any
 * transaction younger than the oldest one open on the server (a consumer's checkpoint, say), so a count taken while one
 * is open comes out short (a 20 000-order run once counted 126 events fewer than its table held).
 */
async function countEvents(store) {
  for (let previous = -1; ;) {
    const count = await countEventsOnce(store);
    if (count === previous) return count;
    previous = count;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Small pages: each event is read whole, and 10 000 at once held ~60 MB, more than the engine's own working set. */
async function countEventsOnce(store) {
  let from = null;
  let n = 0;
  for (;;) {
    const batch = await store.readAll({ fromPosition: from, maxCount: 1000 });
    if (batch.length === 0) return n;
    n += batch.length;
    from = batch[batch.length - 1].position;
  }
}

const mb = (bytes) => (bytes / 2 ** 20).toFixed(0);

/**
 * Memory once garbage is collected: what the run left behind, apart from the heap V8 grew while the run allocated
 * (it gives that back only lazily, so RSS at the end mixes both). Taken after the timings.
 */
async function retainedMemory() {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc');
  // Twice, with a turn of the event loop between: finalizers (e.g. fetch's) release what the second one collects.
  for (let i = 0; i < 2; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const { rss, heapUsed, heapTotal } = process.memoryUsage();
  return { rss, heapUsed, heapTotal };
}

/**
 * RSS sampled every 100 ms while the run lasts, with `memoryUsage.rss()`: the full `memoryUsage()` also gathers V8's
 * heap statistics, about half a percent of the engine's CPU profile at this rate once the heap is a few hundred MB.
 * Besides the peak, the peak of each half of the run: memory that grows with the number of orders handled shows as a
 * second half above the first; flat memory, as two equal peaks.
 */
class RssSampler {
  start() {
    this.startRss = process.memoryUsage.rss();
    this.samples = [this.startRss];
    this.timer = setInterval(() => this.samples.push(process.memoryUsage.rss()), 100);
    this.timer.unref();
  }
  stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const end = process.memoryUsage.rss();
    const samples = [...(this.samples ?? []), end];
    const half = Math.ceil(samples.length / 2);
    const peakOf = (list) => list.reduce((a, b) => Math.max(a, b), 0);
    return {
      start: this.startRss ?? end,
      peak: peakOf(samples),
      firstHalfPeak: peakOf(samples.slice(0, half)),
      secondHalfPeak: peakOf(samples.slice(half)),
      end,
    };
  }
}

/**
 * The log's head sampled every 250 ms while the run lasts, to tell the run's pace by quarter: the first quarter pays
 * for V8 compiling the engine's hot code (its helper threads take most of a core for the first seconds), the last
 * one for the reactions and read models draining after the last page. Positions end in the store's global sequence
 * number on both adapters (a rowid on SQLite, the bigserial on PostgreSQL), so their difference counts events (give or
 * take the numbers a rolled-back transaction leaves unused on PostgreSQL).
 */
class LogProgressSampler {
  constructor(store) {
    this.store = store;
    this.samples = [];
  }
  async start() {
    this.samples = [[process.hrtime.bigint(), await this.sequence()]];
    this.timer = setInterval(() => {
      const at = process.hrtime.bigint();
      this.sequence().then(
        (sequence) => this.samples.push([at, sequence]),
        () => undefined,
      );
    }, 250);
    this.timer.unref();
  }
  async sequence() {
    const head = await this.store.headPosition();
    return head === null ? 0 : Number(head.slice(-19));
  }
  /**
   * Seconds from the start at which the run had appended 0, ¼, ½, ¾ and all of its `events` (the last bound is the
   * run's end, `ended`, when the read models were idle too); null when too few samples were taken to place them.
   */
  async stop(events, ended) {
    clearInterval(this.timer);
    // Samples taken after the run (while it is measured) would only repeat the final head.
    const samples = [...this.samples.filter(([at]) => at <= ended), [ended, await this.sequence()]];
    if (samples.length < 8 || events <= 0) return null;
    const [start, first] = samples[0];
    const seconds = (at) => Number(at - start) / 1e9;
    // When the log reached `count` events of the run, by linear interpolation between the two samples around it.
    const timeAt = (count) => {
      for (let i = 1; i < samples.length; i++) {
        const [t1, s1] = samples[i];
        if (s1 - first < count) continue;
        const [t0, s0] = samples[i - 1];
        const share = s1 === s0 ? 1 : (count - (s0 - first)) / (s1 - s0);
        return seconds(t0) + share * (seconds(t1) - seconds(t0));
      }
      return seconds(ended);
    };
    return [0, timeAt(events / 4), timeAt(events / 2), timeAt((3 * events) / 4), seconds(ended)];
  }
}
