#!/usr/bin/env node
// Scale-out benchmark: SCIM creates through scim-api, cache, import-worker and 1, 2, 4 export-worker
// processes (each service its own process, meeting in one Redis, as in Kubernetes) against raw
// creates on the same target, for PostgreSQL and slapd; then Redis and process memory per 100,000
// cached objects after a full import. Reports rates, p50/p99 and host/raw ratios; asserts nothing.
//
//   npm run build && node bench/scale-out.bench.mjs [--workers 1,2,4] [--creates 3000] [--concurrency 32]
//                                                    [--targets postgres,ldap] [--memory-objects 100000] [--help]
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import pg from 'pg';
import { Client as LdapClient } from 'ldapts';
import { Redis } from 'ioredis';
import { CLI, libTesting, REPO } from './support/build.mjs';
import { CORE_USER, ECMA_USER, TOKEN, scimUserOps } from './support/host.mjs';
import { createPhase, fmtStats, ratio, round } from './support/load.mjs';
import { parseOptions, positiveIntegers } from './support/options.mjs';
import { errorMessage, formatTable, keepLog, log, runBenchmark, runMain } from './support/report.mjs';
import { createTempDir, onCleanup } from './support/processes.mjs';
import { startPostgres, startRedis, startSlapd } from './support/servers.mjs';

const DEFAULTS = {
  workers: '1,2,4',
  creates: 3000,
  rawCreates: 6000,
  concurrency: 32,
  partitions: 16,
  targets: 'postgres,ldap',
  maxSeconds: 60,
  warmupCreates: 200,
  memoryObjects: 100000,
  logLevel: 'warn',
  startSeconds: 180,
};

const USAGE =
  'usage: node bench/scale-out.bench.mjs [--workers 1,2,4] [--creates N] [--raw-creates N] [--concurrency 32] [--partitions 16]\n' +
  '         [--targets postgres,ldap] [--max-seconds S] [--warmup-creates N] [--memory-objects 100000 (0: skip)] [--log-level warn] [--start-seconds S]\n';

const BASE_DN = 'dc=example,dc=com';

// ---------------------------------------------------------------------------------------------
// targets: the connector's YAML, a fresh place per level, raw creates, the Entra body

const POSTGRES = {
  name: 'postgres',
  type: 'sql',
  async prepare(servers, tag) {
    const name = `scale_${tag}`;
    const admin = new pg.Client({ connectionString: servers.pg.url });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${name}"`);
    await admin.query(`CREATE DATABASE "${name}"`);
    await admin.end();
    const url = servers.pg.urlFor(name);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    for (const table of ['Host', 'Raw']) await client.query(`CREATE TABLE "${table}" ("Login" varchar(64) PRIMARY KEY, "GivenName" varchar(64), "Surname" varchar(64), "Mail" varchar(128))`);
    await client.end();
    return { url };
  },
  connectorYaml: (place, pageSize = 100) => `    exportPageSize: ${pageSize}
    connection: { dialect: postgres, url: "${place.url}" }
    objectTypes:
      User:
        anchor: Login
        attributes: [Login, GivenName, Surname, Mail]
        scim: { userName: Login, name.givenName: GivenName, name.familyName: Surname, 'emails[type eq "work"].value': Mail }
        target: { table: ${place.table ?? 'Host'} }
`,
  async raw(place, concurrency) {
    const pool = new pg.Pool({ connectionString: place.url, max: concurrency, idleTimeoutMillis: 0 });
    pool.on('error', () => undefined);
    return {
      create: (u) => pool.query('INSERT INTO "Raw" ("Login", "GivenName", "Surname", "Mail") VALUES ($1, $2, $3, $4)', [u.login, u.first, u.last, u.mail]),
      close: () => pool.end(),
    };
  },
  async count(place) {
    const client = new pg.Client({ connectionString: place.url });
    await client.connect();
    const n = (await client.query('SELECT count(*)::int AS n FROM "Host"')).rows[0].n;
    await client.end();
    return n;
  },
  async bulk(servers, count) {
    const place = { ...(await this.prepare(servers, 'memory')), table: 'Host' };
    const client = new pg.Client({ connectionString: place.url });
    await client.connect();
    await client.query(
      `INSERT INTO "Host" SELECT 'bulk' || lpad(i::text, 6, '0'), 'First' || i, 'Last', 'bulk' || i || '@contoso.example' FROM generate_series(0, ${count - 1}) AS i`,
    );
    await client.end();
    return place;
  },
};

