import { Queue, Worker, type Job, UnrecoverableError } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import type { JobHandlers } from './jobs';

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
    options: { concurrency?: number; lockDurationMs?: number } = {},
  ): Worker {
    assertHandlers(name, handlers, expectedNames);
    const table = handlers as Record<string, (data: unknown, job: { id?: string; attemptsMade: number }) => Promise<unknown>>;
    const connection = new Redis(this.options.redisUrl, { ...baseRedisOptions(), maxRetriesPerRequest: null });
    this.workerConnections.push(connection);
    const worker = new Worker(
      name,
      async (job: Job) => {
        const handler = table[job.name];
        if (!handler) throw new UnrecoverableError(`no handler for job ${job.name} on queue ${name}`);
        return handler(job.data, { id: job.id, attemptsMade: job.attemptsMade });
      },
      {
        connection,
        prefix: this.options.prefix,
        autorun: false,
        concurrency: options.concurrency ?? 1,
        lockDuration: options.lockDurationMs ?? 30000,
      },
    );
    this.workers.push(worker);
    return worker;
  }

  startWorkers(): void {
    for (const worker of this.workers) if (!worker.isRunning()) void worker.run();
  }

  /** Stops taking jobs, waits for active ones up to `timeoutMs`, then closes every connection. */
  async close(timeoutMs = 10000): Promise<void> {
    const graceful = Promise.all(this.workers.map((w) => w.close()));
    const timer = new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref());
    await Promise.race([graceful, timer]);
    await Promise.all(this.workers.map((w) => w.close(true).catch(() => undefined)));
    await Promise.all([...this.queues.values()].map((q) => q.close().catch(() => undefined)));
    for (const connection of this.workerConnections) connection.disconnect();
    this.producerConnection.disconnect();
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
