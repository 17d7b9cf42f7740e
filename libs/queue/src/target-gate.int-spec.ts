import { Redis } from 'ioredis';
import { startRedis, type RedisServer } from '@connector-host/testing';
import { TargetGate, TargetGateTimeout } from './target-gate';

describe('TargetGate on a real Redis, shared by two replicas', () => {
  let redis: RedisServer;
  let a: Redis;
  let b: Redis;

  beforeAll(async () => {
    redis = await startRedis();
    a = new Redis(redis.url);
    b = new Redis(redis.url);
  });

  afterAll(async () => {
    a?.disconnect();
    b?.disconnect();
    await redis?.stop();
  });

  it('never lets more than maxConcurrent calls run at once across replicas; the rest wait and all complete', async () => {
    const replicas = [new TargetGate(a, 't'), new TargetGate(b, 't')];
    let inFlight = 0;
    let most = 0;
    let admitted = 0;
    let releaseAll: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (releaseAll = resolve));
    const policy = { maxConcurrent: 2, failures: 0, openMs: 1000 };
    const calls = Array.from({ length: 12 }, (_, i) =>
      replicas[i % 2].run('hr', policy, Date.now() + 60000, async () => {
        inFlight++;
        most = Math.max(most, inFlight);
        // the first two admitted hold their slots until every other call has had the chance to push in
        if (admitted++ < 2) await held;
        else await new Promise((r) => setImmediate(r));
        inFlight--;
        return i;
      }, () => true),
    );
    // while the first two hold both slots, nobody else is in
    for (let i = 0; i < 20 && (await replicas[0].state('hr')).inFlight < 2; i++) await new Promise((r) => setTimeout(r, 20));
    expect((await replicas[0].state('hr')).inFlight).toBe(2);
    expect(inFlight).toBe(2);
    releaseAll();
    expect((await Promise.all(calls)).sort((x, y) => x - y)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(most).toBe(2);
    expect((await replicas[1].state('hr')).inFlight).toBe(0);
  });

  it('opens after consecutive failed operations on either replica, refuses without calling, then lets one probe close it', async () => {
    const replicas = [new TargetGate(a, 'b'), new TargetGate(b, 'b')];
    const policy = { maxConcurrent: 0, failures: 2, openMs: 200 };
    let calls = 0;
    const failing = async () => {
      calls++;
      throw new Error('down');
    };
    // one operation whose attempts all failed, on each replica: attempts alone do not open it
    for (const replica of replicas) {
      await expect(replica.run('ldap', policy, Date.now() + 60000, failing, () => true)).rejects.toThrow('down');
      await expect(replica.run('ldap', policy, Date.now() + 60000, failing, () => true)).rejects.toThrow('down');
      expect(await replicas[0].state('ldap')).toMatchObject({ breaker: 'closed' });
      await replica.recordFailure('ldap', policy);
    }
    expect(await replicas[0].state('ldap')).toMatchObject({ breaker: 'open' });
    // a deadline before the breaker half-opens: refused at once, the target untouched
    await expect(replicas[1].run('ldap', policy, Date.now() + 50, failing, () => true)).rejects.toBeInstanceOf(TargetGateTimeout);
    expect(calls).toBe(4);
    // a longer deadline waits for the half-open probe, which succeeds and closes it
    expect(await replicas[0].run('ldap', policy, Date.now() + 60000, async () => 'up', () => true)).toBe('up');
    expect(await replicas[1].state('ldap')).toMatchObject({ breaker: 'closed', failures: 0 });
  });

  it('a failed probe opens it again at once; any success closes it and restarts the count', async () => {
    const gate = new TargetGate(a, 'c');
    const policy = { maxConcurrent: 0, failures: 2, openMs: 100 };
    await gate.recordFailure('sql', policy);
    await gate.run('sql', policy, Date.now() + 60000, async () => 'ok', () => true);
    await gate.recordFailure('sql', policy);
    expect(await gate.state('sql')).toMatchObject({ breaker: 'closed', failures: 1 });
    await gate.recordFailure('sql', policy);
    expect(await gate.state('sql')).toMatchObject({ breaker: 'open' });
    // the probe (after openMs) fails: open again without waiting for further failures
    await expect(gate.run('sql', policy, Date.now() + 60000, async () => Promise.reject(new Error('down')), () => true)).rejects.toThrow('down');
    expect(await gate.state('sql')).toMatchObject({ breaker: 'open' });
  });
});
