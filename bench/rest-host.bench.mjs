#!/usr/bin/env node
// REST host benchmark: SCIM creates through the all-in-one host with the `rest` connector, against
// direct POSTs to the same json-server, at several client counts, in one run. Reports host/direct
// ratios; never asserts timings. See bench/README.md.
//
//   npm run build && node bench/rest-host.bench.mjs [--creates 1000] [--levels 1,8,32] [--max-seconds 60] [--help]
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { cleanupAll, createTempDir, delay, findFreePort, installExitHooks, launch, onCleanup } from './support/processes.mjs';
import { httpClient, httpError, OpError, percentile, round, runLoad } from './support/load.mjs';
import { startJsonServer } from './support/json-server.mjs';
import { startRedis } from './support/servers.mjs';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS_DIR = join(REPO, 'bench', 'results');
const CLI = join(REPO, 'dist', 'apps', 'cli', 'main.js');
const CONNECTOR = 'bench';
const TOKEN = `bench-${randomUUID()}`;
const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

// ---------------------------------------------------------------------------------------------
// options

const DEFAULTS = {
  creates: 1000,
  rawCreates: 1000,
  levels: '1,8,32',
  partitions: 32,
  maxSeconds: 60,
  warmupCreates: 50,
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
        'usage: node bench/rest-host.bench.mjs [--creates N] [--raw-creates N] [--levels 1,8,32] [--partitions 32]\n' +
          '         [--max-seconds S] [--warmup-creates N] [--log-level info] [--host-start-seconds S] [--keep-logs yes]\n',
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
    if (typeof DEFAULTS[key] === 'number' && !(Number.isFinite(options[key]) && options[key] >= 0)) throw new Error(`--${match[1]} must be a non-negative number`);
  }
  options.levels = String(options.levels).split(',').map((v) => Number(v.trim()));
  if (!options.levels.length || options.levels.some((v) => !Number.isInteger(v) || v < 1)) throw new Error('--levels must be a list of positive integers');
  if (!Number.isInteger(options.partitions) || options.partitions < 1) throw new Error('--partitions must be a positive integer');
  if (!['debug', 'info', 'warn', 'error'].includes(options.logLevel)) throw new Error('--log-level must be debug, info, warn or error');
  return options;
}

// ---------------------------------------------------------------------------------------------
// users

function user(prefix, i) {
  const login = `${prefix}${String(i).padStart(6, '0')}`;
  return { login, first: `First${i}`, last: `Last${prefix}`, email: `${login}@contoso.example`, azureId: randomUUID() };
}

/** The POST body Entra sends for a new user with the example's mappings. */
function entraCreateBody(u) {
  return {
    schemas: [CORE_USER],
    externalId: u.azureId,
    userName: u.login,
    active: true,
    name: { formatted: `${u.first} ${u.last}`, familyName: u.last, givenName: u.first },
    emails: [{ primary: true, type: 'work', value: u.email }],
  };
}

/** What the rest connector POSTs for that user: the same document, sent straight to json-server. */
function applicationBody(u) {
  return { userName: u.login, firstName: u.first, lastName: u.last, email: u.email, externalId: u.azureId, active: true };
}

// ---------------------------------------------------------------------------------------------
// the host

