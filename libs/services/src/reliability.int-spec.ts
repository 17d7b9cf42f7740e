/**
 * The write path under target faults, against real PostgreSQL behind a TCP relay that can cut it:
 * dead letters (listed, replayed after the fix), the shared circuit breaker, back-pressure in the
 * queue, and the deadline reply (503 + Retry-After) whose job then completes once or is dropped.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { Redis } from 'ioredis';
import { parseConfig, type HostConfig } from '@connector-host/config';
import { connectorSettingsSchemas } from '@connector-host/connectors';
import { TargetGate } from '@connector-host/queue';
import { startPostgres, startRedis, startTcpProxy, type PostgresServer, type RedisServer, type TcpProxy } from '@connector-host/testing';
import { parseLogQuery, ProvisioningLogRepository } from '@connector-host/telemetry';
import { startServices, type RunningHost } from './bootstrap';
import { DeadLetterAdmin } from './dead-letters';

const TOKEN = 'reliability-token-123';
const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const DEADLINE_SECONDS = 4;

function connectorYaml(name: string, port: number, database: string, extra: string): string {
  return `
  ${name}:
    type: sql
    secretToken: \${TOKEN}-${name}
    autosyncMinutes: 0
    exportPartitions: 4
${extra
  .split('\n')
  .filter(Boolean)
  .map((l) => `    ${l}`)
  .join('\n')}
    connection: { dialect: postgres, url: 'postgres://postgres@127.0.0.1:${port}/${database}', statementTimeoutMs: 600000, connectTimeoutMs: 1000 }
    objectTypes:
      User:
        anchor: Login
        attributes: [Login, GivenName]
        scim: { userName: Login, name.givenName: GivenName }
        target: { table: Staff }
`;
}

describe('the write path under target faults (PostgreSQL)', () => {
  let redis: RedisServer;
  let pg: PostgresServer;
  let dir: string;
  let host: RunningHost;
  let config: HostConfig & { redis: { url: string } };
  let client: Redis;
  let dlqProxy: TcpProxy;
  let breakerProxy: TcpProxy;
  const db: Record<string, Client> = {};

  const scim = async (connector: string, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${host.url}/ecma2host_${connector}/scim${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}-${connector}`, 'content-type': 'application/scim+json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30000),
    });
    const text = await response.text();
    return { status: response.status, retryAfter: response.headers.get('retry-after'), body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
  };
  const create = (connector: string, login: string) => scim(connector, 'POST', '/Users', { schemas: [CORE], userName: login, name: { givenName: login.toUpperCase() } });
  const rows = async (connector: string, login: string) => (await db[connector].query('SELECT "Login" FROM "Staff" WHERE "Login" = $1', [login])).rowCount;
  const waitFor = async (what: string, check: () => Promise<boolean>) => {
    for (let i = 0; i < 300; i++) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out waiting for ${what}`);
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'connector-host-reliability-'));
    [redis, pg] = await Promise.all([startRedis({ appendOnly: true }), startPostgres()]);
    dlqProxy = await startTcpProxy(pg.port);
    breakerProxy = await startTcpProxy(pg.port);
    for (const name of ['dlq', 'brk', 'main']) {
      const url = await pg.createDatabase(`reliability_${name}`);
      db[name] = new Client({ connectionString: url });
      await db[name].connect();
      await db[name].query('CREATE TABLE "Staff" ("Login" varchar(64) PRIMARY KEY, "GivenName" varchar(64))');
    }
    config = parseConfig(
      `
server: { host: 127.0.0.1, port: 0, deadlineSeconds: ${DEADLINE_SECONDS}, metricsPort: 0 }
redis: { url: '${redis.url}' }
logging: { level: error }
workers: { lockSeconds: 5, shutdownSeconds: 2 }
connectors:${connectorYaml('dlq', dlqProxy.port, 'reliability_dlq', 'exportRetries: 1\ncircuitBreaker: { failures: 0 }')}${connectorYaml(
        'brk',
        breakerProxy.port,
        'reliability_brk',
        'exportRetries: 0\ncircuitBreaker: { failures: 2, openSeconds: 600 }',
      )}${connectorYaml('main', pg.port, 'reliability_main', 'maxConcurrentExports: 1')}`,
      { baseDir: dir, env: { TOKEN }, connectorSettingsSchemas: connectorSettingsSchemas() },
    ) as HostConfig & { redis: { url: string } };
    host = await startServices(config, { services: ['scim-api', 'export-worker', 'import-worker', 'cache'], embeddedRedisDir: join(dir, 'redis') });
    client = new Redis(redis.url);
    for (const name of ['dlq', 'brk', 'main']) {
      await waitFor(`connector ${name} to serve`, async () => (await scim(name, 'GET', '/Users?count=1')).status === 200);
    }
  });

  afterAll(async () => {
    await host?.close();
    client?.disconnect();
    for (const c of Object.values(db)) await c.end();
    await dlqProxy?.stop();
    await breakerProxy?.stop();
    await pg?.stop();
    await redis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('dead-letters an export that exhausted its retries, lists it, and replays it once the target is back', async () => {
    const admin = new DeadLetterAdmin(config, client);
    dlqProxy.cut();
    const failed = await create('dlq', 'alice');
    expect(failed.status).toBe(503);
    expect(failed.retryAfter).toBe('30');
    const letters = await admin.list('dlq');
    expect(letters).toEqual([expect.objectContaining({ connector: 'dlq', job: 'export.create', anchor: 'alice', status: 503 })]);
    expect(letters[0].reason).toMatch(/unavailable/);
    // the list never carries the request body
    expect(JSON.stringify(letters)).not.toContain('ALICE');
    expect(await rows('dlq', 'alice')).toBe(0);

    dlqProxy.restore();
    const replayed = await admin.replay('dlq', undefined, 30000);
    expect(replayed).toEqual([expect.objectContaining({ id: letters[0].id, job: 'export.create', status: 201 })]);
    expect(await rows('dlq', 'alice')).toBe(1);
    expect(await admin.list('dlq')).toEqual([]);
    // a second replay of the same entry finds it gone: replayed once
    expect(await admin.replay('dlq', [letters[0].id], 1000)).toEqual([expect.objectContaining({ status: 'gone' })]);
    // the client's fault (409 uniqueness) is not a dead letter
    expect((await create('dlq', 'alice')).status).toBe(409);
    expect(await admin.list('dlq')).toEqual([]);
    // read your writes: the replayed object is in the cache
    expect((await scim('dlq', 'GET', '/Users/alice')).status).toBe(200);
  });

  it('replays as a rerun: an export whose failed first run had reached the target is adopted, not refused or added twice', async () => {
    const admin = new DeadLetterAdmin(config, client);
    dlqProxy.cut();
    expect((await create('dlq', 'ivan')).status).toBe(503);
    dlqProxy.restore();
    // the first run's INSERT had in fact committed (the answer was lost on the way back)
    await db.dlq.query('INSERT INTO "Staff" ("Login", "GivenName") VALUES ($1, $2)', ['ivan', 'IVAN']);
    const [letter] = await admin.list('dlq');
    expect(await admin.replay('dlq', [letter.id], 30000)).toEqual([expect.objectContaining({ status: 201 })]);
    expect(await rows('dlq', 'ivan')).toBe(1);
    expect((await scim('dlq', 'GET', '/Users/ivan')).status).toBe(200);
  });

  it('drops dead letters on request', async () => {
    const admin = new DeadLetterAdmin(config, client);
    dlqProxy.cut();
    expect((await create('dlq', 'zoe')).status).toBe(503);
    dlqProxy.restore();
    const [letter] = await admin.list('dlq');
    expect(letter).toMatchObject({ anchor: 'zoe' });
    expect(await admin.drop('dlq', [letter.id])).toBe(1);
    expect(await admin.list('dlq')).toEqual([]);
    expect(await rows('dlq', 'zoe')).toBe(0);
  });

  it('opens the shared circuit breaker after consecutive failures: the dead target is not called again', async () => {
    const gate = new TargetGate(client, config.redis.prefix);
    const admin = new DeadLetterAdmin(config, client);
    breakerProxy.cut();
    expect((await create('brk', 'b1')).status).toBe(503);
    expect((await create('brk', 'b2')).status).toBe(503);
    expect(await gate.state('brk')).toMatchObject({ breaker: 'open' });
    const calls = breakerProxy.refused + breakerProxy.relayed;
    for (const login of ['b3', 'b4', 'b5']) {
      const answer = await create('brk', login);
      expect(answer.status).toBe(503);
      expect(answer.retryAfter).toBe('30');
      expect(String(answer.body?.detail)).toMatch(/circuit breaker open/);
    }
    // not one connection attempt while open
    expect(breakerProxy.refused + breakerProxy.relayed).toBe(calls);
    // the two that reached the target are dead letters; the three never sent are dropped, not kept
    expect((await admin.list('brk')).map((l) => l.anchor).sort()).toEqual(['b1', 'b2']);
    const log = await new ProvisioningLogRepository(client, config.redis.prefix, 10000).query('brk', parseLogQuery({ anchor: 'b3' }));
    expect(log).toEqual([expect.objectContaining({ outcome: 'dropped', status: 503 })]);

    breakerProxy.restore();
    await gate.reset('brk');
    expect((await create('brk', 'b3')).status).toBe(201);
    expect(await rows('brk', 'b3')).toBe(1);
  });

  it('lets a burst wait in the queue under maxConcurrentExports instead of refusing it', async () => {
    const logins = Array.from({ length: 24 }, (_, i) => `burst${i}`);
    const answers = await Promise.all(logins.map((login) => create('main', login)));
    expect(answers.map((a) => a.status)).toEqual(logins.map(() => 201));
    expect(Number((await db.main.query(`SELECT count(*) FROM "Staff" WHERE "Login" LIKE 'burst%'`)).rows[0].count)).toBe(24);
  });

  it('answers 503 with Retry-After at the deadline; the job then completes once, and the retried POST gets 409', async () => {
    const blocker = new Client({ connectionString: pg.urlFor('reliability_main') });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE "Staff" IN ACCESS EXCLUSIVE MODE');
      const late = await create('main', 'bob');
      expect(late.status).toBe(503);
      expect(late.retryAfter).toBe('30');
      await blocker.query('COMMIT');
    } finally {
      await blocker.end();
    }
    // the job had started: it completes after its waiter gave up (once), never dropped as well
    await waitFor('the late job to complete', async () => (await rows('main', 'bob')) === 1);
    await waitFor('the late job to reach the cache', async () => (await scim('main', 'GET', '/Users/bob')).status === 200);
    // Entra retries the POST it saw fail: 409 uniqueness, never a second row
    const retried = await create('main', 'bob');
    expect(retried.status).toBe(409);
    expect(retried.body).toMatchObject({ scimType: 'uniqueness' });
    expect(await rows('main', 'bob')).toBe(1);
    const found = await scim('main', 'GET', `/Users?filter=${encodeURIComponent('userName eq "bob"')}`);
    expect(found.body).toMatchObject({ totalResults: 1 });
  });

  it('drops a job that cannot reach its target before the deadline, and never applies it later', async () => {
    // the breaker of "main" is open for longer than any deadline: the job is not even tried
    await client.hset(`${config.redis.prefix}:breaker:main`, 'openUntil', String(Date.now() + 600000));
    const refused = await create('main', 'carol');
    expect(refused.status).toBe(503);
    const log = await new ProvisioningLogRepository(client, config.redis.prefix, 10000).query('main', parseLogQuery({ anchor: 'carol' }));
    expect(log).toEqual([expect.objectContaining({ outcome: 'dropped' })]);
    await new TargetGate(client, config.redis.prefix).reset('main');
    // the retry is the only application: 201, not 409 from a late first attempt
    expect((await create('main', 'carol')).status).toBe(201);
    expect(await rows('main', 'carol')).toBe(1);
  });
});
