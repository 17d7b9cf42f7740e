/**
 * `connector-host dead-letters` (the built CLI) against a running host whose SQLite target is locked
 * by another writer: the failed export is listed, replayed once the lock is gone, or dropped.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { parseConfig } from '@connector-host/config';
import { connectorSettingsSchemas } from '@connector-host/connectors';
import { startServices, type RunningHost } from '@connector-host/services';
import { createTempDir, startRedis, type RedisServer, type TempDir } from '@connector-host/testing';

const CLI = resolve(__dirname, '..', 'dist', 'apps', 'cli', 'main.js');
const TOKEN = 'dead-letter-token-123';

describe('connector-host dead-letters', () => {
  let redis: RedisServer;
  let dir: TempDir;
  let db: Database.Database;
  let host: RunningHost;
  let configFile: string;

  // asynchronous: the host runs in this process and must go on serving while the CLI waits
  const cli = (...args: string[]) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((done) => {
      const child = spawn(process.execPath, [CLI, 'dead-letters', ...args, '--config', configFile], { env: { ...process.env, STAFF_TOKEN: TOKEN, REDIS_URL: redis.url }, timeout: 60000 });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      child.on('close', (status) => done({ status, stdout, stderr }));
    });
  const post = (login: string) =>
    fetch(`${host.url}/ecma2host_staff/scim/Users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: login, name: { givenName: 'Secret-Given-Name' } }),
      signal: AbortSignal.timeout(30000),
    });
  /** A POST while another writer holds the database: retries exhausted, 503, a dead letter. */
  const failWhileLocked = async (login: string) => {
    const locker = new Database(join(dir.path, 'staff.sqlite'));
    locker.exec('BEGIN EXCLUSIVE');
    try {
      expect((await post(login)).status).toBe(503);
    } finally {
      locker.exec('COMMIT');
      locker.close();
    }
  };

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first (npm test does)`);
    redis = await startRedis();
    dir = createTempDir('connector-host-dlq-cli-');
    db = new Database(join(dir.path, 'staff.sqlite'));
    db.exec('CREATE TABLE Staff (Login TEXT PRIMARY KEY NOT NULL, GivenName TEXT)');
    configFile = join(dir.path, 'staff.yaml');
    writeFileSync(
      configFile,
      `server: { host: 127.0.0.1, port: 0, metricsPort: 0, deadlineSeconds: 10 }
logging: { level: error }
connectors:
  staff:
    type: sql
    secretToken: \${STAFF_TOKEN}
    autosyncMinutes: 0
    exportRetries: 1
    circuitBreaker: { failures: 0 }
    connection: { dialect: sqlite, file: staff.sqlite, statementTimeoutMs: 100 }
    objectTypes:
      User:
        anchor: Login
        attributes: [Login, GivenName]
        scim: { userName: Login, name.givenName: GivenName }
        target: { table: Staff }
`,
    );
    const config = parseConfig(`redis: { url: '${redis.url}' }\n${readFileSync(configFile, 'utf8')}`, {
      baseDir: dir.path,
      env: { STAFF_TOKEN: TOKEN },
      connectorSettingsSchemas: connectorSettingsSchemas(),
    });
    host = await startServices(config, { services: ['scim-api', 'export-worker', 'import-worker', 'cache'], embeddedRedisDir: join(dir.path, 'redis') });
    for (let i = 0; i < 200; i++) {
      const ready = await fetch(`${host.url}/ecma2host_staff/scim/Users?count=1`, { headers: { authorization: `Bearer ${TOKEN}` } });
      if (ready.status === 200) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('host not ready');
  });

  afterAll(async () => {
    await host?.close();
    db?.close();
    await redis?.stop();
    dir?.remove();
  });

  it('lists a failed export without its values, replays it after the fix, and says when there is nothing left', async () => {
    expect((await cli('list')).stdout).toBe('staff: no dead letters\n');
    await failWhileLocked('henry');
    const listed = await cli('list');
    expect(listed.status).toBe(0);
    expect(listed.stdout).toMatch(/export\.create\s+henry\s+503\s+busy/);
    expect(listed.stdout).not.toContain('Secret-Given-Name');
    const [entry] = JSON.parse((await cli('list', '--json')).stdout) as Array<{ id: string; anchor: string }>;
    expect(entry.anchor).toBe('henry');

    const replayed = await cli('replay', '--id', entry.id, '--timeout', '30');
    expect({ status: replayed.status, stderr: replayed.stderr }).toEqual({ status: 0, stderr: '' });
    expect(replayed.stdout).toContain(`${entry.id}  export.create  henry  201`);
    expect(replayed.stdout).toContain('1 of 1 replayed successfully');
    expect(db.prepare('SELECT Login, GivenName FROM Staff').all()).toEqual([{ Login: 'henry', GivenName: 'Secret-Given-Name' }]);
    expect((await cli('list')).stdout).toBe('staff: no dead letters\n');
  });

  it('drops on request, and refuses a drop that names nothing', async () => {
    await failWhileLocked('irene');
    const refused = await cli('drop');
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('--id');
    const dropped = await cli('drop', '--all');
    expect(dropped.stdout).toBe('1 dropped\n');
    expect((await cli('list')).stdout).toBe('staff: no dead letters\n');
    expect(db.prepare("SELECT count(*) AS n FROM Staff WHERE Login = 'irene'").get()).toEqual({ n: 0 });
  });
});
