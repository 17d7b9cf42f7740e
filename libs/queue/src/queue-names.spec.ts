import { exportQueueName, importQueueName, partitionOf, cacheQueueName } from './queue-names';
import { assertHandlers } from './bullmq.driver';

describe('queue names', () => {
  it('are kebab-case without colons', () => {
    for (const name of [exportQueueName('demo', 3), importQueueName('HR1'), cacheQueueName('x')]) {
      expect(name).toMatch(/^[a-z]+-[A-Za-z0-9]+(-\d+)?$/);
      expect(name).not.toContain(':');
    }
  });

  it('puts one object always in the same partition, and spreads objects over all partitions', () => {
    expect(partitionOf('alice', 8)).toBe(partitionOf('alice', 8));
    const used = new Set(Array.from({ length: 200 }, (_, i) => partitionOf(`user${i}`, 8)));
    expect(used.size).toBe(8);
    for (const p of used) expect(p).toBeGreaterThanOrEqual(0);
  });
});

describe('assertHandlers', () => {
  it('refuses a missing or an extra handler', () => {
    const ok = { a: async () => 1, b: async () => 2 };
    expect(() => assertHandlers('q', ok, ['a', 'b'])).not.toThrow();
    expect(() => assertHandlers('q', { a: ok.a } as never, ['a', 'b'])).toThrow(/do not match/);
    expect(() => assertHandlers('q', { ...ok, c: ok.a } as never, ['a', 'b'])).toThrow(/do not match/);
  });
});
