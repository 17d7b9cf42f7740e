// `connector-host dead-letters`: exports that exhausted their retries (or failed for a reason that
// is not the client's), listed, replayed after a fix, or dropped; read from the host's Redis.
import type { Command } from 'commander';
import { Redis } from 'ioredis';
import { ConfigError, type HostConfig } from '@connector-host/config';
import { DeadLetterAdmin, readConfig } from '@connector-host/services';

interface Options {
  config: string;
  connector?: string;
  id?: string[];
  all?: boolean;
  json?: boolean;
  timeout: string;
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

async function withAdmin<T>(options: Options, run: (admin: DeadLetterAdmin, connector: string) => Promise<T>): Promise<T> {
  let config: HostConfig;
  try {
    config = readConfig(options.config);
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
  const connector = options.connector ? config.connectors.find((c) => c.name === options.connector) : config.connectors[0];
  if (!connector) fail(`no connector named ${options.connector}; configured: ${config.connectors.map((c) => c.name).join(', ')}`);
  const url = config.redis.url;
  if (!url) fail("this command reads the running host's Redis: set REDIS_URL (or redis.url)");
  const redis = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await redis.connect();
    return await run(new DeadLetterAdmin({ ...config, redis: { ...config.redis, url } }, redis), connector.name);
  } finally {
    redis.disconnect();
  }
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function addDeadLettersCommand(program: Command): void {
  const command = program
    .command('dead-letters')
    .description("a connector's dead letters: exports that exhausted their retries or failed on the host's side (list, replay, drop)");
  const common = (sub: Command) =>
    sub
      .option('-c, --config <file>', 'configuration file', 'config/demo.yaml')
      .option('--connector <name>', 'connector name (default: the first)');

  common(command.command('list', { isDefault: true }).description('list them, oldest first (never attribute values)'))
    .option('--json', 'print JSON instead of a table')
    .action(async (options: Options) => {
      await withAdmin(options, async (admin, connector) => {
        const entries = await admin.list(connector);
        if (options.json) return void process.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
        if (!entries.length) return void process.stdout.write(`${connector}: no dead letters\n`);
        const rows = [['ID', 'FAILED AT', 'JOB', 'ANCHOR', 'STATUS', 'REASON'], ...entries.map((e) => [e.id, new Date(e.failedAt).toISOString(), e.job, e.anchor ?? '-', String(e.status), e.reason])];
        const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
        process.stdout.write(rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()).join('\n') + '\n');
      });
    });

  common(command.command('replay').description('queue them again (after fixing the target) and wait for their outcomes; one that fails again comes back as a new entry'))
    .option('--id <id>', 'only this entry (repeatable); default: all', collect)
    .option('--timeout <seconds>', 'how long to wait for the outcomes', '120')
    .action(async (options: Options) => {
      await withAdmin(options, async (admin, connector) => {
        const results = await admin.replay(connector, options.id, Number(options.timeout) * 1000);
        for (const r of results) process.stdout.write(`${r.id}  ${r.job}  ${r.anchor ?? '-'}  ${r.status}${r.detail ? `  ${r.detail}` : ''}\n`);
        const ok = results.filter((r) => typeof r.status === 'number' && r.status < 300).length;
        process.stdout.write(`${ok} of ${results.length} replayed successfully\n`);
        if (ok < results.length) process.exitCode = 1;
      });
    });

  common(command.command('drop').description('remove entries without replaying them'))
    .option('--id <id>', 'this entry (repeatable)', collect)
    .option('--all', 'every entry of the connector')
    .action(async (options: Options) => {
      if (!options.id?.length && !options.all) fail('name entries with --id, or pass --all');
      await withAdmin(options, async (admin, connector) => {
        const dropped = await admin.drop(connector, options.all ? undefined : options.id);
        process.stdout.write(`${dropped} dropped\n`);
      });
    });
}
