#!/usr/bin/env node
/**
 * Benchmark runner: `npm run bench` (build, then every scenario) or `npm run bench -- <scenario> …`.
 *
 * A scenario is a module in bench/scenarios/ exporting `name`, `description`, optionally `peers` (folders of bench/
 * with their own package.json, e.g. a competitor library kept out of the engine's dependencies) and
 * `run(context)`, which records figures with `context.row()`. Peers whose node_modules are missing are installed
 * here with `npm ci --prefix bench/<peer>`. At the end the runner prints one table and writes
 * bench/results/latest.json.
 *
 * Environment: BENCH_SCALE (default 1) scales every workload size, BENCH_ROUNDS (default 9) and BENCH_REPLAY_ROUNDS
 * (default 5) set the alternating rounds per figure (medians are kept; sizes are totals split over the rounds), BENCH_<SIZE> overrides one size (named in the log lines and the JSON),
 * BENCH_DATABASE_URL (or DATABASE_URL) picks the PostgreSQL server, BENCH_ADAPTERS=sqlite,postgres picks adapters.
 */
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  fdatasyncSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import os from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DEFAULT_DATABASE_URL, dropLeftovers, probePostgres } from './lib/postgres.js';
import { formatRate, median } from './lib/measure.js';
import { formatRatio, renderTable } from './lib/report.js';

const benchDir = dirname(fileURLToPath(import.meta.url));
const rootDir = dirname(benchDir);

