import type { Redis } from 'ioredis';
import type { Connector } from '@connector-host/connector-sdk';
import type { JsonLogger } from '@connector-host/platform';

/**
 * Waits until a connector's target answers `test()`, with back-off, logging each failure once.
 * Workers start paused and only take jobs after this resolves.
 */
export async function waitUntilHealthy(name: string, connector: Connector, logger: JsonLogger, signal: { stopped: boolean }): Promise<boolean> {
  for (let attempt = 0; !signal.stopped; attempt++) {
    try {
      await connector.test();
      if (attempt > 0) logger.info('target reachable again', { connector: name });
      return true;
    } catch (error) {
      logger.warn('target not reachable; workers stay paused', {
        connector: name,
        attempt: attempt + 1,
        error: error instanceof Error ? error.message : String(error),
      });
      await new Promise((resolve) => setTimeout(resolve, Math.min(30000, 500 * 2 ** attempt)).unref());
    }
  }
  return false;
}

/** Waits until Redis answers PING (a worker that took jobs without it could not commit them). */
export async function waitUntilRedisAnswers(redis: Redis, logger: JsonLogger, signal: { stopped: boolean }): Promise<boolean> {
  for (let attempt = 0; !signal.stopped; attempt++) {
    try {
      await redis.ping();
      if (attempt > 0) logger.info('Redis reachable again');
      return true;
    } catch (error) {
      logger.warn('Redis not reachable; workers stay paused', { attempt: attempt + 1, error: error instanceof Error ? error.message : String(error) });
      await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 200 * 2 ** attempt)).unref());
    }
  }
  return false;
}
