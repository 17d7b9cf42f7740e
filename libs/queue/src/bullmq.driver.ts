import { Queue, Worker, type Job, UnrecoverableError } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import type { JobHandlers, JobInfo } from './jobs';

export interface QueueDriverOptions {
  redisUrl: string;
  /** Key prefix of every queue: several installations may share one Redis. */
  prefix: string;
}

/**
 * Creates BullMQ queues and workers on shared connections. Producers fail fast when Redis is
 * down (no offline queue); workers use a blocking connection each, as BullMQ requires.
 */
export class QueueDriver {
  private readonly producerConnection: Redis;
  private readonly queues = new Map<string, Queue>();
  private readonly workers: Worker[] = [];
  /** BullMQ does not close connections it was given: the driver owns and closes them. */
  private readonly workerConnections: Redis[] = [];
  /** Jobs running in this process, with their lock token: handed back to the queue on a shutdown timeout. */
  private readonly active = new Map<string, { job: Job; token?: string }>();

  constructor(private readonly options: QueueDriverOptions) {
    this.producerConnection = new Redis(options.redisUrl, { ...baseRedisOptions(), enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  }

  queue(name: string): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.producerConnection, prefix: this.options.prefix });
      this.queues.set(name, queue);
    }
    return queue;
  }

  /**
   * A worker that starts paused (autorun off) until `start()` once its service is ready.
   * Every job name must have exactly one handler; an unknown name is unrecoverable.
   */
  worker<Jobs>(
    name: string,
    handlers: JobHandlers<Jobs>,
    expectedNames: readonly (keyof Jobs)[],
    options: { concurrency?: number; lockDurationMs?: number; maxStalledCount?: number } = {},
  ): Worker {
    assertHandlers(name, handlers, expectedNames);
    const table = handlers as Record<string, (data: unknown, job: JobInfo) => Promise<unknown>>;
    const connection = new Redis(this.options.redisUrl, { ...baseRedisOptions(), maxRetriesPerRequest: null });
    this.workerConnections.push(connection);
    const worker = new Worker(
      name,
      async (job: Job, token?: string) => {
        const handler = table[job.name];
        if (!handler) throw new UnrecoverableError(`no handler for job ${job.name} on queue ${name}`);
        const key = `${name}/${job.id}`;
        this.active.set(key, { job, token });
        try {
          const handedBack = typeof job.progress === 'object' && job.progress !== null && (job.progress as { handedBack?: boolean }).handedBack === true;
          const rerun = job.stalledCounter > 0 || job.attemptsMade > 0 || handedBack;
          return await handler(job.data, { id: job.id, attemptsMade: job.attemptsMade, stalledCounter: job.stalledCounter, queueName: name, rerun });
        } finally {
          this.active.delete(key);
        }
      },
      {
        connection,
        prefix: this.options.prefix,
        autorun: false,
        concurrency: options.concurrency ?? 1,
        lockDuration: options.lockDurationMs ?? 30000,
        // a killed worker's job is noticed within one lock duration when that is under BullMQ's 30 s check
        stalledInterval: Math.min(options.lockDurationMs ?? 30000, 30000),
        maxStalledCount: options.maxStalledCount ?? 1,
      },
    );
    this.workers.push(worker);
    return worker;
  }

  startWorkers(): void {
    for (const worker of this.workers) if (!worker.isRunning()) void worker.run();
  }

  /**
   * Stops taking jobs, lets active ones finish up to `timeoutMs`, hands the ones still running back
   * to their queue (another replica takes them at once, and sees them as reruns), then closes every
   * connection.
   */
  async close(timeoutMs = 10000): Promise<{ handedBack: number }> {
    const graceful = Promise.all(this.workers.map((w) => w.close()));
    const timer = new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref());
    await Promise.race([graceful, timer]);
    let handedBack = 0;
    for (const { job, token } of [...this.active.values()]) {
      // marked, so that whoever takes it next treats it as a rerun; moveToWait checks the lock
      // token: a job whose lock this process lost is not touched
      await job.updateProgress({ handedBack: true }).catch(() => undefined);
      const moved = await job.moveToWait(token).then(() => true, () => false);
      if (moved) handedBack++;
    }
    this.active.clear();
    await Promise.all(this.workers.map((w) => w.close(true).catch(() => undefined)));
    await Promise.all([...this.queues.values()].map((q) => q.close().catch(() => undefined)));
    for (const connection of this.workerConnections) connection.disconnect();
    this.producerConnection.disconnect();
    return { handedBack };
  }
}

export function baseRedisOptions(): RedisOptions {
  return { lazyConnect: false, connectTimeout: 5000 };
}

/** Startup fails if a queue family has a job without a handler or a handler without a job. */
export function assertHandlers<Jobs>(queue: string, handlers: JobHandlers<Jobs>, expected: readonly (keyof Jobs)[]): void {
  const have = Object.keys(handlers as object).sort();
  const want = (expected as readonly string[]).slice().sort();
  if (have.join() !== want.join()) {
    throw new Error(`queue ${queue}: handlers [${have.join(', ')}] do not match jobs [${want.join(', ')}]`);
  }
}
