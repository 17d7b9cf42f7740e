// What every benchmark run reports: progress on stderr, the result JSON in bench/results/
// (`<timestamp>-<benchmark>.json`, with the options, the machine and the git commit), host logs kept
// next to it, and the table on stdout. Exit codes: 0 all good; 3 the benchmark ran but the host
// misbehaved (errors, died, lost a write); 1 the benchmark itself failed.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, relative, resolve } from 'node:path';
import { REPO, requireBuild } from './build.mjs';
import { round } from './load.mjs';
import { cleanupAll, installExitHooks } from './processes.mjs';
import { startFailed } from './servers.mjs';

export const RESULTS_DIR = join(REPO, 'bench', 'results');

export const log = (message) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`);

export const errorMessage = (error) => (error instanceof Error ? error.message : String(error));

let runStamp;

/** Copies a host log to bench/results/<run stamp>-<name>.log; returns its path from the repository root. */
export function keepLog(logFile, name) {
  if (!existsSync(logFile)) return undefined;
  mkdirSync(RESULTS_DIR, { recursive: true });
  const target = join(RESULTS_DIR, `${runStamp}-${name}.log`);
  copyFileSync(logFile, target);
  return relative(REPO, target);
}

function gitInfo() {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: REPO, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], { cwd: REPO, encoding: 'utf8' }).trim() !== '';
    return { commit, dirty };
  } catch {
    return undefined;
  }
}

const loadAverage = () => os.loadavg().map((v) => round(v));

/**
 * One benchmark run: `run(result)` starts the servers and measures, filling `result`; it returns
 * false when a level failed. Servers are stopped whatever happens; then the exit code is decided
 * (`misbehaved(result)`: the host answered errors, died or lost a write) and the JSON written.
 */
export async function runBenchmark({ benchmark, options, notes, run, misbehaved }) {
  installExitHooks();
  const startedAt = new Date();
  runStamp = startedAt.toISOString().replace(/[:.]/g, '-');
  requireBuild();
  const result = {
    benchmark,
    startedAt: startedAt.toISOString(),
    command: `node ${relative(process.cwd(), resolve(process.argv[1]))} ${process.argv.slice(2).join(' ')}`.trim(),
    options,
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      memoryGiB: round(os.totalmem() / 2 ** 30, 1),
      loadAverageAtStart: loadAverage(),
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
    },
    git: gitInfo(),
    notes,
  };
  let exitCode = 0;
  try {
    if ((await run(result)) === false) exitCode = 1;
  } catch (error) {
    result.failure = errorMessage(error);
    exitCode = 1;
  } finally {
    log('stopping servers');
    await cleanupAll();
  }
  if (exitCode === 0 && misbehaved(result)) exitCode = 3;
  result.exitCode = exitCode;
  result.finishedAt = new Date().toISOString();
  result.machine.loadAverageAtEnd = loadAverage();
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `${runStamp}-${benchmark}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return { result, exitCode, file: relative(REPO, file) };
}

/**
 * Runs `measure(level)` for every level, one after the other, pushing each result into `into`. A
 * failed level is recorded as `{ ...level.meta, failure }` and the run goes on, unless a server
 * (the host above all) did not start: then it stops there. Returns false when a level failed.
 */
export async function runLevels(into, levels, measure) {
  let ok = true;
  for (const level of levels) {
    try {
      into.push(await measure(level));
    } catch (error) {
      const message = errorMessage(error);
      log(`[${level.tag}] FAILED: ${message}`);
      into.push({ ...level.meta, failure: message.slice(0, 4000) });
      ok = false;
      if (startFailed(error)) throw error;
    }
  }
  return ok;
}

/** main() resolves to the exit code; a throw prints its message, stops the servers, exits 1. */
export function runMain(main) {
  main().then(
    (code) => process.exit(code),
    async (error) => {
      process.stderr.write(`${errorMessage(error)}\n`);
      await cleanupAll();
      process.exit(1);
    },
  );
}

/** The columns every host-vs-raw table shares (the raw side named `raw` or `direct`). */
export const comparisonHeader = (raw = 'raw', unit = 'ops/s') => [`host ${unit}`, `${raw} ${unit}`, `host/${raw}`, 'host p50 ms', 'host p99 ms', `${raw} p50 ms`, `${raw} p99 ms`, 'host ok/err/cut'];

/** Those columns' cells for one measurement `{ host, raw, ratio }` (a side may be `{ skipped }`). */
export function comparisonCells({ host, raw, ratio: r }) {
  const h = host.skipped ? {} : host;
  const w = raw.skipped ? {} : raw;
  return [
    h.opsPerSec ?? '-',
    w.opsPerSec ?? '-',
    r === null ? '-' : r.toFixed(3),
    h.p50Ms ?? '-',
    h.p99Ms ?? '-',
    w.p50Ms ?? '-',
    w.p99Ms ?? '-',
    host.skipped ? 'skipped' : `${h.ok}/${h.errors}/${h.cutOff}`,
  ];
}

/** The rows of a creates-and-reads table: per level `create` and `read (filter)`, after the level's `leading` cells. */
export function createReadRows(levels, leading) {
  return levels.flatMap((level) =>
    [['create', level.create], ['read (filter)', level.read]].filter(([, m]) => m).map(([name, m]) => [...leading(level), name, ...comparisonCells(m)]),
  );
}

/** A plain-text table: the first `leftColumns` columns padded on the right, the others on the left. */
export function formatTable(header, rows, leftColumns) {
  const cells = [header, ...rows].map((row) => row.map(String));
  const widths = header.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  const line = (row) => row.map((c, i) => (i < leftColumns ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ');
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('-|-'), ...cells.slice(1).map(line)].join('\n');
}
