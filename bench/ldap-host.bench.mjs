#!/usr/bin/env node
// LDAP host benchmark: SCIM creates and GET-by-filter through the all-in-one host against raw ldapts
// adds and searches on the same slapd, at several client counts, plus the full import of 100,000
// entries. Reports host/raw ratios; never asserts timings. See bench/README.md.
//
//   npm run build && node bench/ldap-host.bench.mjs [--creates 2000] [--reads 5000] [--levels 1,8,32]
//                                                   [--import-entries 100000] [--max-seconds 60] [--help]
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Client } from 'ldapts';
import { cleanupAll, createTempDir, delay, findFreePort, installExitHooks, launch, onCleanup } from './support/processes.mjs';
import { httpClient, httpError, OpError, round, runLoad } from './support/load.mjs';
import { redisCommand, startRedis } from './support/servers.mjs';
import { startSlapd } from './support/slapd.mjs';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS_DIR = join(REPO, 'bench', 'results');
const CLI = join(REPO, 'dist', 'apps', 'cli', 'main.js');
const TOKEN = `bench-${randomUUID()}`;
const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ECMA_USER = 'urn:ietf:params:scim:schemas:extension:ECMA2Host:2.0:User';
const READ_ATTRIBUTES = ['uid', 'cn', 'sn', 'givenName', 'mail', 'displayName', 'objectClass', 'entryUUID'];

const DEFAULTS = {
  creates: 2000,
  reads: 5000,
  rawCreates: 2000,
  rawReads: 5000,
  levels: '1,8,32',
  partitions: 32,
  maxSeconds: 60,
  warmupCreates: 100,
  warmupReads: 300,
  importEntries: 100000,
  importPageSize: 1000,
  logLevel: 'warn',
  hostStartSeconds: 120,
  keepLogs: 'no',
};

