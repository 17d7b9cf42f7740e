import { existsSync } from 'node:fs';
import { Client } from 'pg';
import { createConnection } from 'mysql2/promise';
import { isPortOpen } from './free-port';
import { startMariaDb } from './mariadb.server';
import { startPostgres } from './postgres.server';
import { redisPing, startRedis } from './redis.server';
import { findBinary, MissingBinaryError, requireBinary } from './server-process';

describe('test servers', () => {
  it('starts redis-server, answers PING, and stops it', async () => {
    const redis = await startRedis();
    try {
      expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
      await expect(redisPing(redis.port)).resolves.toBe(true);
    } finally {
      await redis.stop();
    }
    await expect(isPortOpen(redis.port)).resolves.toBe(false);
    expect(existsSync(redis.dir)).toBe(false);
  });

  it('starts redis-server with the append-only file on', async () => {
    const redis = await startRedis({ appendOnly: true });
    try {
      await expect(redisPing(redis.port)).resolves.toBe(true);
      expect(existsSync(`${redis.dir}/appendonlydir`)).toBe(true);
    } finally {
      await redis.stop();
    }
  });

  it('starts PostgreSQL, creates a database, runs a query, and stops it', async () => {
    const pg = await startPostgres();
    try {
      const url = await pg.createDatabase();
      expect(url).toMatch(new RegExp(`^postgres://postgres@127\\.0\\.0\\.1:${pg.port}/test_`));
      const client = new Client({ connectionString: url });
      await client.connect();
      const { rows } = await client.query<{ answer: number }>('SELECT 41 + 1 AS answer');
      await client.end();
      expect(rows[0]?.answer).toBe(42);
    } finally {
      await pg.stop();
    }
    await expect(isPortOpen(pg.port)).resolves.toBe(false);
  });

  it('starts MariaDB with a passwordless root and the test database, and stops it', async () => {
    const maria = await startMariaDb();
    try {
      expect(maria.url).toBe(`mysql://root@127.0.0.1:${maria.port}/test`);
      const connection = await createConnection(maria.url);
      const [rows] = await connection.query('SELECT DATABASE() AS db, CURRENT_USER() AS user');
      await connection.end();
      expect(rows).toEqual([{ db: 'test', user: expect.stringMatching(/^root@/) }]);
      const other = await maria.createDatabase('second_db');
      expect(other).toBe(`mysql://root@127.0.0.1:${maria.port}/second_db`);
    } finally {
      await maria.stop();
    }
    await expect(isPortOpen(maria.port)).resolves.toBe(false);
  });

  it('starts several servers side by side', async () => {
    const servers = await Promise.all([startRedis(), startRedis(), startPostgres(), startMariaDb()]);
    try {
      expect(new Set(servers.map((s) => s.port)).size).toBe(servers.length);
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
    }
  });

  it('names the Debian package when a binary is missing', () => {
    expect(findBinary(['no-such-server-binary'])).toBeUndefined();
    expect(() => requireBinary(['no-such-server-binary'], 'redis-server')).toThrow(MissingBinaryError);
    expect(() => requireBinary(['no-such-server-binary'], 'mariadb-server')).toThrow(
      'install it with `apt-get install -y mariadb-server`',
    );
  });
});
