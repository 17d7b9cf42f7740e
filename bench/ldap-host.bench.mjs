#!/usr/bin/env node
// LDAP host benchmark: SCIM creates and GET-by-filter through the all-in-one host against raw ldapts
// adds and searches on the same slapd, at several client counts, plus the full import of 100,000
// entries. Reports host/raw ratios; never asserts timings. See bench/README.md.
//
//   npm run build && node bench/ldap-host.bench.mjs [--creates 2000] [--reads 5000] [--levels 1,8,32]
//                                                   [--import-entries 100000] [--max-seconds 60] [--help]
import { execFile } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { Client, EqualityFilter } from 'ldapts';
import { CLI, REPO } from './support/build.mjs';
import { CORE_USER, ECMA_USER, scimUserOps, startHost } from './support/host.mjs';
import { ldapConnectionYaml, ldapEnv, withLdap } from './support/ldap.mjs';
import { createsAndReads, OpError, round } from './support/load.mjs';
import { parseOptions, positiveIntegers } from './support/options.mjs';
import { comparisonHeader, createReadRows, errorMessage, formatTable, keepLog, log, runBenchmark, runLevels, runMain } from './support/report.mjs';
import { startRedis, startSlapd } from './support/servers.mjs';

const READ_ATTRIBUTES = ['uid', 'cn', 'sn', 'givenName', 'mail', 'displayName', 'objectClass', 'entryUUID'];
const BASE_DN = 'dc=example,dc=com';

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

const USAGE =
  'usage: node bench/ldap-host.bench.mjs [--creates N] [--reads N] [--raw-creates N] [--raw-reads N] [--levels 1,8,32]\n' +
  '         [--partitions 32] [--max-seconds S] [--warmup-creates N] [--warmup-reads N]\n' +
  '         [--import-entries 100000] [--import-page-size 1000] [--log-level warn] [--host-start-seconds S] [--keep-logs yes]\n';