async function main() {
  const args = process.argv.slice(2);
  const available = await loadScenarios();
  if (args.includes('--help') || args.includes('-h') || args.includes('--list')) {
    console.log('usage: npm run bench [-- <scenario> …]\n\nscenarios:');
    for (const s of available) console.log(`  ${s.name.padEnd(14)} ${s.description}`);
    return 0;
  }
  const unknown = args.filter((a) => !available.some((s) => s.name === a));
  if (unknown.length > 0) {
    console.error(
      `bench: unknown scenario(s) ${unknown.join(', ')}; known: ${available.map((s) => s.name).join(', ')}`,
    );
    return 2;
  }
  const selected = args.length > 0 ? available.filter((s) => args.includes(s.name)) : available;
  if (!existsSync(join(rootDir, 'dist'))) {
    console.error('bench: dist/ is missing; run `npm run bench` (it builds first) or `npm run build`');
    return 2;
  }

  const scale = positiveNumber('BENCH_SCALE', 1);
  const rounds = Math.round(positiveNumber('BENCH_ROUNDS', 9));
  const replayRounds = Math.round(positiveNumber('BENCH_REPLAY_ROUNDS', 5));
  const started = Date.now();
  const peers = installPeers([...new Set(selected.flatMap((s) => s.peers ?? []))]);
  const postgresUrl = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
  const postgres = { url: postgresUrl, ...(await probePostgres(postgresUrl)) };
  if (postgres.ok) await dropLeftovers(postgresUrl, console.log);
  const machine = describeMachine(postgres);
  console.log(
    `bench: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}, ` +
      `SQLite ${machine.sqlite}, PostgreSQL ${postgres.ok ? postgres.version : `unavailable (${postgres.reason})`}; ` +
      `scale ${scale}, ${rounds} rounds (replays ${replayRounds}), load average ${machine.loadAverageAtStart.join(' ')}`,
  );

  const tmpDir = mkdtempSync(join(os.tmpdir(), 'lengow-sync-bench-'));
  machine.fsyncAtStart = probeFsync(tmpDir);
  console.log(
    `bench: fdatasync ${describeFsync(machine.fsyncAtStart)} (the disk is shared: commit-bound figures follow it)`,
  );
  const rows = [];
  const sizes = {};
  const failures = [];
  // BENCH_KEEP_FILES leaves the run's databases behind, to look at what a run wrote (its path is printed).
  const cleanup = () =>
    process.env.BENCH_KEEP_FILES
      ? console.log(`bench: files kept in ${tmpDir}`)
      : rmSync(tmpDir, { recursive: true, force: true });
  process.once('SIGINT', () => {
    cleanup();
    process.exit(130);
  });
  try {
    const adapters = (process.env.BENCH_ADAPTERS ?? 'sqlite,postgres').split(',').map((a) => a.trim());
    for (const scenario of selected) {
      console.log(`\n▶ ${scenario.name}`);
      const scenarioStarted = Date.now();
      const context = {
        scale,
        rounds,
        replayRounds,
        tmpDir,
        postgres,
        /** The adapters to measure (BENCH_ADAPTERS, default both). */
        adapters,
        log: (message) => console.log(message),
        section: (title) => console.log(`\n ${title}`),
        size(name, base, { scaled = true } = {}) {
          const override = process.env[`BENCH_${name}`];
          const value =
            override !== undefined
              ? Math.round(positiveNumber(`BENCH_${name}`, base))
              : Math.max(1, Math.round(scaled ? base * scale : base));
          sizes[name] = value;
          return value;
        },
        row(row) {
          const ratio = row.ratio ?? (row.baseline && row.baseline.value > 0 ? row.value / row.baseline.value : null);
          const met = !row.target
            ? null
            : row.target.kind === 'ratio'
              ? ratio >= row.target.min
              : row.value >= row.target.min;
          const recorded = { scenario: scenario.name, ...row, ratio, met };
          rows.push(recorded);
          const vs = ratio === null ? '' : ` (${formatRatio(ratio)} ${row.baseline.label})`;
          console.log(
            `  = ${row.figure}: ${formatRate(row.value)} ${row.unit}${vs}${met === false ? '  ← target missed' : ''}`,
          );
        },
        skip(id, figure, reason) {
          rows.push({ scenario: scenario.name, id, figure, skipped: true, reason, met: null });
          console.log(`  - ${figure}: skipped (${reason})`);
        },
        async peer(name) {
          const peer = peers.get(name);
          if (!peer?.ok) return { ok: false, reason: peer?.reason ?? `peer ${name} not declared` };
          return { ok: true, module: await import(pathToFileURL(join(benchDir, name, 'driver.js')).href) };
        },
      };
      try {
        await scenario.run(context);
      } catch (error) {
        failures.push({ scenario: scenario.name, error: error.stack ?? String(error) });
        console.error(`  ✗ ${scenario.name} failed: ${error.stack ?? error}`);
      }
      console.log(`  (${scenario.name}: ${((Date.now() - scenarioStarted) / 1000).toFixed(0)} s)`);
    }
    machine.fsyncAtEnd = probeFsync(tmpDir);
  } finally {
    cleanup();
  }

  const seconds = (Date.now() - started) / 1000;
  console.log(
    `\nResults (${seconds.toFixed(0)} s). Ours and Baseline: median round rates; Ratio: median of the per-round ratios ` +
      `ours / baseline, rounds alternating in the same run.\n`,
  );
  console.log(renderTable(rows));
  console.log(
    `\nfdatasync at start ${describeFsync(machine.fsyncAtStart)}, at end ${describeFsync(machine.fsyncAtEnd)}; ` +
      `load average at end ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}.`,
  );
  const met = rows.filter((r) => r.met === true).length;
  const missed = rows.filter((r) => r.met === false);
  console.log(
    `\nTargets: ${met} met, ${missed.length} missed${missed.length ? ` (${missed.map((r) => r.id).join(', ')})` : ''}.`,
  );

  const resultsDir = join(benchDir, 'results');
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, 'latest.json');
  machine.loadAverageAtEnd = os.loadavg().map((l) => Number(l.toFixed(2)));
  const json =
    JSON.stringify(
      {
        date: new Date().toISOString(),
        commit: gitCommit(),
        seconds,
        machine,
        config: {
          scale,
          rounds,
          replayRounds,
          sizes,
          scenarios: selected.map((s) => s.name),
          postgresUrl: redact(postgresUrl),
        },
        peers: Object.fromEntries([...peers].map(([name, peer]) => [name, peer])),
        rows,
        failures,
      },
      null,
      2,
    ) + '\n';
  writeFileSync(file, await formatJson(json, file));
  console.log(`Written to ${relative(process.cwd(), file)}`);
  return failures.length > 0 ? 1 : 0;
}

