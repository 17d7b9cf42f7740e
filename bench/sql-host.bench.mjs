#!/usr/bin/env node
// SQL host benchmark: SCIM creates and filter reads through the all-in-one host, against raw
// INSERTs and SELECTs on the same PostgreSQL server, at several client counts, in one run.
// Reports host/raw ratios; never asserts timings. See bench/README.md.
//
//   npm run build && node bench/sql-host.bench.mjs [--creates 2000] [--reads 5000] [--levels 1,8,32]
//                                                  [--partitions 32,8] [--max-seconds 60] [--help]
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { CORE_USER, ECMA_USER, hostLogReport, scimUserOps, startHost } from './support/host.mjs';
import { createsAndReads, OpError, round } from './support/load.mjs';
import { checkLogLevel, parseOptions, positiveIntegers } from './support/options.mjs';
import { comparisonHeader, createReadRows, formatTable, log, runBenchmark, runLevels, runMain } from './support/report.mjs';
import { startPostgres, startRedis } from './support/servers.mjs';

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

const USAGE =
  'usage: node bench/sql-host.bench.mjs [--creates N] [--reads N] [--raw-creates N] [--raw-reads N]\n' +
  '         [--levels 1,8,32] [--partitions 32,8]\n' +
  '         [--max-seconds S] [--warmup-creates N] [--warmup-reads N] [--log-level info] [--host-start-seconds S]\n' +
  '         [--keep-logs yes]   (copy every host log to bench/results/, not only those with errors or warnings)\n';

