import type { Redis } from 'ioredis';
import type { ConnectorConfig } from '@connector-host/config';

/**
 * One token bucket per connector, in Redis, so that every scim-api replica draws from the same
 * bucket. Redis' own clock (TIME) refills it: replicas' clocks never disagree about it.
 * KEYS[1] bucket; ARGV rate (tokens/s), burst. Returns {1, 0} when admitted, else {0, ms to wait}.
 * Times are whole milliseconds: 13 digits, which Lua's tostring keeps exactly.
 */
const TOKEN_BUCKET = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate / 1000)
local admitted = 0
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
  admitted = 1
else
  wait = math.ceil((1 - tokens) * 1000 / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return {admitted, wait}
`;

export type Admission = { admitted: true } | { admitted: false; retryAfterSeconds: number };

type WithBucket = Redis & { connectorTokenBucket(key: string, rate: number, burst: number): Promise<[number, number]> };

/**
 * The per-connector rate limit (`connectors.<name>.rateLimit`), off unless configured: Entra counts
 * a 429 as a failed operation, so the host would rather queue a burst than refuse it.
 */
export class ConnectorRateLimiter {
  private readonly redis: WithBucket;

  constructor(
    redis: Redis,
    private readonly prefix: string,
  ) {
    if (!('connectorTokenBucket' in redis)) redis.defineCommand('connectorTokenBucket', { numberOfKeys: 1, lua: TOKEN_BUCKET });
    this.redis = redis as WithBucket;
  }

  async admit(connector: ConnectorConfig): Promise<Admission> {
    const limit = connector.rateLimit;
    if (!limit) return { admitted: true };
    let admitted: number;
    let waitMs: number;
    try {
      [admitted, waitMs] = await this.redis.connectorTokenBucket(`${this.prefix}:rate-limit:${connector.name}`, limit.requestsPerSecond, limit.burst);
    } catch {
      // Redis unreachable: the request fails on its own (503) if it needs Redis; the limit must not add an outage
      return { admitted: true };
    }
    return admitted === 1 ? { admitted: true } : { admitted: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
  }
}