function hostConfigYaml({ port, redisUrl, prefix, baseUrl, partitions, logLevel }) {
  return `# written by bench/rest-host.bench.mjs (the connector of examples/rest-json-server.yaml)
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
    type: rest
    secretToken: \${BENCH_SECRET_TOKEN}
    autosyncMinutes: 0
    exportPartitions: ${partitions}
    connection:
      baseUrl: ${baseUrl}
      timeoutMs: 10000
      maxConnections: 64
    objectTypes:
      User:
        anchor: id
        queryAttributes: [userName]
        scim:
          userName: userName
          name.givenName: firstName
          name.familyName: lastName
          'emails[type eq "work"].value': email
          externalId: externalId
          active: active
        deprovisioning:
          disable: { setAttribute: active }
          delete: delete
        target:
          attributes:
            id: { path: /id, type: integer, readOnly: true }
            userName: /userName
            firstName: /firstName
            lastName: /lastName
            email: /email
            externalId: /externalId
            active: { path: /active, type: boolean }
          operations:
            list: { url: /users, paging: { type: page, pageParam: _page, sizeParam: _limit } }
            get: { url: "/users/{id}" }
            create: { url: /users }
            update: { url: "/users/{id}" }
            delete: { url: "/users/{id}" }
            find: { url: "/users?userName={userName}" }
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

/** `X-Total-Count` of a json-server collection: how many objects the application holds. */
function countOf(baseUrl, collection) {
  return new Promise((resolve, reject) => {
    const req = http.get(`${baseUrl}/${collection}?_limit=1`, { timeout: 10000, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(Number(res.headers['x-total-count'])));
    });
    req.on('timeout', () => req.destroy(new Error('no answer')));
    req.on('error', reject);
  });
}

async function startHost({ redis, baseUrl, partitions, logLevel, prefix, startTimeoutMs }) {
  const temp = createTempDir('connector-host-bench-host-');
  const port = await findFreePort();
  const configPath = join(temp.path, 'host.yaml');
  writeFileSync(configPath, hostConfigYaml({ port, redisUrl: redis.url, prefix, baseUrl, partitions, logLevel }));
  const env = { ...process.env, BENCH_SECRET_TOKEN: TOKEN };
  delete env.HOST_PORT;
  delete env.REDIS_URL;
  const hostUrl = `http://127.0.0.1:${port}`;
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
      probe: async () => (await getStatus(`${hostUrl}/ecma2host_${CONNECTOR}/scim/Users`, { authorization: `Bearer ${TOKEN}` })) === 200,
      startTimeoutMs,
      stopSignal: 'SIGTERM',
    });
  } catch (error) {
    keepLog(logFile, 'host-start-failure');
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
    hostUrl,
    logFile,
    startMs,
    isRunning: server.isRunning,
    stop: () => server.stop(35000),
    remove: () => {
      unregister();
      temp.remove();
    },
  };
}

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
      // not JSON
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

function hostOps(hostUrl, concurrency) {
  const client = httpClient(hostUrl, { sockets: concurrency, headers: { authorization: `Bearer ${TOKEN}`, accept: 'application/scim+json' }, timeoutMs: 60000 });
  const path = `/ecma2host_${CONNECTOR}/scim/Users`;
  return {
    create: async (u, signal) => {
      const response = await client.request('POST', path, entraCreateBody(u), signal);
      if (response.status !== 201) throw httpError(response);
    },
    close: () => client.close(),
  };
}

function directOps(appUrl, concurrency) {
  const client = httpClient(appUrl, { sockets: concurrency, headers: { accept: 'application/json' }, timeoutMs: 60000 });
  return {
    create: async (u, signal) => {
      const response = await client.request('POST', '/rawusers', applicationBody(u), signal);
      if (response.status !== 201) throw httpError(response);
    },
    close: () => client.close(),
  };
}

/** Creates users `from`..`from+count-1`; latencies of successes go into `latencies`. */
async function createPhase(ops, prefix, from, count, concurrency, maxMs, latencies) {
  const stats = await runLoad({
    concurrency,
    count,
    maxMs,
    op: async (i, signal) => {
      const t0 = performance.now();
      await ops.create(user(prefix, from + i), signal);
      latencies.push(performance.now() - t0);
    },
  });
  return stats;
}

/** Two halves merged: one rate, one set of latencies. */
function merge(halves, latencies) {
  const ok = halves.reduce((a, h) => a + h.ok, 0);
  const wallMs = halves.reduce((a, h) => a + h.wallMs, 0);
  const errorsByKind = {};
  for (const h of halves) for (const [k, v] of Object.entries(h.errorsByKind)) errorsByKind[k] = (errorsByKind[k] ?? 0) + v;
  latencies.sort((a, b) => a - b);
  return {
    requested: halves.reduce((a, h) => a + h.requested, 0),
    ok,
    errors: halves.reduce((a, h) => a + h.errors, 0),
    cutOff: halves.reduce((a, h) => a + h.cutOff, 0),
    wallMs: round(wallMs),
    opsPerSec: round(ok / (wallMs / 1000)),
    p50Ms: round(percentile(latencies, 0.5)),
    p99Ms: round(percentile(latencies, 0.99)),
    errorsByKind,
    errorSamples: halves.flatMap((h) => h.errorSamples).slice(0, 5),
  };
}

