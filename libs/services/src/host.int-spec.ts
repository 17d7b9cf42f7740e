import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { parseConfig } from '@connector-host/config';
import { connectorSettingsSchemas } from '@connector-host/connectors';
import { startRedis, type RedisServer } from '@connector-host/testing';
import { Redis } from 'ioredis';
import { exportQueueName, partitionOf, QueueDriver, type ExportJobs, type ExportReply } from '@connector-host/queue';
import { startServices, type RunningHost } from './bootstrap';

const TOKEN = 'order-test-token-123';
const EXT = 'urn:ietf:params:scim:schemas:extension:ECMA2Host:2.0:User';

function config(dir: string, redisUrl: string, deadlineSeconds: number) {
  return parseConfig(
    `
server: { host: 127.0.0.1, port: 0, deadlineSeconds: ${deadlineSeconds} }
redis:
  url: ${redisUrl}
logging: { level: error }
connectors:
  hr:
    type: sql
    secretToken: \${TOKEN}
    autosyncMinutes: 0
    exportRetries: 50
    connection: { dialect: sqlite, file: hr.sqlite, statementTimeoutMs: 200 }
    objectTypes:
      User:
        anchor: ContosoLogin
        scim: { userName: ContosoLogin }
        deprovisioning: { disable: { setAttribute: Enabled }, delete: delete }
        target: { table: Employees }
`,
    { baseDir: dir, env: { TOKEN }, connectorSettingsSchemas: connectorSettingsSchemas() },
  );
}

describe('the host over its real queue (invariants 2 and 6)', () => {
  let redis: RedisServer;
  let host: RunningHost;
  let dir: string;
  let db: Database.Database;

  const scim = (method: string, path: string, body?: unknown) =>
    fetch(`${host.url}/ecma2host_hr/scim${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30000),
    });

  const create = (login: string, first: string) =>
    scim('POST', '/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: login, [EXT]: { FirstName: first } });
  const rename = (login: string, first: string) =>
    scim('PATCH', `/Users/${login}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: `${EXT}:FirstName`, value: first }] });

  async function start(deadlineSeconds: number) {
    host = await startServices(config(dir, redis.url, deadlineSeconds), {
      services: ['scim-api', 'export-worker', 'import-worker', 'cache'],
      embeddedRedisDir: join(dir, 'redis'),
    });
    // ready once the schema is discovered: GET answers 200
    for (let i = 0; i < 100; i++) {
      if ((await scim('GET', '/Users?count=1')).status === 200) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('host did not become ready within 10 s');
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'connector-host-order-'));
    db = new Database(join(dir, 'hr.sqlite'));
    db.exec(readFileSync(join(__dirname, '../../../config/demo-employees.sql'), 'utf8'));
    redis = await startRedis();
  });

  afterAll(async () => {
    await host?.close();
    db.close();
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('applies operations on one object in the order accepted, while objects run in parallel', async () => {
    await start(30);
    // accept exactly as scim-api does (queue.add on the object's partition), in a known order
    const queues = new QueueDriver({ redisUrl: redis.url, prefix: 'ch' });
    const subscriber = new Redis(redis.url);
    const replies = new Map<string, number>();
    await subscriber.subscribe('test-replies');
    subscriber.on('message', (_c: string, message: string) => {
      const reply = JSON.parse(message) as ExportReply;
      replies.set(reply.requestId, reply.status);
    });
    const envelope = (requestId: string) => ({ requestId, acceptedAt: Date.now(), deadline: Date.now() + 30000, replyTo: 'test-replies' });
    const users = Array.from({ length: 16 }, (_, i) => `order${i}`);
    const ids: Record<string, string[]> = {};
    try {
      for (const login of users) {
        const queue = queues.queue(exportQueueName('hr', partitionOf(login, 8)));
        const steps: Array<[keyof ExportJobs, Record<string, unknown>]> = [
          ['export.create', { resource: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: login, [EXT]: { FirstName: 'a' } } }],
          ['export.patch', { id: login, operations: [{ op: 'replace', path: `${EXT}:FirstName`, value: 'b' }] }],
          ['export.delete', { id: login }],
          ['export.create', { resource: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: login, [EXT]: { FirstName: 'c' } } }],
          ['export.patch', { id: login, operations: [{ op: 'replace', path: `${EXT}:FirstName`, value: 'd' }] }],
        ];
        ids[login] = [];
        for (const [name, data] of steps) {
          const requestId = `${login}-${ids[login].length}`;
          ids[login].push(requestId);
          await queue.add(name, { connector: 'hr', objectType: 'User', ...data, envelope: envelope(requestId) });
        }
      }
      const until = Date.now() + 30000;
      while (replies.size < users.length * 5 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      for (const login of users) expect(ids[login].map((id) => replies.get(id))).toEqual([201, 200, 204, 201, 200]);
      const rows = db.prepare('SELECT ContosoLogin, FirstName FROM Employees ORDER BY ContosoLogin').all() as Array<{ FirstName: string }>;
      expect(rows).toHaveLength(users.length);
      for (const row of rows) expect(row.FirstName).toBe('d');
    } finally {
      subscriber.disconnect();
      await queues.close();
    }
  });

  it('answers 503 by the deadline when the target is locked, then serves again', async () => {
    await host.close();
    await start(2);
    const blocker = new Database(join(dir, 'hr.sqlite'));
    blocker.exec('BEGIN EXCLUSIVE');
    const started = Date.now();
    try {
      const response = await create('blocked', 'x');
      expect(response.status).toBe(503);
      expect(((await response.json()) as { schemas: string[] }).schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
      // no request waits much longer than its deadline (2 s here)
      expect(Date.now() - started).toBeLessThan(10000);
    } finally {
      blocker.exec('ROLLBACK');
      blocker.close();
    }
    const after = await create('after', 'y');
    expect(after.status).toBe(201);
    expect(db.prepare("SELECT count(*) AS n FROM Employees WHERE ContosoLogin = 'after'").get()).toEqual({ n: 1 });
  });
});
