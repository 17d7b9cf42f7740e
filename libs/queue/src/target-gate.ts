import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * The door between export jobs and a connector's target, shared by every replica through Redis:
 *
 * - a **circuit breaker per connector** (= per target). After `failures` consecutive operations
 *   that failed for good (their retries spent on retryable errors: unavailable, busy, timeout),
 *   counted across all replicas, it opens for `openMs`: no replica calls the target. Then one call,
 *   from whichever replica comes first, probes it (half-open); success closes the breaker, failure
 *   opens it again. Any successful call closes it and restarts the count. Operations, not attempts,
 *   are counted: one request retrying against a target that blinked must not shut the door on the
 *   next request once the target is back. Shared rather than
 *   per process because N replicas each learning on their own would hit a dead target N times as
 *   hard, and a replica that starts (or restarts after a crash) would begin by hammering it again.
 * - a **concurrency limit per connector** across all replicas (`maxConcurrent`): a lease per
 *   target call in a sorted set, expiring by itself if its holder is killed.
 *
 * A job that cannot get in waits (its partition waits behind it: order is kept, nothing answers
 * 429) until its deadline; then `run` throws {@link TargetGateTimeout} without having called the
 * target, so the job is dropped cleanly. Clocks are the replicas' own (ms since the epoch), as for
 * the export deadline; replicas are expected to run NTP.
 */
export interface TargetGatePolicy {
  /** At most this many target calls at once across all replicas; 0 = no limit beyond the partitions. */
  maxConcurrent: number;
  /** Consecutive failures that open the breaker. 0 = no breaker. */
  failures: number;
  openMs: number;
}

/** Nothing was sent to the target: the breaker stayed open or no slot came free before the deadline. */
export class TargetGateTimeout extends Error {
  constructor(
    readonly connector: string,
    readonly why: 'circuit-open' | 'busy',
  ) {
    super(
      why === 'circuit-open'
        ? `the target of connector ${connector} is failing (circuit breaker open); not called before the deadline`
        : `connector ${connector} is at its limit of concurrent target operations until the deadline`,
    );
    this.name = 'TargetGateTimeout';
  }
}

// KEYS: breaker hash, slots zset. ARGV: now, token, leaseMs, maxConcurrent, probeMs.
// Returns {1, probing} when admitted, {0, waitMs} when the breaker is open (waitMs until it half-opens
// or the running probe ends), {0, -1} when every slot is taken.
const ADMIT = `
local now = tonumber(ARGV[1])
local openUntil = tonumber(redis.call('HGET', KEYS[1], 'openUntil') or '0')
if openUntil > now then return {0, openUntil - now} end
local probing = 0
if openUntil > 0 then
  local probeUntil = tonumber(redis.call('HGET', KEYS[1], 'probeUntil') or '0')
  if probeUntil > now then return {0, probeUntil - now} end
  probing = 1
end
local max = tonumber(ARGV[4])
if max > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
  if redis.call('ZCARD', KEYS[2]) >= max then return {0, -1} end
  redis.call('ZADD', KEYS[2], now + tonumber(ARGV[3]), ARGV[2])
end
if probing == 1 then redis.call('HSET', KEYS[1], 'probeUntil', now + tonumber(ARGV[5])) end
return {1, probing}
`;

// After one target call. KEYS: breaker hash, slots zset. ARGV: token, failed (1/0), now, openMs, probing (1/0).
// A success proves the target up: the breaker closes and its count starts again. A failed probe opens it again.
const SETTLE = `
redis.call('ZREM', KEYS[2], ARGV[1])
if ARGV[2] == '0' then
  if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('DEL', KEYS[1]) end
  return 0
end
if ARGV[5] == '1' then
  redis.call('HSET', KEYS[1], 'openUntil', tonumber(ARGV[3]) + tonumber(ARGV[4]))
  redis.call('HDEL', KEYS[1], 'probeUntil')
  return 1
end
return 0
`;