async function runLevel({ redis, concurrency, options, log }) {
  const tag = `c${concurrency}`;
  const maxMs = options.maxSeconds * 1000;
  // a fresh application per level: json-server rewrites its whole db file on every write, so both
  // sides must start from the same (empty) state
  const app = await startJsonServer({ db: { users: [], rawusers: [] } });
  await redis.flushAll();
  log(`[${tag}] json-server pid ${app.pid} on :${app.port}; starting the host`);
  const host = await startHost({ redis, baseUrl: app.url, partitions: options.partitions, logLevel: options.logLevel, prefix: `b${tag}`, startTimeoutMs: options.hostStartSeconds * 1000 });
  log(`[${tag}] host pid ${host.pid} ready in ${Math.round(host.startMs)} ms`);
  const level = { concurrency, exportPartitions: options.partitions, hostStartMs: round(host.startMs) };
  const viaHost = hostOps(host.hostUrl, concurrency);
  const direct = directOps(app.url, concurrency);
  try {
    const warm = [];
    const warmHost = await createPhase(viaHost, `w${concurrency}h`, 0, options.warmupCreates, concurrency, maxMs, warm);
    await createPhase(direct, `w${concurrency}d`, 0, options.warmupCreates, concurrency, maxMs, []);
    level.warmup = { hostOk: warmHost.ok, hostErrors: warmHost.errorsByKind };

    // measured in halves, direct and host alternating, so that the growing db file and machine
    // noise weigh on both sides alike
    const hostLat = [];
    const directLat = [];
    const halfDirect = Math.ceil(options.rawCreates / 2);
    const halfHost = Math.ceil(options.creates / 2);
    const d1 = await createPhase(direct, `u${concurrency}d`, 0, halfDirect, concurrency, maxMs / 2, directLat);
    await delay(300);
    const h1 = await createPhase(viaHost, `u${concurrency}h`, 0, halfHost, concurrency, maxMs / 2, hostLat);
    await delay(300);
    const d2 = await createPhase(direct, `u${concurrency}d`, halfDirect, options.rawCreates - halfDirect, concurrency, maxMs / 2, directLat);
    await delay(300);
    const h2 = await createPhase(viaHost, `u${concurrency}h`, halfHost, options.creates - halfHost, concurrency, maxMs / 2, hostLat);
    level.host = merge([h1, h2], hostLat);
    level.direct = merge([d1, d2], directLat);
    level.ratio = level.host.opsPerSec && level.direct.opsPerSec ? round(level.host.opsPerSec / level.direct.opsPerSec, 4) : null;
    log(`[${tag}] host ${level.host.ok} ok ${level.host.opsPerSec}/s, direct ${level.direct.ok} ok ${level.direct.opsPerSec}/s, ratio ${level.ratio}`);

    // invariant 1 as a side check: every acknowledged create is a user in the application
    const acknowledged = warmHost.ok + level.host.ok;
    const users = await countOf(app.url, 'users');
    level.target = { acknowledgedCreates: acknowledged, usersInApplication: users, missing: Math.max(0, acknowledged - users), extra: Math.max(0, users - acknowledged) };
    if (users !== acknowledged) log(`[${tag}] NOTE: ${acknowledged} creates acknowledged, ${users} users in json-server`);
  } finally {
    level.hostAliveAtEnd = host.isRunning();
    await viaHost.close();
    await direct.close();
    await host.stop();
    const levels = logLevels(host.logFile);
    level.hostLog = levels.counts;
    if (!level.hostAliveAtEnd || levels.counts.error > 0 || levels.counts.warn > 0 || (level.host?.errors ?? 1) > 0 || options.keepLogs === 'yes') {
      level.hostLogProblems = levels.firstProblems;
      level.hostLogCopy = keepLog(host.logFile, `rest-host-${tag}`);
    }
    host.remove();
    await app.stop();
  }
  return level;
}