async function withLdap(slapd, fn) {
  const client = new LdapClient({ url: slapd.url, timeout: 600000 });
  await client.bind(slapd.bindDn, slapd.bindPassword);
  try {
    return await fn(client);
  } finally {
    await client.unbind().catch(() => undefined);
  }
}

const LDAP = {
  name: 'ldap',
  type: 'ldap',
  async prepare(servers, tag) {
    const host = `ou=host-${tag},${BASE_DN}`;
    const raw = `ou=raw-${tag},${BASE_DN}`;
    await withLdap(servers.slapd, async (c) => {
      for (const [dn, ou] of [[host, `host-${tag}`], [raw, `raw-${tag}`]]) await c.add(dn, { objectClass: ['organizationalUnit'], ou });
    });
    return { base: host, rawBase: raw, slapd: servers.slapd };
  },
  connectorYaml: (place, pageSize = 100) => `    exportPageSize: ${pageSize}
    connection:
      url: ${place.slapd.url}
      bindDn: "${place.slapd.bindDn}"
      bindPassword: "${place.slapd.bindPassword}"
      baseDn: "${place.slapd.baseDn}"
    objectTypes:
      User:
        anchor: entryUUID
        queryAttributes: [uid]
        dn: { template: "uid={uid},${place.base}" }
        attributes: [uid, cn, sn, givenName, mail, objectClass]
        scim: { userName: uid, name.givenName: givenName, name.familyName: sn, 'emails[type eq "work"].value': mail }
        rules: { cn: { template: "{givenName} {sn}" } }
        deprovisioning: { disable: delete, delete: delete }
        target: { objectClasses: [inetOrgPerson], base: "${place.base}", singleValue: [uid, cn, sn] }
`,
  async raw(place, concurrency) {
    const clients = [];
    for (let i = 0; i < concurrency; i++) {
      const c = new LdapClient({ url: place.slapd.url, timeout: 60000 });
      await c.bind(place.slapd.bindDn, place.slapd.bindPassword);
      clients.push(c);
    }
    let next = 0;
    return {
      create: (u) =>
        clients[next++ % concurrency].add(`uid=${u.login},${place.rawBase}`, { objectClass: ['inetOrgPerson'], uid: u.login, cn: `${u.first} ${u.last}`, sn: u.last, givenName: u.first, mail: u.mail }),
      close: () => Promise.all(clients.map((c) => c.unbind().catch(() => undefined))),
    };
  },
  async count(place) {
    return withLdap(place.slapd, async (c) => {
      let n = 0;
      for await (const page of c.searchPaginated(place.base, { scope: 'one', filter: '(objectClass=inetOrgPerson)', attributes: ['1.1'], paged: { pageSize: 1000 } })) n += page.searchEntries.length;
      return n;
    });
  },
  async bulk(servers) {
    return { base: `ou=bulk,${BASE_DN}`, slapd: servers.slapd };
  },
};

function bulkLdif(count) {
  const parts = [`dn: ou=bulk,${BASE_DN}\nobjectClass: organizationalUnit\nou: bulk\n`];
  for (let i = 0; i < count; i++) {
    const uid = `bulk${String(i).padStart(6, '0')}`;
    parts.push(`dn: uid=${uid},ou=bulk,${BASE_DN}\nobjectClass: inetOrgPerson\nuid: ${uid}\ncn: First${i} Last\nsn: Last\ngivenName: First${i}\nmail: ${uid}@contoso.example\n`);
  }
  return parts.join('\n');
}

