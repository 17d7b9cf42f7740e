import { spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import { startRedis, type RedisServer } from '@connector-host/testing';
import { ConnectorSpace } from './connector-space.repository';

const spaceOn = (redis: Redis): ConnectorSpace =>
  new ConnectorSpace(redis, 'ch', 'posix', [{ objectType: 'User', indexes: [{ attribute: 'uidNumber', caseExact: false }] }]);

const held = (anchor: string, uidNumber: number) => ({ objectType: 'User', anchor, dn: `uid=${anchor}`, attributes: { uidNumber: [uidNumber] } });

describe('ConnectorSpace.allocateNumber (host-side uidNumber rule) on a real Redis', () => {
  let server: RedisServer;
  const clients: Redis[] = [];
  const client = (): Redis => {
    const redis = new Redis(server.url);
    clients.push(redis);
    return redis;
  };

  beforeAll(async () => {
    server = await startRedis();
  });
  beforeEach(async () => {
    await client().flushall();
  });
  afterAll(async () => {
    for (const redis of clients) redis.disconnect();
    await server.stop();
  });

  it('skips numbers objects hold, wraps to the start, and says when the range is exhausted', async () => {
    const space = spaceOn(client());
    await space.commitExport('User', null, held('a', 100));
    await space.commitExport('User', null, held('b', 102));
    expect(await space.allocateNumber('User', 'uidNumber', 100, 103)).toBe(101);
    expect(await space.allocateNumber('User', 'uidNumber', 100, 103)).toBe(103);
    await space.commitExport('User', null, held('c', 101));
    await space.commitExport('User', null, held('d', 103));
    expect(await space.allocateNumber('User', 'uidNumber', 100, 103)).toBeNull();
    await space.commitExport('User', 'a', null);
    expect(await space.allocateNumber('User', 'uidNumber', 100, 103)).toBe(100);
  });

  it('hands out distinct numbers to concurrent callers on separate connections', async () => {
    const spaces = Array.from({ length: 8 }, () => spaceOn(client()));
    const numbers = await Promise.all(Array.from({ length: 400 }, (_, i) => spaces[i % 8]!.allocateNumber('User', 'uidNumber', 10000, 60000)));
    expect(new Set(numbers).size).toBe(400);
    expect(Math.min(...(numbers as number[]))).toBe(10000);
    expect(Math.max(...(numbers as number[]))).toBe(10399);
  });

  it('hands out distinct numbers to concurrent processes', async () => {
    const script = `
      const { Redis } = require('ioredis');
      const redis = new Redis(process.argv[1]);
      const lua = process.argv[2];
      Promise.all(Array.from({ length: 100 }, () => redis.eval(lua, 2, 'ch:{posix}:alloc:User:uidnumber', 'ch:{posix}:cs:User:idx:uidnumber', 10000, 60000)))
        .then((n) => { process.stdout.write(JSON.stringify(n)); redis.disconnect(); });
    `;
    const { ALLOCATE_NUMBER } = await import('./scripts');
    const inProcess = (): Promise<number[]> =>
      new Promise((resolve, reject) => {
        const child = spawn(process.execPath, ['-e', script, server.url, ALLOCATE_NUMBER], {
          cwd: process.cwd(),
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        let out = '';
        child.stdout.on('data', (c) => (out += c));
        child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as number[]) : reject(new Error(`child exited ${code}`))));
        child.on('error', reject);
      });
    const results = await Promise.all([inProcess(), inProcess(), inProcess(), inProcess()]);
    const all = results.flat();
    expect(all).toHaveLength(400);
    expect(new Set(all).size).toBe(400);
  });
});