function table(levels) {
  const header = ['clients', 'host creates/s', 'direct creates/s', 'host/direct', 'host p50 ms', 'host p99 ms', 'direct p50 ms', 'direct p99 ms', 'host ok/err/cut', 'in app'];
  const rows = levels.map((l) => [
    l.concurrency,
    l.host.opsPerSec ?? '-',
    l.direct.opsPerSec ?? '-',
    l.ratio === null ? '-' : l.ratio.toFixed(3),
    l.host.p50Ms ?? '-',
    l.host.p99Ms ?? '-',
    l.direct.p50Ms ?? '-',
    l.direct.p99Ms ?? '-',
    `${l.host.ok}/${l.host.errors}/${l.host.cutOff}`,
    l.target ? `${l.target.usersInApplication}/${l.target.acknowledgedCreates}` : '-',
  ]);
  const cells = [header, ...rows].map((row) => row.map(String));
  const widths = header.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  const line = (row) => row.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ');
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

async function main() {
  const options = parseArgs(process.argv.slice(2));
  installExitHooks();
  const startedAt = new Date();
  runStamp = startedAt.toISOString().replace(/[:.]/g, '-');
  const log = (message) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`);
  if (!existsSync(CLI)) throw new Error(`${relative(REPO, CLI)} does not exist: run \`npm run build\` first`);
  const result = {
    benchmark: 'rest-host',
    startedAt: startedAt.toISOString(),
    command: `node ${relative(process.cwd(), fileURLToPath(import.meta.url))} ${process.argv.slice(2).join(' ')}`.trim(),
    options,
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      memoryGiB: round(os.totalmem() / 2 ** 30, 1),
      loadAverageAtStart: os.loadavg().map((v) => round(v)),
      node: process.version,
    },
    git: gitInfo(),
    notes: [
      'ratio = host creates/s divided by direct POST creates/s to the same json-server at the same client count, measured in alternating halves',
      'json-server is single-threaded and rewrites its whole db.json after writes: it is the bottleneck on both sides',
      'the host does per create: HTTP, SCIM validation, a uniqueness check, a durable BullMQ job, the POST to json-server, the connector-space commit, the reply',
    ],
    levels: [],
  };
  let exitCode = 0;
  try {
    log('starting redis-server on loopback');
    const redis = await startRedis();
    for (const concurrency of options.levels) {
      try {
        result.levels.push(await runLevel({ redis, concurrency, options, log }));
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        log(`[c${concurrency}] FAILED: ${message}`);
        result.levels.push({ concurrency, failure: message.slice(0, 4000) });
        exitCode = 1;
        if (/was not ready within|exited before it was ready/.test(message)) throw error;
      }
    }
  } catch (error) {
    result.failure = error instanceof Error ? error.message : String(error);
    exitCode = 1;
  } finally {
    log('stopping servers');
    await cleanupAll();
  }
  const misbehaved = result.levels.some((l) => l.hostAliveAtEnd === false || l.host?.errors > 0 || l.target?.missing > 0);
  if (exitCode === 0 && misbehaved) exitCode = 3;
  result.exitCode = exitCode;
  result.finishedAt = new Date().toISOString();
  result.machine.loadAverageAtEnd = os.loadavg().map((v) => round(v));
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `${runStamp}-rest-host.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);

  const measured = result.levels.filter((l) => l.host);
  process.stdout.write(
    `\nREST host vs direct POSTs to json-server: per level ${options.creates} creates through the host and ${options.rawCreates} direct, ` +
      `exportPartitions ${options.partitions}, max ${options.maxSeconds} s; ${result.machine.cpus} CPUs, load average ${result.machine.loadAverageAtStart.join(' ')} at start\n\n`,
  );
  if (measured.length) process.stdout.write(`${table(measured)}\n`);
  for (const l of result.levels) {
    if (l.failure) process.stdout.write(`\nc${l.concurrency} failed: ${l.failure.split('\n')[0]}\n`);
    if (l.host?.errors) process.stdout.write(`\nc${l.concurrency} host errors: ${JSON.stringify(l.host.errorsByKind)}\n`);
    if (l.target?.missing) process.stdout.write(`\nc${l.concurrency}: ${l.target.missing} acknowledged creates missing from json-server\n`);
    if (l.hostLogCopy) process.stdout.write(`c${l.concurrency}: host log kept in ${l.hostLogCopy} (${JSON.stringify(l.hostLog)})\n`);
  }
  if (result.failure) process.stdout.write(`\nbenchmark failed: ${result.failure}\n`);
  process.stdout.write(`\nhost/direct: 1.0 = as fast as posting to json-server directly. Results: ${relative(REPO, file)}\n`);
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

export { OpError };
