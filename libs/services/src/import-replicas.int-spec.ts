/**
 * Two import-worker replicas against one Redis and a real PostgreSQL: one autosync timer for the
 * connector, not one per replica, and one import at a time, however many are queued.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { parseConfig, type HostConfig } from '@connector-host/config';
import { connectorSettingsSchemas } from '@connector-host/connectors';
import { importQueueName, QueueDriver } from '@connector-host/queue';
import { startPostgres, startRedis, type PostgresServer, type RedisServer } from '@connector-host/testing';
import { startServices, type RunningHost } from './bootstrap';

describe('import-worker replicas', () => {
  let redis: RedisServer;
  let pg: PostgresServer;
  let dir: string;
  let db: Client;
  let queues: QueueDriver;
  const hosts: RunningHost[] = [];

  const waitFor = async (what: string, check: () => Promise<boolean>) => {
    for (let i = 0; i < 1200; i++) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`timed out waiting for ${what}`);
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'connector-host-import-replicas-'));
    [redis, pg] = await Promise.all([startRedis(), startPostgres()]);
    const url = await pg.createDatabase('replicas');
    db = new Client({ connectionString: url });
    await db.connect();
    await db.query('CREATE TABLE "Staff" ("Login" varchar(64) PRIMARY KEY, "GivenName" varchar(64))');
    await db.query(`INSERT INTO "Staff" VALUES ('ada', 'Ada'), ('bob', 'Bob')`);
    const config = parseConfig(
      `
server: { host: 127.0.0.1, port: 0, metricsPort: 0 }
redis: { url: '${redis.url}' }
logging: { level: error }
connectors:
  rep:
    type: sql
    secretToken: replicas-token-1234
    autosyncMinutes: 30
    connection: { dialect: postgres, url: '${url}', statementTimeoutMs: 600000 }
    objectTypes:
      User:
        anchor: Login
        scim: { userName: Login }
        target: { table: Staff }
`,
      { baseDir: dir, env: {}, connectorSettingsSchemas: connectorSettingsSchemas() },
    ) as HostConfig;
    queues = new QueueDriver({ redisUrl: redis.url, prefix: config.redis.prefix });
    hosts.push(await startServices(config, { services: ['cache'], embeddedRedisDir: join(dir, 'redis') }));
    // two replicas starting together
    hosts.push(...(await Promise.all([1, 2].map(() => startServices(config, { services: ['import-worker'], embeddedRedisDir: join(dir, 'redis') })))));
  });

  afterAll(async () => {
    for (const host of hosts) await host.close().catch(() => undefined);
    await queues?.close();
    await db?.end();
    await pg?.stop();
    await redis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('registers one autosync timer for the connector, not one per replica', async () => {
    const queue = queues.queue(importQueueName('rep'));
    await waitFor('the start import to finish', async () => (await queue.getJobCounts('waiting', 'active', 'prioritized')).active === 0 && (await queue.getJobSchedulers()).length > 0);
    const schedulers = await queue.getJobSchedulers();
    expect(schedulers.map((s) => ({ key: s.key, every: s.every }))).toEqual([{ key: 'autosync-rep', every: 30 * 60000 }]);
    // the scheduler's next run is one delayed job, whatever the number of replicas
    expect(await queue.getDelayedCount()).toBe(1);
  });

  it('runs one import at a time: while one waits on the target, the other replica does not start a second', async () => {
    const queue = queues.queue(importQueueName('rep'));
    const locker = new Client({ connectionString: pg.urlFor('replicas') });
    await locker.connect();
    try {
      // the first import's read of Staff waits on this lock; a second import would wait beside it
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE "Staff" IN ACCESS EXCLUSIVE MODE');
      const jobs = await Promise.all([1, 2].map(() => queue.add('import.full', { connector: 'rep', reason: 'manual' }, { removeOnComplete: false })));
      await waitFor('one import to be running', async () => (await queue.getActiveCount()) === 1);
      // the first holds on the lock; the second replica is idle, yet the second job stays queued
      for (let check = 0; check < 20; check++) {
        expect(await queue.getActiveCount()).toBe(1);
        expect(await queue.getWaitingCount()).toBe(1);
        await new Promise((r) => setTimeout(r, 100));
      }
      await locker.query('COMMIT');
      await waitFor('both imports to finish', async () => (await Promise.all(jobs.map((job) => job.getState()))).every((state) => state === 'completed'));
    } finally {
      await locker.end();
    }
  });
});
