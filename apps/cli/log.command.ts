// `connector-host log`: a connector's provisioning log, newest first, read from the host's Redis.
import type { Command } from 'commander';
import { Redis } from 'ioredis';
import { ConfigError, type HostConfig } from '@connector-host/config';
import { readConfig } from '@connector-host/services';
import { parseLogQuery, ProvisioningLogQueryError, ProvisioningLogRepository, type ProvisioningLogEntry } from '@connector-host/telemetry';

export interface LogCommandIo {
  stdout(text: string): void;
  stderr(text: string): void;
  exit(code: number): void;
}

const processIo: LogCommandIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  exit: (code) => {
    process.exitCode = code;
  },
};

interface LogOptions {
  config: string;
  connector?: string;
  since?: string;
  until?: string;
  status?: string;
  outcome?: string;
  operation?: string;
  anchor?: string;
  count: string;
  json?: boolean;
}

/** Adds `log`; `load` reads the config file (tests hand in the config of the host they started). */
export function addLogCommand(program: Command, io: LogCommandIo = processIo, load: (path: string) => HostConfig = readConfig): void {
  program
    .command('log')
    .description("show a connector's provisioning log: every export and import with its result, newest first (never values or secrets)")
    .option('-c, --config <file>', 'configuration file', 'config/demo.yaml')
    .option('--connector <name>', 'connector name (default: the first)')
    .option('--since <when>', 'from this time: ISO-8601 (2026-01-31T12:00:00Z) or a duration ago (15m, 2h, 7d)')
    .option('--until <when>', 'up to this time, same forms')
    .option('--status <status>', 'an HTTP status (409) or a class (4xx)')
    .option('--outcome <outcome>', 'success, rejected, failed or dropped')
    .option('--operation <op>', 'create, replace, patch, delete (SCIM) or add, update, rename, delete, none, full-import, delta-import (target)')
    .option('--anchor <anchor>', "one object's anchor (its SCIM id)")
    .option('--count <n>', 'at most this many entries (1-1000)', '100')
    .option('--json', 'print JSON (one array) instead of a table')
    .action(async (options: LogOptions) => {
      await runLogCommand(options, io, load);
    });
}

async function runLogCommand(options: LogOptions, io: LogCommandIo, load: (path: string) => HostConfig): Promise<void> {
  let config: HostConfig;
  try {
    config = load(options.config);
  } catch (error) {
    if (error instanceof ConfigError) return fail(io, error.message);
    throw error;
  }
  const connector = options.connector ? config.connectors.find((c) => c.name === options.connector) : config.connectors[0];
  if (!connector) return fail(io, `no connector named ${options.connector}; configured: ${config.connectors.map((c) => c.name).join(', ')}`);
  if (!config.redis.url) return fail(io, 'this command reads the running host\'s Redis: set REDIS_URL (or redis.url)');
  const params = Object.fromEntries(
    (['since', 'until', 'status', 'outcome', 'operation', 'anchor', 'count'] as const).filter((k) => options[k] !== undefined).map((k) => [k, options[k]]),
  );
  let query;
  try {
    query = parseLogQuery(params);
  } catch (error) {
    if (error instanceof ProvisioningLogQueryError) return fail(io, error.message);
    throw error;
  }
  const redis = new Redis(config.redis.url, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await redis.connect();
    const entries = await new ProvisioningLogRepository(redis, config.redis.prefix, config.logging.provisioningLog.maxEntries).query(connector.name, query);
    io.stdout(options.json ? `${JSON.stringify(entries, null, 2)}\n` : table(entries));
  } finally {
    redis.disconnect();
  }
}

function fail(io: LogCommandIo, message: string): void {
  io.stderr(`${message}\n`);
  io.exit(2);
}

const COLUMNS: Array<[string, (e: ProvisioningLogEntry) => string]> = [
  ['TIME', (e) => e.time],
  ['STATUS', (e) => String(e.status)],
  ['OUTCOME', (e) => e.outcome],
  ['SCIM', (e) => e.scimOperation ?? '-'],
  ['TARGET', (e) => e.targetOperation ?? '-'],
  ['ANCHOR', (e) => e.anchor ?? '-'],
  ['MS', (e) => String(e.durationMs)],
  ['ERROR', (e) => [e.scimType, e.errorKind].filter(Boolean).join('/') || '-'],
  ['REQUEST', (e) => e.requestId ?? '-'],
  ['TRACE', (e) => e.traceId ?? '-'],
];

function table(entries: ProvisioningLogEntry[]): string {
  if (entries.length === 0) return 'no entries\n';
  const rows = [COLUMNS.map(([title]) => title), ...entries.map((e) => COLUMNS.map(([, cell]) => cell(e)))];
  const widths = COLUMNS.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd()).join('\n') + '\n';
}