const user = (prefix, i) => {
  const login = `${prefix}${String(i).padStart(6, '0')}`;
  return { login, first: `First${i}`, last: 'Last', mail: `${login}@contoso.example` };
};

const entraBody = (u) => ({
  schemas: [CORE_USER],
  externalId: randomUUID(),
  userName: u.login,
  active: true,
  name: { givenName: u.first, familyName: u.last },
  emails: [{ primary: true, type: 'work', value: u.mail }],
});

// ---------------------------------------------------------------------------------------------
// the services, each its own process

function getStatus(url, headers = {}) {
  return new Promise((resolve) => {
    const req = http.get(url, { headers, timeout: 2000, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

/** scim-api, cache, import-worker and `workers` export-workers, started with the CLI; ready when scim-api serves. */
async function startDeployment({ target, place, redis, prefix, workers, options, pageSize, ready }) {
  const { findFreePort, launch } = await libTesting();
  const temp = createTempDir('connector-host-scale-');
  const port = await findFreePort();
  const configPath = join(temp.path, 'scale.yaml');
  writeFileSync(
    configPath,
    `# written by bench/scale-out.bench.mjs
server: { host: 127.0.0.1, port: ${port} }
redis: { url: ${redis.url}, prefix: ${prefix} }
logging: { level: ${options.logLevel} }
connectors:
  bench:
    type: ${target.type}
    secretToken: \${BENCH_SECRET_TOKEN}
    autosyncMinutes: 0
    exportPartitions: ${options.partitions}
${target.connectorYaml(place, pageSize)}`,
  );
  const processes = [];
  const unregister = onCleanup(async () => {
    await Promise.all(processes.map((p) => p.server.stop(35000)));
    temp.remove();
  });
  const launchService = async (service, index, probe) => {
    const metricsPort = await findFreePort();
    const logFile = join(temp.path, `${service}-${index}.log`);
    const env = { ...process.env, BENCH_SECRET_TOKEN: TOKEN, REDIS_URL: redis.url, METRICS_PORT: String(metricsPort) };
    delete env.HOST_PORT;
    const server = await launch({
      command: process.execPath,
      args: [CLI, 'start', service, '--config', configPath],
      cwd: REPO,
      env,
      logFile,
      probe: probe ?? (async () => (await getStatus(`http://127.0.0.1:${metricsPort}/readyz`)) === 200),
      startTimeoutMs: options.startSeconds * 1000,
      stopSignal: 'SIGTERM',
      cleanupDir: temp.path,
    });
    processes.push({ service, index, server, logFile });
  };
  const usersUrl = `http://127.0.0.1:${port}/ecma2host_bench/scim/Users`;
  try {
    await Promise.all([
      launchService('cache', 0),
      launchService('import-worker', 0),
      ...Array.from({ length: workers }, (_, i) => launchService('export-worker', i)),
    ]);
    await launchService('scim-api', 0, ready ?? (async () => (await getStatus(usersUrl, { authorization: `Bearer ${TOKEN}` })) === 200));
  } catch (error) {
    for (const p of processes) keepLog(p.logFile, `scale-out-start-failure-${p.service}-${p.index}`);
    throw error;
  }
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    usersPath: '/ecma2host_bench/scim/Users',
    processes,
    /** Resident memory of every service process, in MiB. */
    rss: () =>
      Object.fromEntries(
        processes.map((p) => {
          const status = existsSync(`/proc/${p.server.pid}/status`) ? readFileSync(`/proc/${p.server.pid}/status`, 'utf8') : '';
          const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
          return [`${p.service}-${p.index}`, round(kb / 1024, 1)];
        }),
      ),
    alive: () => processes.every((p) => p.server.isRunning()),
    stop: async () => {
      await Promise.all(processes.map((p) => p.server.stop(35000)));
      unregister();
      temp.remove();
    },
  };
}

// ---------------------------------------------------------------------------------------------

async function runCreates({ target, servers, redis, workers, options }) {
  const tag = `${target.name}-w${workers}`;
  const place = await target.prepare(servers, `w${workers}`);
  const flush = new Redis(redis.url);
  await flush.flushall();
  flush.disconnect();
  log(`[${tag}] starting scim-api, cache, import-worker and ${workers} export-worker process(es)`);
  const deployment = await startDeployment({ target, place, redis, prefix: `s${workers}`, workers, options });
  const viaHost = scimUserOps(deployment, options.concurrency, { createBody: entraBody, userName: (u) => u.login });
  const viaRaw = await target.raw(place, options.concurrency);
  const maxMs = options.maxSeconds * 1000;
  try {
    await createPhase(viaHost, Array.from({ length: options.warmupCreates }, (_, i) => user(`wh${workers}`, i)), options.concurrency, maxMs);
    await createPhase(viaRaw, Array.from({ length: options.warmupCreates }, (_, i) => user(`wr${workers}`, i)), options.concurrency, maxMs);
    const raw = await createPhase(viaRaw, Array.from({ length: options.rawCreates }, (_, i) => user(`r${workers}`, i)), options.concurrency, maxMs);
    log(`[${tag}] raw creates: ${fmtStats(raw.stats)}`);
    const host = await createPhase(viaHost, Array.from({ length: options.creates }, (_, i) => user(`h${workers}`, i)), options.concurrency, maxMs);
    log(`[${tag}] host creates: ${fmtStats(host.stats)}`);
    const inTarget = await target.count(place);
    const acknowledged = host.created.length + options.warmupCreates;
    return {
      target: target.name,
      workers,
      host: host.stats,
      raw: raw.stats,
      ratio: ratio(host.stats, raw.stats),
      acknowledged,
      inTarget,
      missing: Math.max(0, acknowledged - inTarget),
      rssMiB: deployment.rss(),
      alive: deployment.alive(),
    };
  } finally {
    await viaHost.close();
    await viaRaw.close();
    await deployment.stop();
  }
}

/** A full import of `count` objects into an empty Redis: its used_memory and the processes' RSS, per 100,000 objects. */
async function runMemory({ target, servers, redis, options }) {
  const count = options.memoryObjects;
  const place = await target.bulk(servers, count);
  const client = new Redis(redis.url);
  try {
    await client.flushall();
    const usedMemory = async () => Number(/used_memory:(\d+)/.exec(await client.info('memory'))[1]);
    const before = await usedMemory();
    const objectsKey = `m:{bench}:cs:User:objects`;
    log(`[memory ${target.name}] full import of ${count} objects`);
    const t0 = Date.now();
    const deployment = await startDeployment({
      target, place, redis, prefix: 'm', workers: 1, options, pageSize: 1000,
      ready: async () => (await client.hlen(objectsKey)) >= count,
    });
    const importMs = Date.now() - t0;
    try {
      const after = await usedMemory();
      const scale = 100000 / count;
      return {
        target: target.name,
        objects: await client.hlen(objectsKey),
        startAndImportSeconds: round(importMs / 1000, 1),
        redisMiBPer100k: round(((after - before) / 2 ** 20) * scale, 1),
        rssMiB: deployment.rss(),
      };
    } finally {
      await deployment.stop();
    }
  } finally {
    client.disconnect();
  }
}

runMain(async () => {
  const options = parseOptions(process.argv.slice(2), DEFAULTS, USAGE);
  options.workers = positiveIntegers(options.workers, 'workers');
  const targets = String(options.targets).split(',').map((t) => ({ postgres: POSTGRES, ldap: LDAP })[t.trim()]);
  if (targets.some((t) => !t)) throw new Error('--targets: postgres and/or ldap');
  const { result, exitCode, file } = await runBenchmark({
    benchmark: 'scale-out',
    options,
    notes: [
      'every service is its own process (scim-api, cache, import-worker, N export-workers), meeting in one redis-server, as in Kubernetes',
      'raw: the target driver (pg.Pool / one ldapts connection per client) at the same concurrency, on the same server, in the same level',
      'memory: Redis used_memory growth and each process RSS after a full import, scaled to 100,000 objects',
    ],
    run: async (result) => {
      result.creates = [];
      result.memory = [];
      log('starting redis-server, PostgreSQL and slapd on loopback');
      const wants = (name) => targets.some((t) => t.name === name);
      const [redis, pgServer, slapd] = await Promise.all([
        startRedis(),
        wants('postgres') ? startPostgres() : undefined,
        wants('ldap') ? startSlapd({ baseDn: BASE_DN, bulkLdif: options.memoryObjects > 0 ? bulkLdif(options.memoryObjects) : undefined, maxSizeMb: 4096, startTimeoutMs: 30 * 60000 }) : undefined,
      ]);
      const servers = { pg: pgServer && { ...pgServer, url: pgServer.urlFor('postgres') }, slapd };
      let ok = true;
      for (const target of targets) {
        for (const workers of options.workers) {
          try {
            result.creates.push(await runCreates({ target, servers, redis, workers, options }));
          } catch (error) {
            log(`[${target.name}-w${workers}] FAILED: ${errorMessage(error)}`);
            result.creates.push({ target: target.name, workers, failure: errorMessage(error).slice(0, 2000) });
            ok = false;
          }
        }
        if (options.memoryObjects > 0) {
          try {
            result.memory.push(await runMemory({ target, servers, redis, options }));
          } catch (error) {
            log(`[memory ${target.name}] FAILED: ${errorMessage(error)}`);
            result.memory.push({ target: target.name, failure: errorMessage(error).slice(0, 2000) });
            ok = false;
          }
        }
      }
      return ok;
    },
    misbehaved: (result) => result.creates.some((c) => c.alive === false || c.host?.errors > 0 || c.missing > 0),
  });
  const out = (text) => process.stdout.write(text);
  out(`\nScale-out: creates through separate service processes, ${options.concurrency} clients, ${options.partitions} partitions; ${result.machine.cpus} CPUs, load average ${result.machine.loadAverageAtStart.join(' ')} at start\n\n`);
  const rows = result.creates.filter((c) => c.host).map((c) => [c.target, c.workers, c.host.opsPerSec, c.raw.opsPerSec, c.ratio?.toFixed(3) ?? '-', c.host.p50Ms, c.host.p99Ms, c.raw.p50Ms, c.raw.p99Ms, `${c.host.ok}/${c.host.errors}/${c.host.cutOff}`, c.missing]);
  if (rows.length) out(`${formatTable(['target', 'export-workers', 'host creates/s', 'raw creates/s', 'host/raw', 'host p50 ms', 'host p99 ms', 'raw p50 ms', 'raw p99 ms', 'host ok/err/cut', 'lost'], rows, 1)}\n`);
  for (const c of result.creates.filter((c) => c.failure)) out(`\n${c.target} with ${c.workers} workers failed: ${c.failure.split('\n')[0]}\n`);
  for (const m of result.memory) {
    if (m.failure) out(`\nmemory (${m.target}) failed: ${m.failure.split('\n')[0]}\n`);
    else out(`\nmemory (${m.target}): ${m.objects} objects imported in ${m.startAndImportSeconds} s (start included); Redis ${m.redisMiBPer100k} MiB per 100,000 objects; process RSS MiB ${JSON.stringify(m.rssMiB)}\n`);
  }
  if (result.failure) out(`\nbenchmark failed: ${result.failure}\n`);
  out(`\nResults: ${file}\n`);
  return exitCode;
});