function parseArgs(argv) {
  const options = parseOptions(argv, DEFAULTS, USAGE);
  options.levels = positiveIntegers(options.levels, 'levels');
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
// the host's connector and the raw side

const connectorYaml = ({ slapd, base, pageSize }) => `    exportPageSize: ${pageSize}
${ldapConnectionYaml(slapd)}    objectTypes:
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

function startLdapHost({ redis, slapd, connector, base, options, prefix, pageSize, startTimeoutMs, probe }) {
  return startHost({
    writtenBy: 'bench/ldap-host.bench.mjs',
    redis,
    prefix,
    logLevel: options.logLevel,
    connector,
    type: 'ldap',
    partitions: options.partitions,
    connectorYaml: connectorYaml({ slapd, base, pageSize }),
    env: ldapEnv(slapd),
    probe,
    startTimeoutMs,
    failureLog: `ldap-host-start-failure-${connector}`,
  });
}

/** One bound ldapts connection per client, as a load generator of the directory itself would have. */
async function rawOps(slapd, base, concurrency) {
  const clients = [];
  for (let i = 0; i < concurrency; i++) {
    const client = new Client({ url: slapd.url, timeout: 60000 });
    await client.bind(slapd.bindDn, slapd.bindPassword);
    clients.push(client);
  }
  return {
    create: async (u, _signal, i) => clients[i % concurrency].add(`uid=${u.uid},${base}`, ldapEntry(u)),
    read: async (u, _signal, i) => {
      const { searchEntries } = await clients[i % concurrency].search(base, { scope: 'one', filter: new EqualityFilter({ attribute: 'uid', value: u.uid }), attributes: READ_ATTRIBUTES });
      if (searchEntries.length !== 1) throw new OpError(`wrong answer: ${searchEntries.length} entries`);
    },
    close: () => Promise.all(clients.map((c) => c.unbind().catch(() => undefined))),
  };
}

const countEntries = (slapd, base, attributes = ['1.1']) =>
  withLdap(slapd, 600000, async (client) => {
    let n = 0;
    for await (const page of client.searchPaginated(base, { scope: 'one', filter: '(objectClass=inetOrgPerson)', attributes, paged: { pageSize: 1000 } })) n += page.searchEntries.length;
    return n;
  });

async function addOu(slapd, ou) {
  await withLdap(slapd, 60000, (client) => client.add(`ou=${ou},${slapd.baseDn}`, { objectClass: ['organizationalUnit'], ou }));
  return `ou=${ou},${slapd.baseDn}`;
}

// ---------------------------------------------------------------------------------------------

async function runLevel({ slapd, redis, concurrency, options }) {
  const tag = `c${concurrency}`;
  const hostBase = await addOu(slapd, `host-${tag}`);
  const rawBase = await addOu(slapd, `raw-${tag}`);
  await redis.flushAll();
  log(`[${tag}] starting the host`);
  const host = await startLdapHost({ redis, slapd, connector: 'bench', base: hostBase, options, prefix: `b${tag}`, pageSize: 100, startTimeoutMs: options.hostStartSeconds * 1000 });
  log(`[${tag}] host pid ${host.pid} ready in ${Math.round(host.startMs)} ms`);
  const viaHost = scimUserOps(host, concurrency, { createBody: entraCreateBody, userName: (u) => u.uid });
  const viaRaw = await rawOps(slapd, rawBase, concurrency);
  const level = { concurrency };
  try {
    const makeUsers = (phase, side, count) => Array.from({ length: count }, (_, i) => user(`${phase === 'warmup' ? 'w' : 'u'}${tag}${side[0]}`, i));
    const measured = await createsAndReads({ viaHost, viaRaw, makeUsers, options, concurrency, log: (message) => log(`[${tag}] ${message}`) });
    level.create = measured.create;
    level.read = measured.read;
    const acknowledged = measured.hostAcknowledged;
    const entries = await countEntries(slapd, hostBase);
    level.target = { acknowledgedCreates: acknowledged, entries, missing: Math.max(0, acknowledged - entries) };
    if (entries < acknowledged) log(`[${tag}] WARNING: ${acknowledged} creates acknowledged but ${entries} entries`);
  } finally {
    level.hostAliveAtEnd = host.isRunning();
    await viaHost.close();
    await viaRaw.close();
    await host.stop();
    if (options.keepLogs === 'yes') level.hostLogCopy = keepLog(host.logFile, `ldap-host-${tag}`);
    host.remove();
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
async function runImport({ slapd, redis, options }) {
  const base = `ou=bulk,${slapd.baseDn}`;
  const loadStats = { loadedOffline: true };

  const t0 = performance.now();
  const entries = await countEntries(slapd, base, READ_ATTRIBUTES);
  const rawSearchMs = performance.now() - t0;
  log(`[import] raw paged search (1000 per page, the connector's attributes): ${entries} entries in ${(rawSearchMs / 1000).toFixed(1)} s`);

  await redis.flushAll();
  const objectsKey = 'bimport:{bulk}:cs:User:objects';
  const tStart = performance.now();
  const host = await startLdapHost({
    redis, slapd, connector: 'bulk', base, options, prefix: 'bimport', pageSize: options.importPageSize,
    startTimeoutMs: 30 * 60000,
    probe: async () => (await redis.command(`HLEN ${objectsKey}`)) === `:${entries}`,
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
  const cached = await redis.command(`HLEN ${objectsKey}`);
  log(`[import] \`connector-host import\` (a second full import, CLI process included): ${(cliImportMs / 1000).toFixed(1)} s, ok=${cli.ok}, cached ${cached}`);
  await host.stop();
  host.remove();
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

function table(levels) {
  return formatTable(['clients', 'operation', ...comparisonHeader()], createReadRows(levels, (level) => [level.concurrency]), 2);
}

runMain(async () => {
  const options = parseArgs(process.argv.slice(2));
  const { result, exitCode, file } = await runBenchmark({
    benchmark: 'ldap-host',
    options,
    notes: [
      'one slapd (back-mdb, accesslog overlay on, as in examples/openldap.yaml) serves both sides; host and raw write into sibling OUs',
      'raw: one bound ldapts connection per client; host: its pool of 4 bound connections, exportPartitions as given',
      'host reads come from the connector space (Redis), raw reads are LDAP searches (uid=x) returning the same attributes',
    ],
    run: async (result) => {
      result.levels = [];
      log('starting slapd and redis-server on loopback');
      if (options.importEntries > 0) log(`writing ${options.importEntries} entries for the import measurement (slapadd before start)`);
      const [slapd, redis] = await Promise.all([
        startSlapd({
          baseDn: BASE_DN,
          bulkLdif: options.importEntries > 0 ? bulkLdif(BASE_DN, options.importEntries) : undefined,
          maxSizeMb: 4096,
          startTimeoutMs: 30 * 60000,
        }),
        startRedis(),
      ]);
      log(`slapd pid ${slapd.pid} on :${slapd.port}, redis-server pid ${redis.pid} on :${redis.port}`);
      const levels = options.levels.map((concurrency) => ({ tag: `c${concurrency}`, meta: { concurrency } }));
      let ok = await runLevels(result.levels, levels, ({ meta }) => runLevel({ slapd, redis, concurrency: meta.concurrency, options }));
      if (options.importEntries > 0) {
        try {
          result.import = await runImport({ slapd, redis, options });
        } catch (error) {
          log(`[import] FAILED: ${errorMessage(error)}`);
          result.import = { failure: errorMessage(error).slice(0, 4000) };
          ok = false;
        }
      }
      return ok;
    },
    misbehaved: (result) => result.levels.some((l) => l.hostAliveAtEnd === false || l.create?.host.errors > 0 || l.read?.host.errors > 0 || l.target?.missing > 0),
  });

  const out = (text) => process.stdout.write(text);
  const measured = result.levels.filter((l) => l.create || l.read);
  out(
    `\nLDAP host vs raw ldapts on one slapd: per level ${options.creates} creates / ${options.reads} reads through the host, ` +
      `${options.rawCreates} / ${options.rawReads} raw, max ${options.maxSeconds} s each; ${result.machine.cpus} CPUs, load average ${result.machine.loadAverageAtStart.join(' ')} at start\n\n`,
  );
  if (measured.length) out(`${table(measured)}\n`);
  for (const level of result.levels) if (level.failure) out(`\nc${level.concurrency} failed: ${level.failure.split('\n')[0]}\n`);
  const imp = result.import;
  if (imp && !imp.failure) {
    out(
      `\nfull import of ${imp.entries} entries (page size ${imp.pageSize}): host start + start-up import ${(imp.hostStartAndImportMs / 1000).toFixed(1)} s; ` +
        `\`connector-host import\` ${(imp.cliFullImportMs / 1000).toFixed(1)} s (ok=${imp.cliOk}); raw ldapts paged search of the same attributes ${(imp.rawPagedSearchMs / 1000).toFixed(1)} s\n`,
    );
  } else if (imp?.failure) out(`\nfull import failed: ${imp.failure.split('\n')[0]}\n`);
  if (result.failure) out(`\nbenchmark failed: ${result.failure}\n`);
  out(`\nResults: ${file}\n`);
  return exitCode;
});