async function loadScenarios() {
  const dir = join(benchDir, 'scenarios');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.js'))
    .sort();
  const scenarios = [];
  for (const f of files) {
    const module = await import(pathToFileURL(join(dir, f)).href);
    if (typeof module.run !== 'function' || typeof module.name !== 'string') {
      throw new Error(`bench/scenarios/${f} must export name and run(context)`);
    }
    scenarios.push(module);
  }
  return scenarios;
}

/** Installs each peer folder from its lockfile when its node_modules is missing; a failure only skips its figures. */
function installPeers(names) {
  const peers = new Map();
  for (const name of names) {
    const dir = join(benchDir, name);
    if (!existsSync(join(dir, 'package.json'))) {
      peers.set(name, { ok: false, reason: `bench/${name}/package.json missing` });
      continue;
    }
    if (!existsSync(join(dir, 'node_modules'))) {
      console.log(`bench: bench/${name}/node_modules is missing; running npm ci --prefix bench/${name}`);
      const result = spawnSync('npm', ['ci', '--prefix', dir, '--no-audit', '--no-fund'], {
        stdio: 'inherit',
        cwd: rootDir,
      });
      if (result.status !== 0) {
        rmSync(join(dir, 'node_modules'), { recursive: true, force: true });
        peers.set(name, { ok: false, reason: `npm ci --prefix bench/${name} failed (exit ${result.status})` });
        continue;
      }
    }
    peers.set(name, { ok: true, dependencies: readDependencies(dir) });
  }
  return peers;
}

function readDependencies(dir) {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).dependencies;
}

function describeMachine(postgres) {
  const db = new Database(':memory:');
  const sqlite = db.prepare('SELECT sqlite_version()').pluck().get();
  db.close();
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model?.trim() ?? 'unknown CPU',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    platform: `${os.platform()} ${os.release()}`,
    node: process.versions.node,
    sqlite,
    postgres: postgres.ok ? postgres.version : null,
    loadAverageAtStart: os.loadavg().map((l) => Number(l.toFixed(2))),
  };
}

/**
 * Formatted like the rest of the repository when prettier is installed (a dev dependency), so `prettier --check .`
 * passes: with the repository's own options (its print width decides how a long array of rounds is wrapped).
 */
async function formatJson(json, file) {
  try {
    const prettier = await import('prettier');
    const options = (await prettier.resolveConfig(file)) ?? {};
    return await prettier.format(json, { ...options, parser: 'json' });
  } catch {
    return json;
  }
}

/** Latency of a 4 KiB write + fdatasync in the temp folder, 50 times: median and 90th percentile, in µs. */
function probeFsync(dir) {
  const file = join(dir, 'fsync-probe');
  const fd = openSync(file, 'w');
  const block = Buffer.alloc(4096, 1);
  const samples = [];
  try {
    for (let i = 0; i < 50; i++) {
      const started = process.hrtime.bigint();
      writeSync(fd, block, 0, block.length, 0);
      fdatasyncSync(fd);
      samples.push(Number(process.hrtime.bigint() - started) / 1000);
    }
  } finally {
    closeSync(fd);
    rmSync(file, { force: true });
  }
  samples.sort((a, b) => a - b);
  return {
    medianMicros: Math.round(median(samples)),
    p90Micros: Math.round(samples[Math.floor(samples.length * 0.9)]),
  };
}

function describeFsync(probe) {
  return probe ? `median ${probe.medianMicros} µs, p90 ${probe.p90Micros} µs` : 'not measured';
}

function gitCommit() {
  const result = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: rootDir });
  return result.status === 0 ? String(result.stdout).trim() : null;
}

function redact(url) {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'unparseable';
  }
}

function positiveNumber(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    console.error(`bench: ${name} must be a positive number`);
    process.exit(2);
  }
  return value;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error.stack ?? error);
    process.exit(1);
  },
);