function parseArgs(argv) {
  const options = parseOptions(argv, DEFAULTS, USAGE);
  options.levels = positiveIntegers(options.levels, 'levels');
  options.partitions = positiveIntegers(options.partitions, 'partitions');
  checkLogLevel(options.logLevel);
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

/** Runs fn(client) on one connection to url. */
async function withClient(url, fn) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A fresh database holding an empty Employees table (Microsoft's SQL connector tutorial shape). */
async function createEmployeesDatabase(server, name) {
  await withClient(server.url, async (admin) => {
    await admin.query(`DROP DATABASE IF EXISTS "${name}"`);
    await admin.query(`CREATE DATABASE "${name}"`);
  });
  const url = server.urlFor(name);
  await withClient(url, (client) => client.query(CREATE_TABLE));
  return url;
}

const countRows = (url) => withClient(url, async (client) => (await client.query('SELECT count(*)::int AS n FROM "Employees"')).rows[0].n);

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
// the host's connector and the raw driver

const connectorYaml = (pgUrl) => `    connection: { dialect: postgres, url: "${pgUrl}" }
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

function rawOps(url, concurrency) {
  const pool = new pg.Pool({ connectionString: url, max: concurrency, idleTimeoutMillis: 0 }); // keep connections across phases
  pool.on('error', () => undefined);
  return {
    create: async (u) => {
      await pool.query(INSERT, [u.login, u.first, u.last, u.email, u.azureId, u.textId, true]);
    },
    read: async (u) => {
      const { rowCount } = await pool.query(SELECT, [u.login]);
      if (rowCount !== 1) throw new OpError(`wrong answer: ${rowCount} rows for an existing user`);
    },
    close: () => pool.end(),
  };
}

// ---------------------------------------------------------------------------------------------
// one cell: one partition setting, one client count

async function runCell({ pgServer, redis, partitions, concurrency, options }) {
  const tag = `p${partitions}-c${concurrency}`;
  const hostUrl = await createEmployeesDatabase(pgServer, `host_p${partitions}_c${concurrency}`);
  const rawUrl = await createEmployeesDatabase(pgServer, `raw_p${partitions}_c${concurrency}`);
  await redis.flushAll();

  log(`[${tag}] starting the host (exportPartitions ${partitions})`);
  const host = await startHost({
    writtenBy: 'bench/sql-host.bench.mjs',
    redis,
    prefix: `b${tag.replace('-', '')}`,
    logLevel: options.logLevel,
    type: 'sql',
    partitions,
    connectorYaml: connectorYaml(hostUrl),
    startTimeoutMs: options.hostStartSeconds * 1000,
    failureLog: `host-start-failure-p${partitions}`,
  });
  log(`[${tag}] host pid ${host.pid} ready in ${Math.round(host.startMs)} ms at ${host.scimUrl}`);
  const cell = { exportPartitions: partitions, concurrency, hostStartMs: round(host.startMs) };
  const viaHost = scimUserOps(host, concurrency, { createBody: entraCreateBody, userName: (u) => u.login });
  const viaRaw = rawOps(rawUrl, concurrency);
  try {
    const makeUsers = (phase, side, count) => {
      const prefix = phase === 'warmup' ? `w${partitions}${side[0]}${concurrency}u` : `u${partitions}${side[0]}${concurrency}x`;
      return Array.from({ length: count }, (_, i) => user(prefix, i));
    };
    const measured = await createsAndReads({ viaHost, viaRaw, makeUsers, options, concurrency, log: (message) => log(`[${tag}] ${message}`) });
    cell.warmup = measured.warmup;
    cell.create = measured.create;
    cell.read = measured.read;

    // invariant 1, as a side check: every acknowledged create is a row in the target
    const acknowledged = measured.hostAcknowledged;
    const rows = await countRows(hostUrl);
    cell.target = { acknowledgedCreates: acknowledged, rowsInTable: rows, missingRows: Math.max(0, acknowledged - rows) };
    if (rows < acknowledged) log(`[${tag}] WARNING: ${acknowledged} creates acknowledged but only ${rows} rows in the table`);
  } finally {
    cell.hostAliveAtEnd = host.isRunning();
    await viaHost.close();
    await viaRaw.close();
    await host.stop();
    const hostFailed =
      !cell.hostAliveAtEnd || (cell.create?.host.errors ?? 1) > 0 || (cell.read?.host.errors ?? 0) > 0 || (cell.target?.missingRows ?? 0) > 0;
    Object.assign(cell, hostLogReport(host, { keep: hostFailed || options.keepLogs === 'yes', name: `host-${tag}` }));
    host.remove();
  }
  return cell;
}

// ---------------------------------------------------------------------------------------------
// report

function table(runs) {
  const header = ['partitions', 'clients', 'operation', ...comparisonHeader()];
  return formatTable(header, createReadRows(runs, (run) => [run.exportPartitions, run.concurrency]), 3);
}

async function serverVersions(pgServer) {
  const { rows } = await withClient(pgServer.url, (client) => client.query('SHOW server_version'));
  let redis;
  try {
    redis = execFileSync('redis-server', ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    redis = 'unknown';
  }
  return { postgres: rows[0].server_version, redis };
}

// ---------------------------------------------------------------------------------------------
// main

runMain(async () => {
  const options = parseArgs(process.argv.slice(2));
  const { result, exitCode, file } = await runBenchmark({
    benchmark: 'sql-host',
    options,
    notes: [
      'ratio = host ops/s divided by raw ops/s at the same client count, measured minutes apart on the same servers',
      'raw uses one pg connection per client; the host uses its own pool (sql connector default max 10)',
      'latencies are of successful operations only; the load generator runs in the benchmark process on the same machine',
    ],
    run: async (result) => {
      result.runs = [];
      log('starting PostgreSQL and redis-server on loopback');
      const [pgServer, redis] = await Promise.all([startPostgres(), startRedis()]);
      result.servers = { ...(await serverVersions(pgServer)), postgresSettings: pgServer.settings };
      log(`PostgreSQL pid ${pgServer.pid} on :${pgServer.port}, redis-server pid ${redis.pid} on :${redis.port}`);
      const cells = options.partitions.flatMap((partitions) =>
        options.levels.map((concurrency) => ({ tag: `p${partitions}-c${concurrency}`, meta: { exportPartitions: partitions, concurrency } })),
      );
      return runLevels(result.runs, cells, ({ meta }) => runCell({ pgServer, redis, partitions: meta.exportPartitions, concurrency: meta.concurrency, options }));
    },
    // it ran, but the host answered errors, died or lost a write
    misbehaved: (result) =>
      result.runs.some((r) => r.hostAliveAtEnd === false || r.create?.host.errors > 0 || r.read?.host.errors > 0 || r.target?.missingRows > 0),
  });

  const out = (text) => process.stdout.write(text);
  const runs = result.runs ?? [];
  const measured = runs.filter((r) => r.create || r.read);
  out(
    `\nSQL host vs raw PostgreSQL: per level ${options.creates} creates and ${options.reads} reads through the host, ` +
      `${options.rawCreates} and ${options.rawReads} raw, max ${options.maxSeconds} s each; ` +
      `${result.machine.cpus} CPUs, load average ${result.machine.loadAverageAtStart.join(' ')} at start\n\n`,
  );
  if (measured.length) out(`${table(measured)}\n`);
  for (const run of runs) {
    const where = `p${run.exportPartitions} c${run.concurrency}`;
    if (run.failure) out(`\n${where} failed: ${run.failure.split('\n')[0]}\n`);
    for (const [name, m] of [['create', run.create], ['read', run.read]]) {
      if (m?.host?.errors) out(`\n${where} host ${name} errors: ${JSON.stringify(m.host.errorsByKind)}\n`);
    }
    if (run.target?.missingRows) out(`\n${where}: ${run.target.missingRows} acknowledged creates missing from the table\n`);
    if (run.hostAliveAtEnd === false) out(`\n${where}: the host process was no longer running at the end of the level\n`);
    if (run.hostLogCopy) out(`${where}: host log kept in ${run.hostLogCopy} (${JSON.stringify(run.hostLog)})\n`);
  }
  if (result.failure) out(`\nbenchmark failed: ${result.failure}\n`);
  out(`\nhost/raw: 1.0 = as fast as the raw driver; 0.10 = a tenth of it. Results: ${file}\n`);
  return exitCode;
});