// After an operation failed for good (its retries spent). KEYS: breaker hash. ARGV: now, threshold, openMs.
const FAILED = `
local threshold = tonumber(ARGV[2])
if threshold <= 0 then return 0 end
local failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
if failures >= threshold and tonumber(redis.call('HGET', KEYS[1], 'openUntil') or '0') <= tonumber(ARGV[1]) then
  redis.call('HSET', KEYS[1], 'openUntil', tonumber(ARGV[1]) + tonumber(ARGV[3]))
  redis.call('HDEL', KEYS[1], 'probeUntil')
  return 1
end
return 0
`;

export type BreakerState = 'closed' | 'open' | 'half-open';

export class TargetGate {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private keys(connector: string): [string, string] {
    return [`${this.prefix}:breaker:${connector}`, `${this.prefix}:slots:${connector}`];
  }

  /**
   * Calls `call` once admitted; `isTargetFailure` says which errors show the target down (a
   * permanent refusal such as "already exists" proves it up). `onAdmitted` runs just before the
   * call: from then on the target may have been touched. Count an operation whose retries are all
   * spent with {@link recordFailure}.
   */
  async run<T>(
    connector: string,
    policy: TargetGatePolicy,
    deadline: number,
    call: () => Promise<T>,
    isTargetFailure: (error: unknown) => boolean,
    onAdmitted?: () => void,
  ): Promise<T> {
    if (policy.maxConcurrent <= 0 && policy.failures <= 0) {
      onAdmitted?.();
      return call();
    }
    const keys = this.keys(connector);
    const token = randomUUID();
    // a slot's lease outlives the call's own deadline, so a killed holder frees it by itself
    const leaseMs = Math.max(5000, deadline - Date.now() + 5000);
    let probing = 0;
    for (;;) {
      const now = Date.now();
      const [admitted, wait] = (await this.redis.eval(ADMIT, 2, ...keys, now, token, leaseMs, policy.maxConcurrent, Math.max(1000, policy.openMs))) as [number, number];
      if (admitted === 1) {
        probing = wait;
        break;
      }
      const why = wait >= 0 ? 'circuit-open' : 'busy';
      // the breaker opens past the deadline: answer now rather than hold the partition for nothing
      const sleep = wait >= 0 ? Math.min(wait + Math.random() * 50, 1000) : 10 + Math.random() * 40;
      if (wait >= 0 && now + wait >= deadline) throw new TargetGateTimeout(connector, why);
      if (now + sleep >= deadline) throw new TargetGateTimeout(connector, why);
      await new Promise((resolve) => setTimeout(resolve, sleep));
    }
    onAdmitted?.();
    let failed = false;
    try {
      return await call();
    } catch (error) {
      failed = isTargetFailure(error);
      throw error;
    } finally {
      await this.redis
        .eval(SETTLE, 2, ...keys, token, failed ? '1' : '0', Date.now(), policy.openMs, String(probing))
        .catch(() => undefined /* the lease expires by itself */);
    }
  }

  /** One operation failed for good against the target: counts toward opening the breaker. */
  async recordFailure(connector: string, policy: TargetGatePolicy): Promise<void> {
    if (policy.failures <= 0) return;
    await this.redis.eval(FAILED, 1, this.keys(connector)[0], Date.now(), policy.failures, policy.openMs).catch(() => undefined);
  }

  async state(connector: string): Promise<{ breaker: BreakerState; failures: number; openUntil?: number; inFlight: number }> {
    const [breakerKey, slotsKey] = this.keys(connector);
    const now = Date.now();
    const [fields, inFlight] = await Promise.all([this.redis.hgetall(breakerKey), this.redis.zcount(slotsKey, now, '+inf')]);
    const openUntil = Number(fields.openUntil ?? 0);
    return {
      breaker: openUntil === 0 ? 'closed' : openUntil > now ? 'open' : 'half-open',
      failures: Number(fields.failures ?? 0),
      ...(openUntil ? { openUntil } : {}),
      inFlight,
    };
  }

  /** Closes the breaker (the operator fixed the target and wants traffic now). */
  async reset(connector: string): Promise<void> {
    await this.redis.del(this.keys(connector)[0]);
  }
}
