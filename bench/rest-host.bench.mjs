#!/usr/bin/env node
// REST host benchmark: SCIM creates through the all-in-one host with the `rest` connector, against
// direct POSTs to the same json-server, at several client counts, in one run. Reports host/direct
// ratios; never asserts timings. See bench/README.md.
//
//   npm run build && node bench/rest-host.bench.mjs [--creates 1000] [--levels 1,8,32] [--max-seconds 60] [--help]
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { CORE_USER, hostLogReport, scimUserOps, startHost } from './support/host.mjs';
import { httpClient, httpError, percentile, ratio, round, runLoad } from './support/load.mjs';
import { checkLogLevel, parseOptions, positiveIntegers } from './support/options.mjs';
import { delay } from './support/processes.mjs';
import { comparisonCells, comparisonHeader, formatTable, log, runBenchmark, runLevels, runMain } from './support/report.mjs';
import { startJsonServer, startRedis } from './support/servers.mjs';

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

const USAGE =
  'usage: node bench/rest-host.bench.mjs [--creates N] [--raw-creates N] [--levels 1,8,32] [--partitions 32]\n' +
  '         [--max-seconds S] [--warmup-creates N] [--log-level info] [--host-start-seconds S] [--keep-logs yes]\n';

function parseArgs(argv) {
  const options = parseOptions(argv, DEFAULTS, USAGE);
  options.levels = positiveIntegers(options.levels, 'levels');
  if (!Number.isInteger(options.partitions) || options.partitions < 1) throw new Error('--partitions must be a positive integer');
  checkLogLevel(options.logLevel);
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
// the host's connector (the one of examples/rest-json-server.yaml) and the direct side

const connectorYaml = (baseUrl) => `    connection:
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

async function runLevel({ redis, concurrency, options }) {
  const tag = `c${concurrency}`;
  const maxMs = options.maxSeconds * 1000;
  // a fresh application per level: json-server rewrites its whole db file on every write, so both
  // sides must start from the same (empty) state
  const app = await startJsonServer({ db: { users: [], rawusers: [] } });
  await redis.flushAll();
  log(`[${tag}] json-server pid ${app.pid} on :${app.port}; starting the host`);
  const host = await startHost({
    writtenBy: 'bench/rest-host.bench.mjs (the connector of examples/rest-json-server.yaml)',
    redis,
    prefix: `b${tag}`,
    logLevel: options.logLevel,
    type: 'rest',
    partitions: options.partitions,
    connectorYaml: connectorYaml(app.url),
    startTimeoutMs: options.hostStartSeconds * 1000,
    failureLog: 'host-start-failure',
  });
  log(`[${tag}] host pid ${host.pid} ready in ${Math.round(host.startMs)} ms`);
  const level = { concurrency, exportPartitions: options.partitions, hostStartMs: round(host.startMs) };
  const viaHost = scimUserOps(host, concurrency, { createBody: entraCreateBody, userName: (u) => u.login });
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
    level.ratio = ratio(level.host, level.direct);
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
    const hostFailed = !level.hostAliveAtEnd || (level.host?.errors ?? 1) > 0;
    Object.assign(level, hostLogReport(host, { keep: hostFailed || options.keepLogs === 'yes', name: `rest-host-${tag}` }));
    host.remove();
    await app.stop();
  }
  return level;
}

function table(levels) {
  const header = ['clients', ...comparisonHeader('direct', 'creates/s'), 'in app'];
  const rows = levels.map((l) => [
    l.concurrency,
    ...comparisonCells({ host: l.host, raw: l.direct, ratio: l.ratio }),
    l.target ? `${l.target.usersInApplication}/${l.target.acknowledgedCreates}` : '-',
  ]);
  return formatTable(header, rows, 1);
}

runMain(async () => {
  const options = parseArgs(process.argv.slice(2));
  const { result, exitCode, file } = await runBenchmark({
    benchmark: 'rest-host',
    options,
    notes: [
      'ratio = host creates/s divided by direct POST creates/s to the same json-server at the same client count, measured in alternating halves',
      'json-server is single-threaded and rewrites its whole db.json after writes: it is the bottleneck on both sides',
      'the host does per create: HTTP, SCIM validation, a uniqueness check, a durable BullMQ job, the POST to json-server, the connector-space commit, the reply',
    ],
    run: async (result) => {
      result.levels = [];
      log('starting redis-server on loopback');
      const redis = await startRedis();
      const levels = options.levels.map((concurrency) => ({ tag: `c${concurrency}`, meta: { concurrency } }));
      return runLevels(result.levels, levels, ({ meta }) => runLevel({ redis, concurrency: meta.concurrency, options }));
    },
    misbehaved: (result) => result.levels.some((l) => l.hostAliveAtEnd === false || l.host?.errors > 0 || l.target?.missing > 0),
  });

  const out = (text) => process.stdout.write(text);
  const measured = result.levels.filter((l) => l.host);
  out(
    `\nREST host vs direct POSTs to json-server: per level ${options.creates} creates through the host and ${options.rawCreates} direct, ` +
      `exportPartitions ${options.partitions}, max ${options.maxSeconds} s; ${result.machine.cpus} CPUs, load average ${result.machine.loadAverageAtStart.join(' ')} at start\n\n`,
  );
  if (measured.length) out(`${table(measured)}\n`);
  for (const l of result.levels) {
    if (l.failure) out(`\nc${l.concurrency} failed: ${l.failure.split('\n')[0]}\n`);
    if (l.host?.errors) out(`\nc${l.concurrency} host errors: ${JSON.stringify(l.host.errorsByKind)}\n`);
    if (l.target?.missing) out(`\nc${l.concurrency}: ${l.target.missing} acknowledged creates missing from json-server\n`);
    if (l.hostLogCopy) out(`c${l.concurrency}: host log kept in ${l.hostLogCopy} (${JSON.stringify(l.hostLog)})\n`);
  }
  if (result.failure) out(`\nbenchmark failed: ${result.failure}\n`);
  out(`\nhost/direct: 1.0 = as fast as posting to json-server directly. Results: ${file}\n`);
  return exitCode;
});
