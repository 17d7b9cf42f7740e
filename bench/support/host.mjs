// The all-in-one host as its own process, for one benchmark level: `node dist/apps/cli/main.js start
// --config <temp>/host.yaml` with one connector, ready once GET /Users with the token answers 200
// (or once `probe` says so); stopped by its pid (SIGTERM: readiness fails, workers finish,
// connections close), its log read and kept when it says something is wrong.
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CLI, libTesting, REPO } from './build.mjs';
import { httpClient, httpError, OpError } from './load.mjs';
import { createTempDir, onCleanup } from './processes.mjs';
import { keepLog } from './report.mjs';
import { markStartFailed } from './servers.mjs';

/** The connector's secret token (BENCH_SECRET_TOKEN in the config), one per run. */
export const TOKEN = `bench-${randomUUID()}`;
export const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ECMA_USER = 'urn:ietf:params:scim:schemas:extension:ECMA2Host:2.0:User';

const STOP_TIMEOUT_MS = 35000; // SIGKILL after that: above the host's own shutdown grace

/** The config file: the server, Redis and logging parts, then the connector; `connectorYaml` follows its `exportPartitions`. */
function hostConfigYaml({ writtenBy, port, redisUrl, prefix, logLevel, connector, type, partitions, connectorYaml }) {
  return `# written by ${writtenBy}
server:
  host: 127.0.0.1
  port: ${port}
redis:
  url: ${redisUrl}
  prefix: ${prefix}
logging:
  level: ${logLevel}
connectors:
  ${connector}:
    type: ${type}
    secretToken: \${BENCH_SECRET_TOKEN}
    autosyncMinutes: 0
    exportPartitions: ${partitions}
${connectorYaml}`;
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

/**
 * Starts the host and waits until it is ready. `env`: further variables for `${...}` in
 * `connectorYaml`; `failureLog`: the name its log is kept under when it does not start.
 */
export async function startHost({ writtenBy, redis, prefix, logLevel, connector = 'bench', type, partitions, connectorYaml, env: extraEnv = {}, probe, startTimeoutMs, failureLog }) {
  const { findFreePort, launch } = await libTesting();
  const temp = createTempDir('connector-host-bench-host-');
  const port = await findFreePort();
  const configPath = join(temp.path, 'host.yaml');
  writeFileSync(configPath, hostConfigYaml({ writtenBy, port, redisUrl: redis.url, prefix, logLevel, connector, type, partitions, connectorYaml }));
  const env = { ...process.env, BENCH_SECRET_TOKEN: TOKEN, ...extraEnv };
  delete env.HOST_PORT; // would replace server.port
  delete env.REDIS_URL;
  const baseUrl = `http://127.0.0.1:${port}`;
  const scimUrl = `${baseUrl}/ecma2host_${connector}/scim`;
  const usersPath = `/ecma2host_${connector}/scim/Users`;
  const logFile = join(temp.path, 'host.log');
  const t0 = performance.now();
  let server;
  try {
    server = await launch({
      command: process.execPath,
      // BENCH_HOST_NODE_ARGS: extra node flags for the host process, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile it
      args: [...(process.env.BENCH_HOST_NODE_ARGS ?? '').split(' ').filter(Boolean), CLI, 'start', '--config', configPath, '--data-dir', join(temp.path, 'data')],
      cwd: REPO,
      env,
      logFile,
      probe: probe ?? (async () => (await getStatus(`${scimUrl}/Users`, { authorization: `Bearer ${TOKEN}` })) === 200),
      startTimeoutMs,
      stopSignal: 'SIGTERM',
      cleanupDir: temp.path,
    });
  } catch (error) {
    keepLog(logFile, failureLog);
    temp.remove();
    throw markStartFailed(error);
  }
  const startMs = performance.now() - t0;
  const unregister = onCleanup(async () => {
    await server.stop(STOP_TIMEOUT_MS);
    temp.remove();
  });
  return {
    pid: server.pid,
    baseUrl,
    scimUrl,
    usersPath,
    configPath,
    env,
    logFile,
    startMs,
    isRunning: server.isRunning,
    /** SIGTERM to the host's pid (SIGKILL after 35 s); its log stays until remove(). */
    stop: () => server.stop(STOP_TIMEOUT_MS),
    remove: () => {
      unregister();
      temp.remove();
    },
  };
}

/**
 * SCIM users through the host, one keep-alive socket per client: `create(user)` POSTs
 * `createBody(user)` and expects 201; `read(user)` GETs `/Users?filter=userName eq "<userName(user)>"`
 * and expects exactly that one user.
 */
export function scimUserOps(host, concurrency, { createBody, userName }) {
  const client = httpClient(host.baseUrl, {
    sockets: concurrency,
    headers: { authorization: `Bearer ${TOKEN}`, accept: 'application/scim+json' },
    timeoutMs: 60000, // above the host's 50 s deadline: the host should answer first
  });
  return {
    create: async (u, signal) => {
      const response = await client.request('POST', host.usersPath, createBody(u), signal);
      if (response.status !== 201) throw httpError(response);
    },
    read: async (u, signal) => {
      const filter = encodeURIComponent(`userName eq "${userName(u)}"`);
      const response = await client.request('GET', `${host.usersPath}?filter=${filter}`, undefined, signal);
      if (response.status !== 200) throw httpError(response);
      const body = JSON.parse(response.text);
      if (body.totalResults !== 1) throw new OpError(`wrong answer: totalResults ${body.totalResults} for an existing user`);
    },
    close: () => client.close(),
  };
}

/** Counts the host's log lines by level (it logs one JSON object per line). */
export function logLevels(logFile) {
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

/**
 * The stopped host's log: `{ hostLog }` (line counts by level), plus its first problems and a copy
 * in bench/results/ (`<run stamp>-<name>.log`) when `keep` or when it holds a warning or an error.
 */
export function hostLogReport(host, { keep, name }) {
  const { counts, firstProblems } = logLevels(host.logFile);
  if (!keep && counts.error === 0 && counts.warn === 0) return { hostLog: counts };
  return { hostLog: counts, hostLogProblems: firstProblems, hostLogCopy: keepLog(host.logFile, name) };
}
