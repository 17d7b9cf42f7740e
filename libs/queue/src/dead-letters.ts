import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { ExportJobs } from './jobs';

/**
 * A connector's dead letters: exports the host could not apply for a reason that is not the
 * client's (retries exhausted on an unavailable target, an internal error, a job BullMQ gave up on
 * after it stalled too often), kept until an operator replays or drops them.
 *
 * Why an explicit list and not BullMQ's failed set: an export job never throws (its outcome, 5xx
 * included, is a value sent back to the waiting scim-api replica), a connector's exports are spread
 * over `exportPartitions` queues whose failed sets BullMQ trims with `removeOnFail`, and a replay
 * must go back to the tail of the object's partition with a fresh deadline, not be retried in
 * place. So: one hash per connector (id → entry, job data included for the replay) and one sorted
 * set by failure time, both under the host's Redis prefix, persisted with Redis' AOF like the queues.
 */
export interface DeadLetter<N extends keyof ExportJobs = keyof ExportJobs> {
  id: string;
  connector: string;
  /** The partition queue the job came from; a replay goes back to it (per-object order). */
  queue: string;
  job: N;
  data: ExportJobs[N];
  /** ms since the epoch. */
  failedAt: number;
  /** The status the client got (or would have got), e.g. 503. */
  status: number;
  /** Why, for the operator: the connector error's reason and message, never attribute values. */
  reason: string;
  /** The object's anchor, when known. */
  anchor?: string;
}

/** What `list` shows: everything but the job data (which may hold an `export_password`). */
export type DeadLetterSummary = Omit<DeadLetter, 'data'>;

export const DEFAULT_DEAD_LETTER_LIMIT = 10000;

export class DeadLetterStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    /** Oldest entries go beyond this many per connector (counted, never silently: `add` returns the trimmed count). */
    private readonly limit = DEFAULT_DEAD_LETTER_LIMIT,
  ) {}

  private keys(connector: string) {
    return { entries: `${this.prefix}:dlq:${connector}`, byTime: `${this.prefix}:dlq:${connector}:t` };
  }

  async add(entry: Omit<DeadLetter, 'id'> & { id?: string }): Promise<DeadLetter> {
    const letter = { ...entry, id: entry.id ?? randomUUID() } as DeadLetter;
    const keys = this.keys(letter.connector);
    await this.redis
      .multi()
      .hset(keys.entries, letter.id, JSON.stringify(letter))
      .zadd(keys.byTime, letter.failedAt, letter.id)
      .exec();
    const size = await this.redis.zcard(keys.byTime);
    if (size > this.limit) {
      const oldest = await this.redis.zrange(keys.byTime, 0, size - this.limit - 1);
      if (oldest.length) await this.redis.multi().zrem(keys.byTime, ...oldest).hdel(keys.entries, ...oldest).exec();
    }
    return letter;
  }

  /** Oldest first. */
  async list(connector: string, limit = 1000): Promise<DeadLetterSummary[]> {
    const keys = this.keys(connector);
    const ids = await this.redis.zrange(keys.byTime, 0, limit - 1);
    if (!ids.length) return [];
    const raw = await this.redis.hmget(keys.entries, ...ids);
    return raw.filter((r): r is string => r !== null).map((r) => {
      const { data: _data, ...summary } = JSON.parse(r) as DeadLetter;
      return summary;
    });
  }

  async count(connector: string): Promise<number> {
    return this.redis.zcard(this.keys(connector).byTime);
  }

  async get(connector: string, id: string): Promise<DeadLetter | null> {
    const raw = await this.redis.hget(this.keys(connector).entries, id);
    return raw ? (JSON.parse(raw) as DeadLetter) : null;
  }

  /**
   * Removes one entry and returns it, or null when it is gone (another operator replayed or
   * dropped it): of two concurrent takers only one gets it, so a replay happens once.
   */
  async take(connector: string, id: string): Promise<DeadLetter | null> {
    const keys = this.keys(connector);
    const [[, raw], [, removed]] = (await this.redis.multi().hget(keys.entries, id).hdel(keys.entries, id).zrem(keys.byTime, id).exec()) as [
      [Error | null, string | null],
      [Error | null, number],
      [Error | null, number],
    ];
    return removed === 1 && raw ? (JSON.parse(raw) as DeadLetter) : null;
  }

  /** Puts a taken entry back (a replay that could not be queued). */
  async restore(letter: DeadLetter): Promise<void> {
    await this.add(letter);
  }
}