function parseArgs(argv) {
  const options = { ...DEFAULTS };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      process.stdout.write(
        'usage: node bench/ldap-host.bench.mjs [--creates N] [--reads N] [--raw-creates N] [--raw-reads N] [--levels 1,8,32]\n' +
          '         [--partitions 32] [--max-seconds S] [--warmup-creates N] [--warmup-reads N]\n' +
          '         [--import-entries 100000] [--import-page-size 1000] [--log-level warn] [--host-start-seconds S] [--keep-logs yes]\n',
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
  if (options.levels.some((v) => !Number.isInteger(v) || v < 1)) throw new Error('--levels must be a list of positive integers');
  return options;
}

// ---------------------------------------------------------------------------------------------
// users

function user(prefix, i) {
  const uid = `${prefix}${String(i).padStart(6, '0')}`;
  return { uid, cn: `First${i} Last`, sn: 'Last', givenName: `First${i}`, mail: `${uid}@contoso.example`, displayName: `First${i} Last` };
}

function entraCreateBody(u) {
  return { schemas: [CORE_USER, ECMA_USER], active: true, [ECMA_USER]: { uid: u.uid, cn: u.cn, sn: u.sn, givenName: u.givenName, mail: u.mail, displayName: u.displayName } };
}

function ldapEntry(u) {
  return { objectClass: ['inetOrgPerson'], uid: u.uid, cn: u.cn, sn: u.sn, givenName: u.givenName, mail: u.mail, displayName: u.displayName };
}

// ---------------------------------------------------------------------------------------------
// the host

function hostConfigYaml({ port, redisUrl, prefix, slapd, name, base, partitions, logLevel, pageSize }) {
  return `# written by bench/ldap-host.bench.mjs
server:
  host: 127.0.0.1
  port: ${port}
redis:
  url: ${redisUrl}
  prefix: ${prefix}
logging:
  level: ${logLevel}
connectors:
  ${name}:
    type: ldap
    secretToken: \${BENCH_SECRET_TOKEN}
    autosyncMinutes: 0
    exportPartitions: ${partitions}
    exportPageSize: ${pageSize}
    connection:
      url: ${slapd.url}
      bindDn: "${slapd.bindDn}"
      bindPassword: \${BENCH_LDAP_PASSWORD}
      baseDn: "${slapd.baseDn}"
    objectTypes:
      User:
        anchor: entryUUID
        queryAttributes: [uid]
        dn: { template: "uid={uid},${base}" }
        attributes: [uid, cn, sn, givenName, mail, displayName, objectClass]
        scim:
          userName: uid
          name.givenName: givenName
          name.familyName: sn
          displayName: displayName
          'emails[type eq "work"].value': mail
        deprovisioning: { disable: delete, delete: delete }
        target:
          objectClasses: [inetOrgPerson]
          base: "${base}"
          singleValue: [uid, cn, sn]
`;
}

function getStatus(url, headers, timeoutMs = 2000) {
  return new Promise((resolveStatus) => {
    const req = http.get(url, { headers, timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolveStatus(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolveStatus(0));
  });
}

async function startHost({ redis, slapd, name, base, partitions, logLevel, prefix, pageSize, startTimeoutMs, ready }) {
  const temp = createTempDir('connector-host-bench-ldap-host-');
  const port = await findFreePort();
  const configPath = join(temp.path, 'host.yaml');
  writeFileSync(configPath, hostConfigYaml({ port, redisUrl: redis.url, prefix, slapd, name, base, partitions, logLevel, pageSize }));
  const env = { ...process.env, BENCH_SECRET_TOKEN: TOKEN, BENCH_LDAP_PASSWORD: slapd.bindPassword };
  delete env.HOST_PORT;
  delete env.REDIS_URL;
  const baseUrl = `http://127.0.0.1:${port}`;
  const logFile = join(temp.path, 'host.log');
  const t0 = performance.now();
  const server = await launch({
    command: process.execPath,
    args: [CLI, 'start', '--config', configPath, '--data-dir', join(temp.path, 'data')],
    cwd: REPO,
    env,
    logFile,
    probe: ready ?? (async () => (await getStatus(`${baseUrl}/ecma2host_${name}/scim/Users`, { authorization: `Bearer ${TOKEN}` })) === 200),
    startTimeoutMs,
    stopSignal: 'SIGTERM',
  });
  const startMs = performance.now() - t0;
  const unregister = onCleanup(async () => {
    await server.stop(35000);
    temp.remove();
  });
  return {
    pid: server.pid,
    baseUrl,
    configPath,
    env,
    logFile,
    startMs,
    isRunning: server.isRunning,
    stop: async () => {
      await server.stop(35000);
      unregister();
      temp.remove();
    },
  };
}

function hostOps(baseUrl, concurrency) {
  const client = httpClient(baseUrl, { sockets: concurrency, headers: { authorization: `Bearer ${TOKEN}`, accept: 'application/scim+json' }, timeoutMs: 60000 });
  const usersPath = '/ecma2host_bench/scim/Users';
  return {
    create: async (u, signal) => {
      const response = await client.request('POST', usersPath, entraCreateBody(u), signal);
      if (response.status !== 201) throw httpError(response);
    },
    read: async (uid, signal) => {
      const response = await client.request('GET', `${usersPath}?filter=${encodeURIComponent(`userName eq "${uid}"`)}`, undefined, signal);
      if (response.status !== 200) throw httpError(response);
      if (JSON.parse(response.text).totalResults !== 1) throw new OpError('wrong answer: not exactly one user');
    },
    close: () => client.close(),
  };
}

/** One bound ldapts connection per client, as a load generator of the directory itself would have. */
async function rawOps(slapd, base, concurrency) {
  const clients = [];
  for (let i = 0; i < concurrency; i++) {
    const client = new Client({ url: slapd.url, timeout: 60000 });
    await client.bind(slapd.bindDn, slapd.bindPassword);
    clients.push(client);
  }
  const { EqualityFilter } = await import('ldapts');
  return {
    create: async (u, _signal, i) => clients[i % concurrency].add(`uid=${u.uid},${base}`, ldapEntry(u)),
    read: async (uid, _signal, i) => {
      const { searchEntries } = await clients[i % concurrency].search(base, { scope: 'one', filter: new EqualityFilter({ attribute: 'uid', value: uid }), attributes: READ_ATTRIBUTES });
      if (searchEntries.length !== 1) throw new OpError(`wrong answer: ${searchEntries.length} entries`);
    },
    close: () => Promise.all(clients.map((c) => c.unbind().catch(() => undefined))),
  };
}

async function createPhase(ops, prefix, count, concurrency, maxMs) {
  const users = Array.from({ length: count }, (_, i) => user(prefix, i));
  const created = [];
  const stats = await runLoad({
    concurrency,
    count,
    maxMs,
    op: async (i, signal) => {
      await ops.create(users[i], signal, i);
      created.push(users[i].uid);
    },
  });
  return { stats, created };
}

async function readPhase(ops, uids, count, concurrency, maxMs) {
  if (uids.length === 0) return { skipped: 'nothing was created' };
  return runLoad({ concurrency, count, maxMs, op: (i, signal) => ops.read(uids[(i * 7919) % uids.length], signal, i) });
}

const ratio = (host, raw) => (host?.opsPerSec && raw?.opsPerSec ? round(host.opsPerSec / raw.opsPerSec, 4) : null);

async function countEntries(slapd, base, attributes = ['1.1']) {
  const client = new Client({ url: slapd.url, timeout: 600000 });
  await client.bind(slapd.bindDn, slapd.bindPassword);
  try {
    let n = 0;
    for await (const page of client.searchPaginated(base, { scope: 'one', filter: '(objectClass=inetOrgPerson)', attributes, paged: { pageSize: 1000 } })) n += page.searchEntries.length;
    return n;
  } finally {
    await client.unbind().catch(() => undefined);
  }
}

async function addOu(slapd, ou) {
  const client = new Client({ url: slapd.url, timeout: 60000 });
  await client.bind(slapd.bindDn, slapd.bindPassword);
  try {
    await client.add(`ou=${ou},${slapd.baseDn}`, { objectClass: ['organizationalUnit'], ou });
  } finally {
    await client.unbind().catch(() => undefined);
  }
  return `ou=${ou},${slapd.baseDn}`;
}

// ---------------------------------------------------------------------------------------------

async function runLevel({ slapd, redis, concurrency, options, log }) {
  const tag = `c${concurrency}`;
  const maxMs = options.maxSeconds * 1000;
  const hostBase = await addOu(slapd, `host-${tag}`);
  const rawBase = await addOu(slapd, `raw-${tag}`);
  await redis.flushAll();
  log(`[${tag}] starting the host`);
  const host = await startHost({
    redis, slapd, name: 'bench', base: hostBase, partitions: options.partitions, logLevel: options.logLevel, prefix: `b${tag}`, pageSize: 100, startTimeoutMs: options.hostStartSeconds * 1000,
  });
  log(`[${tag}] host pid ${host.pid} ready in ${Math.round(host.startMs)} ms`);
  const viaHost = hostOps(host.baseUrl, concurrency);
  const viaRaw = await rawOps(slapd, rawBase, concurrency);
  const level = { concurrency };
  try {
    const warmHost = await createPhase(viaHost, `w${tag}h`, options.warmupCreates, concurrency, maxMs);
    const warmRaw = await createPhase(viaRaw, `w${tag}r`, options.warmupCreates, concurrency, maxMs);
    await readPhase(viaHost, warmHost.created, options.warmupReads, concurrency, maxMs);
    await readPhase(viaRaw, warmRaw.created, options.warmupReads, concurrency, maxMs);
    log(`[${tag}] warm-up done`);
    const rawCreate = await createPhase(viaRaw, `u${tag}r`, options.rawCreates, concurrency, maxMs);
    log(`[${tag}] raw  creates: ${fmt(rawCreate.stats)}`);
    await delay(500);
    const hostCreate = await createPhase(viaHost, `u${tag}h`, options.creates, concurrency, maxMs);
    log(`[${tag}] host creates: ${fmt(hostCreate.stats)}`);
    await delay(500);
    const rawRead = await readPhase(viaRaw, rawCreate.created, options.rawReads, concurrency, maxMs);
    log(`[${tag}] raw  reads:   ${fmt(rawRead)}`);
    await delay(500);
    const hostRead = await readPhase(viaHost, hostCreate.created, options.reads, concurrency, maxMs);
    log(`[${tag}] host reads:   ${fmt(hostRead)}`);
    level.create = { host: hostCreate.stats, raw: rawCreate.stats, ratio: ratio(hostCreate.stats, rawCreate.stats) };
    level.read = { host: hostRead, raw: rawRead, ratio: ratio(hostRead, rawRead) };
    const acknowledged = warmHost.created.length + hostCreate.created.length;
    const entries = await countEntries(slapd, hostBase);
    level.target = { acknowledgedCreates: acknowledged, entries, missing: Math.max(0, acknowledged - entries) };
    if (entries < acknowledged) log(`[${tag}] WARNING: ${acknowledged} creates acknowledged but ${entries} entries`);
  } finally {
    level.hostAliveAtEnd = host.isRunning();
    await viaHost.close();
    await viaRaw.close();
    if (options.keepLogs === 'yes' && existsSync(host.logFile)) {
      mkdirSync(RESULTS_DIR, { recursive: true });
      level.hostLogCopy = relative(REPO, join(RESULTS_DIR, `ldap-host-${tag}-${Date.now()}.log`));
      copyFileSync(host.logFile, join(REPO, level.hostLogCopy));
    }
    await host.stop();
  }
  return level;
}

/** The import data set as LDIF, loaded offline by slapadd before slapd starts (loading is not what is measured). */
function bulkLdif(baseDn, count) {
  const parts = [`dn: ou=bulk,${baseDn}\nobjectClass: organizationalUnit\nou: bulk\n`];
  for (let i = 0; i < count; i++) {
    const u = user('bulk', i);
    parts.push(`dn: uid=${u.uid},ou=bulk,${baseDn}\nobjectClass: inetOrgPerson\nuid: ${u.uid}\ncn: ${u.cn}\nsn: ${u.sn}\ngivenName: ${u.givenName}\nmail: ${u.mail}\ndisplayName: ${u.displayName}\n`);
  }
  return parts.join('\n');
}

/** Times a raw paged search of the bulk entries and the host's full import of them. */
async function runImport({ slapd, redis, options, log }) {
  const base = `ou=bulk,${slapd.baseDn}`;
  const loadStats = { loadedOffline: true };

  const t0 = performance.now();
  const entries = await countEntries(slapd, base, READ_ATTRIBUTES);
  const rawSearchMs = performance.now() - t0;
  log(`[import] raw paged search (1000 per page, the connector's attributes): ${entries} entries in ${(rawSearchMs / 1000).toFixed(1)} s`);

  await redis.flushAll();
  const objectsKey = 'bimport:{bulk}:cs:User:objects';
  const tStart = performance.now();
  const host = await startHost({
    redis, slapd, name: 'bulk', base, partitions: options.partitions, logLevel: options.logLevel, prefix: 'bimport', pageSize: options.importPageSize,
    startTimeoutMs: 30 * 60000,
    ready: async () => (await redisCommand(redis.port, `HLEN ${objectsKey}`)) === `:${entries}`,
  });
  const startImportMs = performance.now() - tStart;
  log(`[import] host start + start-up full import of ${entries}: ${(startImportMs / 1000).toFixed(1)} s`);
  const t1 = performance.now();
  const cli = await new Promise((resolveRun) =>
    execFile(process.execPath, [CLI, 'import', '--connector', 'bulk', '--config', host.configPath], { cwd: REPO, env: host.env, timeout: 30 * 60000 }, (error, stdout, stderr) =>
      resolveRun({ ok: !error, output: `${stdout}${stderr}`.slice(-2000) }),
    ),
  );
  const cliImportMs = performance.now() - t1;
  const cached = await redisCommand(redis.port, `HLEN ${objectsKey}`);
  log(`[import] \`connector-host import\` (a second full import, CLI process included): ${(cliImportMs / 1000).toFixed(1)} s, ok=${cli.ok}, cached ${cached}`);
  await host.stop();
  return {
    entries,
    load: loadStats,
    rawPagedSearchMs: round(rawSearchMs),
    hostStartAndImportMs: round(startImportMs),
    cliFullImportMs: round(cliImportMs),
    cliOk: cli.ok,
    cliOutput: cli.ok ? undefined : cli.output,
    cachedAfter: cached,
    pageSize: options.importPageSize,
  };
}

function fmt(s) {
  if (!s || s.skipped) return s?.skipped ?? 'skipped';
  return `${s.ok}/${s.requested} ok in ${(s.wallMs / 1000).toFixed(1)} s = ${s.opsPerSec} ops/s, p50 ${s.p50Ms} ms, p99 ${s.p99Ms} ms${s.errors ? `, ${s.errors} errors ${JSON.stringify(s.errorsByKind)}` : ''}${s.cutOff ? `, ${s.cutOff} cut` : ''}`;
}

function table(levels) {
  const header = ['clients', 'operation', 'host ops/s', 'raw ops/s', 'host/raw', 'host p50 ms', 'host p99 ms', 'raw p50 ms', 'raw p99 ms', 'host ok/err/cut'];
  const rows = [];
  for (const level of levels) {
    for (const [name, m] of [['create', level.create], ['read (filter)', level.read]]) {
      if (!m) continue;
      const h = m.host.skipped ? {} : m.host;
      const r = m.raw.skipped ? {} : m.raw;
      rows.push([level.concurrency, name, h.opsPerSec ?? '-', r.opsPerSec ?? '-', m.ratio === null ? '-' : m.ratio.toFixed(3), h.p50Ms ?? '-', h.p99Ms ?? '-', r.p50Ms ?? '-', r.p99Ms ?? '-', `${h.ok}/${h.errors}/${h.cutOff}`]);
    }
  }
  const cells = [header, ...rows].map((row) => row.map(String));
  const widths = header.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  const line = (row) => row.map((c, i) => (i <= 1 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ');
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('-|-'), ...cells.slice(1).map(line)].join('\n');
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  installExitHooks();
  const startedAt = new Date();
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  const log = (message) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`);
  if (!existsSync(CLI)) throw new Error(`${relative(REPO, CLI)} does not exist: run \`npm run build\` first`);
  const result = {
    benchmark: 'ldap-host',
    startedAt: startedAt.toISOString(),
    options,
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, loadAverageAtStart: os.loadavg().map((v) => round(v)), node: process.version },
    notes: [
      'one slapd (back-mdb, accesslog overlay on, as in examples/openldap.yaml) serves both sides; host and raw write into sibling OUs',
      'raw: one bound ldapts connection per client; host: its pool of 4 bound connections, exportPartitions as given',
      'host reads come from the connector space (Redis), raw reads are LDAP searches (uid=x) returning the same attributes',
    ],
    levels: [],
  };
  let exitCode = 0;
  try {
    log('starting slapd and redis-server on loopback');
    if (options.importEntries > 0) log(`writing ${options.importEntries} entries for the import measurement (slapadd before start)`);
    const [slapd, redis] = await Promise.all([
      startSlapd({ ldif: options.importEntries > 0 ? bulkLdif('dc=example,dc=com', options.importEntries) : undefined, startTimeoutMs: 30 * 60000 }),
      startRedis(),
    ]);
    log(`slapd pid ${slapd.pid} on :${slapd.port}, redis-server pid ${redis.pid} on :${redis.port}`);
    for (const concurrency of options.levels) {
      try {
        result.levels.push(await runLevel({ slapd, redis, concurrency, options, log }));
      } catch (error) {
        log(`[c${concurrency}] FAILED: ${error instanceof Error ? error.message : String(error)}`);
        result.levels.push({ concurrency, failure: String(error instanceof Error ? error.message : error).slice(0, 4000) });
        exitCode = 1;
      }
    }
    if (options.importEntries > 0) {
      try {
        result.import = await runImport({ slapd, redis, options, log });
      } catch (error) {
        log(`[import] FAILED: ${error instanceof Error ? error.message : String(error)}`);
        result.import = { failure: String(error instanceof Error ? error.message : error).slice(0, 4000) };
        exitCode = 1;
      }
    }
  } catch (error) {
    result.failure = error instanceof Error ? error.message : String(error);
    exitCode = 1;
  } finally {
    log('stopping servers');
    await cleanupAll();
  }
  const misbehaved = result.levels.some((l) => l.hostAliveAtEnd === false || l.create?.host.errors > 0 || l.read?.host.errors > 0 || l.target?.missing > 0);
  if (exitCode === 0 && misbehaved) exitCode = 3;
  result.exitCode = exitCode;
  result.machine.loadAverageAtEnd = os.loadavg().map((v) => round(v));
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `${stamp}-ldap-host.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);

  const measured = result.levels.filter((l) => l.create || l.read);
  process.stdout.write(
    `\nLDAP host vs raw ldapts on one slapd: per level ${options.creates} creates / ${options.reads} reads through the host, ` +
      `${options.rawCreates} / ${options.rawReads} raw, max ${options.maxSeconds} s each; ${result.machine.cpus} CPUs, load average ${result.machine.loadAverageAtStart.join(' ')} at start\n\n`,
  );
  if (measured.length) process.stdout.write(`${table(measured)}\n`);
  for (const level of result.levels) if (level.failure) process.stdout.write(`\nc${level.concurrency} failed: ${level.failure.split('\n')[0]}\n`);
  const imp = result.import;
  if (imp && !imp.failure) {
    process.stdout.write(
      `\nfull import of ${imp.entries} entries (page size ${imp.pageSize}): host start + start-up import ${(imp.hostStartAndImportMs / 1000).toFixed(1)} s; ` +
        `\`connector-host import\` ${(imp.cliFullImportMs / 1000).toFixed(1)} s (ok=${imp.cliOk}); raw ldapts paged search of the same attributes ${(imp.rawPagedSearchMs / 1000).toFixed(1)} s\n`,
    );
  } else if (imp?.failure) process.stdout.write(`\nfull import failed: ${imp.failure.split('\n')[0]}\n`);
  process.stdout.write(`\nResults: ${relative(REPO, file)}\n`);
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
