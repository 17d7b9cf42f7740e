#!/usr/bin/env node
// SQL host benchmark: SCIM creates and filter reads through the all-in-one host, against raw
// INSERTs and SELECTs on the same PostgreSQL server, at several client counts, in one run.
// Reports host/raw ratios; never asserts timings. See bench/README.md.
//
//   npm run build && node bench/sql-host.bench.mjs [--creates 2000] [--reads 5000] [--levels 1,8,32]
//                                                  [--partitions 32,8] [--max-seconds 60] [--help]
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { cleanupAll, createTempDir, delay, findFreePort, installExitHooks, launch, onCleanup } from './support/processes.mjs';
import { httpClient, httpError, OpError, round, runLoad } from './support/load.mjs';
import { startPostgres, startRedis } from './support/servers.mjs';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS_DIR = join(REPO, 'bench', 'results');
const CLI = join(REPO, 'dist', 'apps', 'cli', 'main.js');
const CONNECTOR = 'bench';
const TOKEN = `bench-${randomUUID()}`;
const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ECMA_USER = 'urn:ietf:params:scim:schemas:extension:ECMA2Host:2.0:User';
const COLUMNS = ['ContosoLogin', 'FirstName', 'LastName', 'Email', 'AzureID', 'textID', 'Enabled'];

// ---------------------------------------------------------------------------------------------
// options

const DEFAULTS = {
  creates: 2000,
  reads: 5000,
  rawCreates: 10000,
  rawReads: 25000,
  levels: '1,8,32',
  partitions: '32,8',
  maxSeconds: 60,
  warmupCreates: 100,
  warmupReads: 300,
  logLevel: 'info',
  hostStartSeconds: 120,
  keepLogs: 'no',
};

function parseArgs(argv) {
  const options = { ...DEFAULTS };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      process.stdout.write(
        'usage: node bench/sql-host.bench.mjs [--creates N] [--reads N] [--raw-creates N] [--raw-reads N]\n' +
          '         [--levels 1,8,32] [--partitions 32,8]\n' +
          '         [--max-seconds S] [--warmup-creates N] [--warmup-reads N] [--log-level info] [--host-start-seconds S]\n' +
          '         [--keep-logs yes]   (copy every host log to bench/results/, not only those with errors or warnings)\n',
      );
      process.exit(0);
    }
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match) throw new Error(`unexpected argument ${arg} (try --help)`);
    const key = match[1].replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    if (!(key in DEFAULTS)) throw new Error(`unknown option --${match[1]} (try --help)`);
    const value = match[2] ?? argv[++i];
    if (value === undefined) throw new Error(`--${match[1]} needs a value`);
    options[key] = typeof DEFAULTS[key] === 'number' ? Number(value) : value;
    if (typeof DEFAULTS[key] === 'number' && !(Number.isFinite(options[key]) && options[key] >= 0)) {
      throw new Error(`--${match[1]} must be a non-negative number`);
    }
  }
  const list = (text, name) => {
    const values = String(text).split(',').map((v) => Number(v.trim()));
    if (!values.length || values.some((v) => !Number.isInteger(v) || v < 1)) throw new Error(`--${name} must be a list of positive integers`);
    return values;
  };
  options.levels = list(options.levels, 'levels');
  options.partitions = list(options.partitions, 'partitions');
  if (!['debug', 'info', 'warn', 'error'].includes(options.logLevel)) throw new Error('--log-level must be debug, info, warn or error');
  return options;
}

// ---------------------------------------------------------------------------------------------
// target tables

const CREATE_TABLE = `CREATE TABLE "Employees" (
  "ContosoLogin" varchar(128) PRIMARY KEY,
  "FirstName"    varchar(64),
  "LastName"     varchar(64),
  "Email"        varchar(128),
  "AzureID"      varchar(64),
  "textID"       varchar(128),
  "Enabled"      boolean NOT NULL DEFAULT true
)`;
const quotedColumns = COLUMNS.map((c) => `"${c}"`).join(', ');
const INSERT = `INSERT INTO "Employees" (${quotedColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7)`;
const SELECT = `SELECT ${quotedColumns} FROM "Employees" WHERE "ContosoLogin" = $1`;

