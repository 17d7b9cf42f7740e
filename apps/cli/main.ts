// `connector-host`: start services, validate config, discover a target's schema, test a
// connection, run an import, show the cache, make a certificate, hash a token.
import './telemetry';
import 'reflect-metadata';
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { Redis } from 'ioredis';
import { ConfigError, redactConfig, SERVICE_NAMES, type HostConfig, type ServiceName } from '@connector-host/config';
import { createConnector } from '@connector-host/connectors';
import { JsonLogger } from '@connector-host/platform';
import { ConnectorCatalog } from '@connector-host/provisioning';
import { importQueueName, QueueDriver } from '@connector-host/queue';
import { readConfig, runServices } from '@connector-host/services';
import { addDeadLettersCommand } from './dead-letters.command';
import { addLogCommand } from './log.command';
import { addSecurityCommands } from './security.commands';

const program = new Command('connector-host').description('Provision Entra ID identities into SQL, LDAP, REST and SOAP targets over SCIM 2.0');
const configOption = () => new Option('-c, --config <file>', 'configuration file').default('config/demo.yaml');

function load(path: string): HostConfig {
  try {
    return readConfig(path);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}

function connectorOf(config: HostConfig, name: string | undefined) {
  const connector = name ? config.connectors.find((c) => c.name === name) : config.connectors[0];
  if (!connector) {
    process.stderr.write(`no connector named ${name}; configured: ${config.connectors.map((c) => c.name).join(', ')}\n`);
    process.exit(2);
  }
  return connector;
}

function requireRedis(config: HostConfig): string {
  if (!config.redis.url) {
    process.stderr.write('this command talks to a running host: set REDIS_URL (or redis.url) to its Redis\n');
    process.exit(2);
  }
  return config.redis.url;
}

program
  .command('start')
  .description('start services (default: all four in one process, the all-in-one host)')
  .argument('[services...]', `any of ${SERVICE_NAMES.join(', ')}`)
  .addOption(configOption())
  .option('--connector-type <types>', 'workers: only these connector types (comma-separated)')
  .option('--data-dir <dir>', 'where the private redis-server keeps its data', 'data')
  .action(async (services: string[], options: { config: string; connectorType?: string; dataDir: string }) => {
    const unknown = services.filter((s) => !SERVICE_NAMES.includes(s as ServiceName));
    if (unknown.length) {
      process.stderr.write(`unknown service(s): ${unknown.join(', ')}; choose from ${SERVICE_NAMES.join(', ')}\n`);
      process.exit(2);
    }
    await runServices({
      configPath: resolve(options.config),
      services: services.length ? (services as ServiceName[]) : [...SERVICE_NAMES],
      ...(options.connectorType ? { connectorTypes: options.connectorType.split(',') } : {}),
      dataDir: resolve(options.dataDir),
    });
  });

program
  .command('validate')
  .description('validate a configuration file and print it with secrets redacted')
  .addOption(configOption())
  .action((options: { config: string }) => {
    const config = load(options.config);
    process.stdout.write(`${options.config}: valid\n${JSON.stringify(redactConfig(config), null, 2)}\n`);
  });

program
  .command('test')
  .description("test a connector's connection to its target")
  .addOption(configOption())
  .option('--connector <name>', 'connector name (default: the first)')
  .action(async (options: { config: string; connector?: string }) => {
    const config = load(options.config);
    const connector = connectorOf(config, options.connector);
    const instance = createConnector(connector, config.baseDir, new JsonLogger('cli', 'warn'));
    try {
      await instance.test();
      process.stdout.write(`${connector.name}: connection OK\n`);
      // the target answers; an object type whose settings do not fit it (a missing base) is a configuration problem
      for (const { objectType, problem } of (await instance.discoverSchema()).unavailable ?? []) {
        process.stderr.write(`${connector.name}: object type ${objectType}: ${problem}\n`);
        process.exitCode = 1;
      }
    } catch (error) {
      process.stderr.write(`${connector.name}: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    } finally {
      await instance.close();
    }
  });

program
  .command('discover')
  .description("discover a connector's target schema (object types and attributes) and print it as JSON")
  .addOption(configOption())
  .option('--connector <name>', 'connector name (default: the first)')
  .action(async (options: { config: string; connector?: string }) => {
    const config = load(options.config);
    const connector = connectorOf(config, options.connector);
    const instance = createConnector(connector, config.baseDir, new JsonLogger('cli', 'warn'));
    try {
      process.stdout.write(`${JSON.stringify(await instance.discoverSchema(), null, 2)}\n`);
    } finally {
      await instance.close();
    }
  });

program
  .command('import')
  .description('ask the running host to import now, and wait for it to finish')
  .addOption(configOption())
  .option('--connector <name>', 'connector name (default: the first)')
  .option('--delta', 'delta import from the stored watermark instead of a full import')
  .option('--timeout <seconds>', 'how long to wait', '600')
  .action(async (options: { config: string; connector?: string; delta?: boolean; timeout: string }) => {
    const config = load(options.config);
    const connector = connectorOf(config, options.connector);
    const redisUrl = requireRedis(config);
    const queues = new QueueDriver({ redisUrl, prefix: config.redis.prefix });
    try {
      const queue = queues.queue(importQueueName(connector.name));
      const job = await queue.add(options.delta ? 'import.delta' : 'import.full', { connector: connector.name, reason: 'manual' }, {
        removeOnComplete: { age: 3600 },
        removeOnFail: { age: 86400 },
      });
      // polled, not awaited through QueueEvents: its stream is read from "now", so a job that
      // finishes between the state check and the first read would never be reported
      const until = Date.now() + Number(options.timeout) * 1000;
      for (;;) {
        const state = await job.getState();
        if (state === 'completed' || state === 'failed') {
          const done = await queue.getJob(job.id!);
          if (state === 'failed') throw new Error(`import failed: ${done?.failedReason ?? 'unknown reason'}`);
          process.stdout.write(`${JSON.stringify(done?.returnvalue)}\n`);
          break;
        }
        if (Date.now() > until) throw new Error(`the import did not finish within ${options.timeout} s (job ${job.id} is ${state}); is an import-worker running?`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    } finally {
      await queues.close();
    }
  });

program
  .command('cache')
  .description("show a connector's cache: counts, last import and export, and objects")
  .addOption(configOption())
  .option('--connector <name>', 'connector name (default: the first)')
  .option('--count <n>', 'objects to list', '20')
  .action(async (options: { config: string; connector?: string; count: string }) => {
    const config = load(options.config);
    const connector = connectorOf(config, options.connector);
    const redis = new Redis(requireRedis(config));
    try {
      const space = new ConnectorCatalog(config, redis).space(connector.name);
      const stamps = await space.timestamps();
      const out: Record<string, unknown> = { connector: connector.name, ...stamps };
      for (const type of connector.objectTypes) {
        const objects = [];
        for await (const batch of space.scan(type.name)) {
          objects.push(...batch);
          if (objects.length >= Number(options.count)) break;
        }
        out[type.name] = { count: await space.count(type.name), objects: objects.slice(0, Number(options.count)) };
      }
      process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    } finally {
      redis.disconnect();
    }
  });

addSecurityCommands(program);
addLogCommand(program);
addDeadLettersCommand(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
