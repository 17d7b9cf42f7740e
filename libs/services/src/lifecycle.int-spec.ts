/**
 * Worker lifecycle against real PostgreSQL (behind a TCP relay) and Redis: an export-worker takes
 * no job until its target answers, and at shutdown hands a job it cannot finish in time back to the
 * queue, where the next replica completes it exactly once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { parseConfig, type HostConfig } from '@connector-host/config';
import { connectorSettingsSchemas } from '@connector-host/connectors';
import { exportQueueName, partitionOf, QueueDriver } from '@connector-host/queue';
import { startPostgres, startRedis, startTcpProxy, type PostgresServer, type RedisServer, type TcpProxy } from '@connector-host/testing';
import { startServices, type RunningHost } from './bootstrap';

const TOKEN = 'lifecycle-token-1234';
const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PARTITIONS = 2;

describe('export-worker lifecycle', () => {
  let redis: RedisServer;
  let pg: PostgresServer;
  let proxy: TcpProxy;
  let dir: string;
  let db: Client;
  let config: HostConfig & { redis: { url: string } };
  let queues: QueueDriver;
  const hosts: RunningHost[] = [];

  const start = async (services: Array<'scim-api' | 'export-worker' | 'import-worker' | 'cache'>) => {
    const host = await startServices(config, { services, embeddedRedisDir: join(dir, 'redis') });
    hosts.push(host);
    return host;
  };
  const scim = async (host: RunningHost, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${host.url}/ecma2host_life/scim${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30000),
    });
    return response.status;
  };
  const waitFor = async (what: string, check: () => Promise<boolean>) => {
    for (let i = 0; i < 600; i++) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`timed out waiting for ${what}`);
  };
  const rows = async (login: string) => (await db.query('SELECT 1 FROM "Staff" WHERE "Login" = $1', [login])).rowCount;
  const queueOf = (login: string) => queues.queue(exportQueueName('life', partitionOf(login, PARTITIONS)));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'connector-host-lifecycle-'));
    [redis, pg] = await Promise.all([startRedis(), startPostgres()]);
    const url = await pg.createDatabase('lifecycle');
    db = new Client({ connectionString: url });
    await db.connect();
    // no unique key: only the host keeps a handed-back create from adding a second row
    await db.query('CREATE TABLE "Staff" ("Login" varchar(64) NOT NULL, "GivenName" varchar(64))');
    proxy = await startTcpProxy(pg.port);
    config = parseConfig(
      `
server: { host: 127.0.0.1, port: 0, deadlineSeconds: 3, metricsPort: 0 }
redis: { url: '${redis.url}' }
logging: { level: error }
workers: { lockSeconds: 30, shutdownSeconds: 1 }
connectors:
  life:
    type: sql
    secretToken: \${TOKEN}
    autosyncMinutes: 0
    exportPartitions: ${PARTITIONS}
    connection: { dialect: postgres, url: 'postgres://postgres@127.0.0.1:${proxy.port}/lifecycle', statementTimeoutMs: 600000, connectTimeoutMs: 1000 }
    objectTypes:
      User:
        anchor: Login
        attributes: [Login, GivenName]
        scim: { userName: Login, name.givenName: GivenName }
        target: { table: Staff }
`,
      { baseDir: dir, env: { TOKEN }, connectorSettingsSchemas: connectorSettingsSchemas() },
    ) as HostConfig & { redis: { url: string } };
    queues = new QueueDriver({ redisUrl: redis.url, prefix: config.redis.prefix });
  });

  afterAll(async () => {
    for (const host of hosts) await host.close().catch(() => undefined);
    await queues?.close();
    await db?.end();
    await proxy?.stop();
    await pg?.stop();
    await redis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('starts paused while the target does not answer, and takes the waiting jobs once it does', async () => {
    proxy.cut();
    const edge = await start(['scim-api', 'cache', 'import-worker']);
    await start(['export-worker']);
    // the worker keeps probing the dead target...
    await waitFor('the worker to probe the target twice', async () => proxy.refused >= 2);
    // ...and a job queued meanwhile (straight onto the queue: scim-api is not serving yet) stays waiting
    const now = Date.now();
    const job = await queueOf('erin').add('export.create', {
      connector: 'life',
      objectType: 'User',
      resource: { schemas: [CORE], userName: 'erin', name: { givenName: 'Erin' } },
      envelope: { requestId: 'lifecycle-erin', acceptedAt: now, deadline: now + 600000, replyTo: 'ch:reply:nobody' },
    }, { jobId: 'lifecycle-erin', removeOnComplete: false });
    await waitFor('the worker to probe once more after the job was queued', async () => proxy.refused >= 4);
    expect(await job.getState()).toBe('waiting');
    expect(await rows('erin')).toBe(0);

    proxy.restore();
    await waitFor('the job to complete', async () => (await job.getState()) === 'completed');
    expect(await rows('erin')).toBe(1);
    await waitFor('scim-api to serve', async () => (await scim(edge, 'GET', '/Users?count=1')) === 200);
    expect(await scim(edge, 'GET', '/Users/erin')).toBe(200);
  });

  it('hands an in-flight job back at shutdown; the next replica completes it once', async () => {
    const edge = hosts[0];
    const first = hosts[1];
    const blocker = new Client({ connectionString: pg.urlFor('lifecycle') });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE "Staff" IN ACCESS EXCLUSIVE MODE');
    const queue = queueOf('frank');
    const posted = scim(edge, 'POST', '/Users', { schemas: [CORE], userName: 'frank', name: { givenName: 'Frank' } });
    await waitFor('the export to be in flight', async () => (await queue.getActiveCount()) === 1);
    const [active] = await queue.getActive();
    // the INSERT waits on the lock past workers.shutdownSeconds: the job goes back to the queue
    const closing = first.close();
    await waitFor('the job to be handed back', async () => (await queue.getJob(active.id!))?.progress !== 0 && (await queue.getJobState(active.id!)) === 'waiting');
    expect((await queue.getJob(active.id!))?.progress).toEqual({ handedBack: true });
    expect(await posted).toBe(503);
    await blocker.query('COMMIT');
    await blocker.end();
    await closing;
    // the next replica treats it as a rerun: whether or not the first INSERT went through, one row
    await start(['export-worker']);
    await waitFor('the handed-back job to finish', async () => (await queue.getJobState(active.id!)) !== 'waiting' && (await queue.getActiveCount()) === 0);
    expect(await rows('frank')).toBe(1);
    await waitFor('frank in the connector space', async () => (await scim(edge, 'GET', '/Users/frank')) === 200);
    expect(await scim(edge, 'POST', '/Users', { schemas: [CORE], userName: 'frank' })).toBe(409);
    expect(await rows('frank')).toBe(1);
  });

  it('completes a rerun whose first attempt already added the object: adopted, not added twice', async () => {
    const edge = hosts[0];
    // the first attempt's INSERT went through, then its worker died: the row is there, the cache knows nothing
    await db.query('INSERT INTO "Staff" ("Login", "GivenName") VALUES ($1, $2)', ['gina', 'Gina']);
    const queue = queueOf('gina');
    await queue.pause();
    const now = Date.now();
    const job = await queue.add('export.create', {
      connector: 'life',
      objectType: 'User',
      resource: { schemas: [CORE], userName: 'gina', name: { givenName: 'Gina' } },
      envelope: { requestId: 'lifecycle-gina', acceptedAt: now, deadline: now + 60000, replyTo: 'ch:reply:nobody' },
    }, { jobId: 'lifecycle-gina', removeOnComplete: false });
    // as QueueDriver.close marks a job it hands back
    await job.updateProgress({ handedBack: true });
    await queue.resume();
    await waitFor('the rerun to complete', async () => (await job.getState()) === 'completed');
    expect((await queue.getJob('lifecycle-gina'))?.returnvalue).toEqual({ status: 201 });
    expect(await rows('gina')).toBe(1);
    expect(await scim(edge, 'GET', '/Users/gina')).toBe(200);
  });
});