/** A fresh database holding an empty Employees table (Microsoft's SQL connector tutorial shape). */
async function createEmployeesDatabase(server, name) {
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}"`);
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = server.urlFor(name);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(CREATE_TABLE);
  } finally {
    await client.end();
  }
  return url;
}

async function countRows(url) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT count(*)::int AS n FROM "Employees"');
    return rows[0].n;
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------------------------------
// users

/** Attributes of user number i of a series; the same values go through SCIM and through INSERT. */
function user(prefix, i) {
  const login = `${prefix}${String(i).padStart(6, '0')}`;
  return {
    login,
    first: `First${i}`,
    last: `Last${prefix}`,
    email: `${login}@contoso.example`,
    azureId: randomUUID(),
    textId: `${login}-nick`,
  };
}

/** The POST body Entra sends for a new user, with the SQL tutorial's mappings. */
function entraCreateBody(u) {
  return {
    schemas: [CORE_USER, ECMA_USER],
    externalId: u.azureId,
    userName: u.login,
    active: true,
    name: { formatted: `${u.first} ${u.last}`, familyName: u.last, givenName: u.first },
    emails: [{ primary: true, type: 'work', value: u.email }],
    [ECMA_USER]: { AzureID: u.azureId, textID: u.textId },
  };
}

// ---------------------------------------------------------------------------------------------
// the host

function hostConfigYaml({ port, redisUrl, prefix, pgUrl, partitions, logLevel }) {
  return `# written by bench/sql-host.bench.mjs
server:
  host: 127.0.0.1
  port: ${port}
redis:
  url: ${redisUrl}
  prefix: ${prefix}
logging:
  level: ${logLevel}
connectors:
  ${CONNECTOR}:
    type: sql
    secretToken: \${BENCH_SECRET_TOKEN}
    autosyncMinutes: 0
    exportPartitions: ${partitions}
    connection: { dialect: postgres, url: "${pgUrl}" }
    objectTypes:
      User:
        target: { table: Employees }
        anchor: ContosoLogin
        queryAttributes: [ContosoLogin]
        attributes: [${COLUMNS.join(', ')}]
        scim:
          userName: ContosoLogin
          name.givenName: FirstName
          name.familyName: LastName
          'emails[type eq "work"].value': Email
          externalId: AzureID
          active: Enabled
        deprovisioning:
          disable: { setAttribute: Enabled }
          delete: delete
`;
}

