import { Redis } from 'ioredis';
import { startRedis, type RedisServer } from '@connector-host/testing';
import { ProvisioningLogRepository } from './provisioning-log.repository';
import { parseLogQuery } from './provisioning-log.query';

describe('ProvisioningLogRepository (real Redis)', () => {
  let server: RedisServer;
  let redis: Redis;

  beforeAll(async () => {
    server = await startRedis();
    redis = new Redis(server.url);
  });
  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
  });

  it('appends to a capped stream per connector and reads newest first, filtered', async () => {
    const log = new ProvisioningLogRepository(redis, 'ch', 100);
    for (let i = 0; i < 250; i++) {
      await log.append({ connector: 'demo', anchor: `u${i}`, scimOperation: 'create', targetOperation: 'add', status: i % 10 === 0 ? 409 : 201, outcome: i % 10 === 0 ? 'rejected' : 'success', durationMs: i });
    }
    await log.append({ connector: 'other', status: 200, outcome: 'success', durationMs: 1, targetOperation: 'full-import', objects: 3 });
    expect(await redis.exists('ch:{demo}:provlog')).toBe(1);
    // trimmed to about maxEntries (Redis trims whole blocks with ~)
    const length = await redis.xlen('ch:{demo}:provlog');
    expect(length).toBeGreaterThanOrEqual(100);
    expect(length).toBeLessThan(250);

    const newest = await log.query('demo', parseLogQuery({ count: '3' }));
    expect(newest.map((e) => e.anchor)).toEqual(['u249', 'u248', 'u247']);
    expect(newest[0]).toEqual(expect.objectContaining({ connector: 'demo', status: 201, durationMs: 249, time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) }));
    const conflicts = await log.query('demo', parseLogQuery({ status: '409', count: '1000' }));
    expect(conflicts.length).toBeGreaterThanOrEqual(10);
    expect(conflicts.every((e) => e.status === 409)).toBe(true);
    expect((await log.query('other', parseLogQuery({}))).map((e) => e.targetOperation)).toEqual(['full-import']);
    expect(await log.query('nobody', parseLogQuery({}))).toEqual([]);
  });

  it('selects a time range by stream id', async () => {
    const log = new ProvisioningLogRepository(redis, 'range', 1000);
    await log.append({ connector: 'demo', anchor: 'before', status: 201, outcome: 'success', durationMs: 1 });
    const [id] = (await redis.xrevrange('range:{demo}:provlog', '+', '-', 'COUNT', 1)) as Array<[string, string[]]>;
    const after = Number(id[0].split('-')[0]) + 1;
    await new Promise((r) => setTimeout(r, 5));
    await log.append({ connector: 'demo', anchor: 'after', status: 201, outcome: 'success', durationMs: 1 });
    expect((await log.query('demo', { since: after, count: 10 })).map((e) => e.anchor)).toEqual(['after']);
    expect((await log.query('demo', { until: after - 1, count: 10 })).map((e) => e.anchor)).toEqual(['before']);
  });
});
