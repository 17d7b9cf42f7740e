import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { HostConfig } from '@connector-host/config';
import { DeadLetterStore, QueueDriver, type DeadLetter, type DeadLetterSummary, type ExportReply } from '@connector-host/queue';

/**
 * The operator's side of a connector's dead letters (`connector-host dead-letters`): list, replay
 * after a fix, drop. A replay takes the entry out of the list (so two operators never replay it
 * twice), puts the job back at the tail of its partition queue with a fresh deadline, and waits for
 * the workers' answers; an export that fails again lands in the list again, as a new entry.
 *
 * A replay runs as a rerun: its first run may have reached the target (a commit that failed, a
 * worker that died), so a create first looks for its object in the target and a delete that finds
 * nothing is done. It re-applies the request as Entra sent it. When Entra has written the same object since
 * (it retries failed operations itself, hours later), replay that entry only after checking the
 * object, or drop it: the list shows each entry's anchor and time for that.
 */
export interface ReplayResult {
  id: string;
  job: string;
  anchor?: string;
  /** The export's status (201, 200, 204, 409, 503…); `gone` when another operator took it first; `no-reply` at the timeout. */
  status: number | 'gone' | 'no-reply';
  detail?: string;
}

export class DeadLetterAdmin {
  private readonly store: DeadLetterStore;

  constructor(
    private readonly config: HostConfig & { redis: { url: string } },
    private readonly redis: Redis,
  ) {
    this.store = new DeadLetterStore(redis, config.redis.prefix);
  }

  list(connector: string, limit?: number): Promise<DeadLetterSummary[]> {
    return this.store.list(connector, limit);
  }

  /** Drops the given entries (all when `ids` is undefined); returns how many went. */
  async drop(connector: string, ids?: string[]): Promise<number> {
    const targets = ids ?? (await this.store.list(connector, Number.MAX_SAFE_INTEGER)).map((e) => e.id);
    let dropped = 0;
    for (const id of targets) if (await this.store.take(connector, id)) dropped++;
    return dropped;
  }

  /** Replays the given entries (all when `ids` is undefined), oldest first, and waits for their outcomes. */
  async replay(connector: string, ids: string[] | undefined, timeoutMs: number): Promise<ReplayResult[]> {
    const targets = ids ?? (await this.store.list(connector, Number.MAX_SAFE_INTEGER)).map((e) => e.id);
    const channel = `${this.config.redis.prefix}:reply:replay-${randomUUID()}`;
    const subscriber = new Redis(this.config.redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    const queues = new QueueDriver({ redisUrl: this.config.redis.url, prefix: this.config.redis.prefix });
    const results = new Map<string, ReplayResult>();
    const waiting = new Map<string, ReplayResult>();
    let allAnswered: () => void = () => undefined;
    const answered = new Promise<void>((resolve) => (allAnswered = resolve));
    try {
      await subscriber.connect();
      subscriber.on('message', (_channel: string, message: string) => {
        const reply = JSON.parse(message) as ExportReply;
        const result = waiting.get(reply.requestId);
        if (!result) return;
        waiting.delete(reply.requestId);
        result.status = reply.status;
        const detail = (reply.body as { detail?: unknown } | undefined)?.detail;
        if (typeof detail === 'string') result.detail = detail;
        if (waiting.size === 0) allAnswered();
      });
      await subscriber.subscribe(channel);
      const deadlineMs = this.config.server.deadlineMs;
      for (const id of targets) {
        const letter = await this.store.take(connector, id);
        if (!letter) {
          results.set(id, { id, job: '?', status: 'gone' });
          continue;
        }
        const result: ReplayResult = { id, job: letter.job, ...(letter.anchor ? { anchor: letter.anchor } : {}), status: 'no-reply' };
        results.set(id, result);
        const requestId = randomUUID();
        const now = Date.now();
        const data = { ...letter.data, envelope: { requestId, acceptedAt: now, deadline: now + deadlineMs, replyTo: channel, rerun: true } } as DeadLetter['data'];
        try {
          await queues.queue(letter.queue).add(letter.job, data, { removeOnComplete: true, removeOnFail: 1000, jobId: requestId });
          waiting.set(requestId, result);
        } catch (error) {
          await this.store.restore(letter);
          throw error;
        }
      }
      if (waiting.size > 0) {
        await Promise.race([answered, new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref())]);
      }
      return targets.map((id) => results.get(id)!);
    } finally {
      subscriber.disconnect();
      await queues.close();
    }
  }
}