function getStatus(url, headers, timeoutMs = 2000) {
  return new Promise((resolve) => {
    const req = http.get(url, { headers, timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

/** Starts `node dist/apps/cli/main.js start --config <yaml>` and waits until GET /Users answers 200. */
async function startHost({ redis, pgUrl, partitions, logLevel, prefix, startTimeoutMs }) {
  const temp = createTempDir('connector-host-bench-host-');
  const port = await findFreePort();
  const configPath = join(temp.path, 'host.yaml');
  writeFileSync(configPath, hostConfigYaml({ port, redisUrl: redis.url, prefix, pgUrl, partitions, logLevel }));
  const env = { ...process.env, BENCH_SECRET_TOKEN: TOKEN };
  delete env.HOST_PORT; // would replace server.port
  delete env.REDIS_URL;
  const baseUrl = `http://127.0.0.1:${port}`;
  const scimUrl = `${baseUrl}/ecma2host_${CONNECTOR}/scim`;
  const logFile = join(temp.path, 'host.log');
  const t0 = performance.now();
  let server;
  try {
    server = await launch({
      command: process.execPath,
      args: [CLI, 'start', '--config', configPath, '--data-dir', join(temp.path, 'data')],
      cwd: REPO,
      env,
      logFile,
      probe: async () => (await getStatus(`${scimUrl}/Users`, { authorization: `Bearer ${TOKEN}` })) === 200,
      startTimeoutMs,
      stopSignal: 'SIGTERM', // graceful: readiness fails, workers finish, connections close
    });
  } catch (error) {
    keepLog(logFile, `host-start-failure-p${partitions}`);
    temp.remove();
    throw error;
  }
  const startMs = performance.now() - t0;
  const unregister = onCleanup(async () => {
    await server.stop(35000);
    temp.remove();
  });
  return {
    pid: server.pid,
    baseUrl,
    scimUrl,
    logFile,
    startMs,
    isRunning: server.isRunning,
    /** SIGTERM to the host's pid (SIGKILL after 35 s); its log stays until remove(). */
    stop: () => server.stop(35000),
    remove: () => {
      unregister();
      temp.remove();
    },
  };
}

/** Counts the host's log lines by level (it logs one JSON object per line). */
function logLevels(logFile) {
  const counts = { debug: 0, info: 0, warn: 0, error: 0, other: 0 };
  const firstProblems = [];
  if (!existsSync(logFile)) return { counts, firstProblems };
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    let level = 'other';
    try {
      level = JSON.parse(line).level ?? 'other';
    } catch {
      // not JSON (a stack trace, a Node warning)
    }
    counts[level in counts ? level : 'other']++;
    if ((level === 'warn' || level === 'error' || level === 'other') && firstProblems.length < 10) firstProblems.push(line.slice(0, 600));
  }
  return { counts, firstProblems };
}

let runStamp;
function keepLog(logFile, name) {
  if (!existsSync(logFile)) return undefined;
  mkdirSync(RESULTS_DIR, { recursive: true });
  const target = join(RESULTS_DIR, `${runStamp}-${name}.log`);
  copyFileSync(logFile, target);
  return relative(REPO, target);
}

// ---------------------------------------------------------------------------------------------
// operations

function hostOps(scimUrl, concurrency) {
  const client = httpClient(scimUrl, {
    sockets: concurrency,
    headers: { authorization: `Bearer ${TOKEN}`, accept: 'application/scim+json' },
    timeoutMs: 60000, // above the host's 50 s deadline: the host should answer first
  });
  const usersPath = `/ecma2host_${CONNECTOR}/scim/Users`;
  return {
    create: async (u, signal) => {
      const response = await client.request('POST', usersPath, entraCreateBody(u), signal);
      if (response.status !== 201) throw httpError(response);
    },
    read: async (login, signal) => {
      const filter = encodeURIComponent(`userName eq "${login}"`);
      const response = await client.request('GET', `${usersPath}?filter=${filter}`, undefined, signal);
      if (response.status !== 200) throw httpError(response);
      const body = JSON.parse(response.text);
      if (body.totalResults !== 1) throw new OpError(`wrong answer: totalResults ${body.totalResults} for an existing user`);
    },
    close: () => client.close(),
  };
}

function rawOps(url, concurrency) {
  const pool = new pg.Pool({ connectionString: url, max: concurrency, idleTimeoutMillis: 0 }); // keep connections across phases
  pool.on('error', () => undefined);
  return {
    create: async (u) => {
      await pool.query(INSERT, [u.login, u.first, u.last, u.email, u.azureId, u.textId, true]);
    },
    read: async (login) => {
      const { rowCount } = await pool.query(SELECT, [login]);
      if (rowCount !== 1) throw new OpError(`wrong answer: ${rowCount} rows for an existing user`);
    },
    close: () => pool.end(),
  };
}

/** Creates `count` users; returns the load stats and the logins that were acknowledged. */
async function createPhase(ops, prefix, count, concurrency, maxMs) {
  const users = Array.from({ length: count }, (_, i) => user(prefix, i));
  const created = [];
  const stats = await runLoad({
    concurrency,
    count,
    maxMs,
    op: async (i, signal) => {
      await ops.create(users[i], signal);
      created.push(users[i].login);
    },
  });
  return { stats, created };
}

async function readPhase(ops, logins, count, concurrency, maxMs) {
  if (logins.length === 0) return { skipped: 'no user was created, nothing to read' };
  // a fixed stride through the created users: every read hits a different row in turn
  return runLoad({ concurrency, count, maxMs, op: (i, signal) => ops.read(logins[(i * 7919) % logins.length], signal) });
}

const ratio = (host, raw) => (host?.opsPerSec && raw?.opsPerSec ? round(host.opsPerSec / raw.opsPerSec, 4) : null);

// ---------------------------------------------------------------------------------------------
// one cell: one partition setting, one client count

async function runCell({ pgServer, redis, partitions, concurrency, options, log }) {
  const tag = `p${partitions}-c${concurrency}`;
  const maxMs = options.maxSeconds * 1000;
  const hostUrl = await createEmployeesDatabase(pgServer, `host_p${partitions}_c${concurrency}`);
  const rawUrl = await createEmployeesDatabase(pgServer, `raw_p${partitions}_c${concurrency}`);
  await redis.flushAll();

  log(`[${tag}] starting the host (exportPartitions ${partitions})`);
  const host = await startHost({
    redis,
    pgUrl: hostUrl,
    partitions,
    logLevel: options.logLevel,
    prefix: `b${tag.replace('-', '')}`,
    startTimeoutMs: options.hostStartSeconds * 1000,
  });
  log(`[${tag}] host pid ${host.pid} ready in ${Math.round(host.startMs)} ms at ${host.scimUrl}`);
  const cell = { exportPartitions: partitions, concurrency, hostStartMs: round(host.startMs) };
  const viaHost = hostOps(host.baseUrl, concurrency);
  const viaRaw = rawOps(rawUrl, concurrency);
  try {
    // warm-up: JIT, keep-alive sockets, pools, prepared plans; not measured
    const warmHost = await createPhase(viaHost, `w${partitions}h${concurrency}u`, options.warmupCreates, concurrency, maxMs);
    const warmRaw = await createPhase(viaRaw, `w${partitions}r${concurrency}u`, options.warmupCreates, concurrency, maxMs);
    const warmReadsHost = await readPhase(viaHost, warmHost.created, options.warmupReads, concurrency, maxMs);
    await readPhase(viaRaw, warmRaw.created, options.warmupReads, concurrency, maxMs);
    cell.warmup = {
      hostCreates: { ok: warmHost.stats.ok, errors: warmHost.stats.errorsByKind },
      hostReads: { ok: warmReadsHost.ok, errors: warmReadsHost.errorsByKind },
    };
    log(`[${tag}] warm-up done (host: ${warmHost.stats.ok}/${options.warmupCreates} creates ok)`);

    // measured, raw and host alternating so that machine noise hits both
    const rawCreate = await createPhase(viaRaw, `u${partitions}r${concurrency}x`, options.rawCreates, concurrency, maxMs);
    log(`[${tag}] raw  creates: ${fmtStats(rawCreate.stats)}`);
    await delay(500);
    const hostCreate = await createPhase(viaHost, `u${partitions}h${concurrency}x`, options.creates, concurrency, maxMs);
    log(`[${tag}] host creates: ${fmtStats(hostCreate.stats)}`);
    await delay(500);
    const rawRead = await readPhase(viaRaw, rawCreate.created, options.rawReads, concurrency, maxMs);
    log(`[${tag}] raw  reads:   ${fmtStats(rawRead)}`);
    await delay(500);
    const hostRead = await readPhase(viaHost, hostCreate.created, options.reads, concurrency, maxMs);
    log(`[${tag}] host reads:   ${fmtStats(hostRead)}`);

    cell.create = { host: hostCreate.stats, raw: rawCreate.stats, ratio: ratio(hostCreate.stats, rawCreate.stats) };
    cell.read = { host: hostRead, raw: rawRead, ratio: ratio(hostRead, rawRead) };

    // invariant 1, as a side check: every acknowledged create is a row in the target
    const acknowledged = warmHost.created.length + hostCreate.created.length;
    const rows = await countRows(hostUrl);
    cell.target = { acknowledgedCreates: acknowledged, rowsInTable: rows, missingRows: Math.max(0, acknowledged - rows) };
    if (rows < acknowledged) log(`[${tag}] WARNING: ${acknowledged} creates acknowledged but only ${rows} rows in the table`);
  } finally {
    cell.hostAliveAtEnd = host.isRunning();
    await viaHost.close();
    await viaRaw.close();
    await host.stop();
    const levels = logLevels(host.logFile);
    cell.hostLog = levels.counts;
    const failed =
      !cell.hostAliveAtEnd ||
      (cell.create?.host.errors ?? 1) > 0 ||
      (cell.read?.host.errors ?? 0) > 0 ||
      (cell.target?.missingRows ?? 0) > 0 ||
      levels.counts.error > 0;
    if (failed || levels.counts.warn > 0 || options.keepLogs === 'yes') {
      cell.hostLogProblems = levels.firstProblems;
      cell.hostLogCopy = keepLog(host.logFile, `host-${tag}`);
    }
    host.remove();
  }
  return cell;
}

function fmtStats(s) {
  if (!s || s.skipped) return s?.skipped ?? 'skipped';
  const errors = s.errors ? `, ${s.errors} errors` : '';
  const cut = s.cutOff ? `, ${s.cutOff} cut off at the time limit` : '';
  return `${s.ok}/${s.requested} ok in ${(s.wallMs / 1000).toFixed(1)} s = ${s.opsPerSec} ops/s, p50 ${s.p50Ms} ms, p99 ${s.p99Ms} ms${errors}${cut}`;
}

// ---------------------------------------------------------------------------------------------
// report

function table(runs) {
  const header = ['partitions', 'clients', 'operation', 'host ops/s', 'raw ops/s', 'host/raw', 'host p50 ms', 'host p99 ms', 'raw p50 ms', 'raw p99 ms', 'host ok/err/cut'];
  const rows = [];
  for (const run of runs) {
    for (const [name, m] of [['create', run.create], ['read (filter)', run.read]]) {
      if (!m) continue;
      const h = m.host.skipped ? {} : m.host;
      const r = m.raw.skipped ? {} : m.raw;
      rows.push([
        run.exportPartitions,
        run.concurrency,
        name,
        h.opsPerSec ?? '-',
        r.opsPerSec ?? '-',
        m.ratio === null ? '-' : m.ratio.toFixed(3),
        h.p50Ms ?? '-',
        h.p99Ms ?? '-',
        r.p50Ms ?? '-',
        r.p99Ms ?? '-',
        m.host.skipped ? 'skipped' : `${h.ok}/${h.errors}/${h.cutOff}`,
      ]);
    }
  }
  const cells = [header, ...rows].map((row) => row.map(String));
  const widths = header.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  const line = (row) => row.map((c, i) => (i <= 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ');
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('-|-'), ...cells.slice(1).map(line)].join('\n');
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

async function serverVersions(pgServer) {
  const client = new pg.Client({ connectionString: pgServer.url });
  await client.connect();
  try {
    const { rows } = await client.query('SHOW server_version');
    let redis;
    try {
      redis = execFileSync('redis-server', ['--version'], { encoding: 'utf8' }).trim();
    } catch {
      redis = 'unknown';
    }
    return { postgres: rows[0].server_version, redis };
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------------------------------
// main

async function main() {
  const options = parseArgs(process.argv.slice(2));
  installExitHooks();
  const startedAt = new Date();
  runStamp = startedAt.toISOString().replace(/[:.]/g, '-');
  const log = (message) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`);
  if (!existsSync(CLI)) {
    throw new Error(`${relative(REPO, CLI)} does not exist: run \`npm run build\` first`);
  }
  const result = {
    benchmark: 'sql-host',
    startedAt: startedAt.toISOString(),
    command: `node ${relative(process.cwd(), fileURLToPath(import.meta.url))} ${process.argv.slice(2).join(' ')}`.trim(),
    options,
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      memoryGiB: round(os.totalmem() / 2 ** 30, 1),
      loadAverageAtStart: os.loadavg().map((v) => round(v)),
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
    },
    git: gitInfo(),
    notes: [
      'ratio = host ops/s divided by raw ops/s at the same client count, measured minutes apart on the same servers',
      'raw uses one pg connection per client; the host uses its own pool (sql connector default max 10)',
      'latencies are of successful operations only; the load generator runs in the benchmark process on the same machine',
    ],
    runs: [],
  };
  let exitCode = 0;
  try {
    log('starting PostgreSQL and redis-server on loopback');
    const [pgServer, redis] = await Promise.all([startPostgres(), startRedis()]);
    result.servers = { ...(await serverVersions(pgServer)), postgresSettings: pgServer.settings };
    log(`PostgreSQL pid ${pgServer.pid} on :${pgServer.port}, redis-server pid ${redis.pid} on :${redis.port}`);
    for (const partitions of options.partitions) {
      for (const concurrency of options.levels) {
        try {
          result.runs.push(await runCell({ pgServer, redis, partitions, concurrency, options, log }));
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          log(`[p${partitions}-c${concurrency}] FAILED: ${message}`);
          result.runs.push({ exportPartitions: partitions, concurrency, failure: message.slice(0, 4000) });
          exitCode = 1;
          if (/was not ready within|exited before it was ready/.test(message)) throw error; // the host does not start: stop here
        }
      }
    }
  } catch (error) {
    result.failure = error instanceof Error ? error.message : String(error);
    exitCode = 1;
  } finally {
    log('stopping servers');
    await cleanupAll();
  }
  // 1: the benchmark itself failed; 3: it ran, but the host answered errors, died or lost a write
  const hostMisbehaved = result.runs.some(
    (r) => r.hostAliveAtEnd === false || r.create?.host.errors > 0 || r.read?.host.errors > 0 || r.target?.missingRows > 0,
  );
  if (exitCode === 0 && hostMisbehaved) exitCode = 3;
  result.exitCode = exitCode;
  result.finishedAt = new Date().toISOString();
  result.machine.loadAverageAtEnd = os.loadavg().map((v) => round(v));

  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `${runStamp}-sql-host.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);

  const measured = result.runs.filter((r) => r.create || r.read);
  process.stdout.write(
    `\nSQL host vs raw PostgreSQL: per level ${options.creates} creates and ${options.reads} reads through the host, ` +
      `${options.rawCreates} and ${options.rawReads} raw, max ${options.maxSeconds} s each; ` +
      `${result.machine.cpus} CPUs, load average ${result.machine.loadAverageAtStart.join(' ')} at start\n\n`,
  );
  if (measured.length) process.stdout.write(`${table(measured)}\n`);
  for (const run of result.runs) {
    if (run.failure) process.stdout.write(`\np${run.exportPartitions} c${run.concurrency} failed: ${run.failure.split('\n')[0]}\n`);
    for (const [name, m] of [['create', run.create], ['read', run.read]]) {
      if (m?.host?.errors) process.stdout.write(`\np${run.exportPartitions} c${run.concurrency} host ${name} errors: ${JSON.stringify(m.host.errorsByKind)}\n`);
    }
    if (run.target?.missingRows) process.stdout.write(`\np${run.exportPartitions} c${run.concurrency}: ${run.target.missingRows} acknowledged creates missing from the table\n`);
    if (run.hostAliveAtEnd === false) process.stdout.write(`\np${run.exportPartitions} c${run.concurrency}: the host process was no longer running at the end of the level\n`);
    if (run.hostLogCopy) process.stdout.write(`p${run.exportPartitions} c${run.concurrency}: host log kept in ${run.hostLogCopy} (${JSON.stringify(run.hostLog)})\n`);
  }
  if (result.failure) process.stdout.write(`\nbenchmark failed: ${result.failure}\n`);
  process.stdout.write(`\nhost/raw: 1.0 = as fast as the raw driver; 0.10 = a tenth of it. Results: ${relative(REPO, file)}\n`);
  return exitCode;
}

main().then(
  (code) => process.exit(code),
  async (error) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    await cleanupAll();
    process.exit(1);
  },
);
