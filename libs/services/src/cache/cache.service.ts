import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { HostConfig } from '@connector-host/config';
import { CacheUseCase, type ConnectorCatalog } from '@connector-host/provisioning';
import { CACHE_JOB_NAMES, cacheQueueName, type CacheJobs, type JobHandlers, type QueueDriver } from '@connector-host/queue';
import type { JsonLogger } from '@connector-host/platform';
import { CATALOG, HOST_CONFIG, LOGGER, QUEUE_DRIVER } from '../core/tokens';

/** cache: applies import pages and generation swaps to the connector space, one at a time per connector. */
@Injectable()
export class CacheService implements OnApplicationBootstrap {
  private readonly useCase: CacheUseCase;

  constructor(
    @Inject(HOST_CONFIG) private readonly config: HostConfig,
    @Inject(CATALOG) catalog: ConnectorCatalog,
    @Inject(QUEUE_DRIVER) private readonly queues: QueueDriver,
    @Inject(LOGGER) private readonly logger: JsonLogger,
  ) {
    this.useCase = new CacheUseCase(catalog);
  }

  async onApplicationBootstrap(): Promise<void> {
    for (const connector of this.config.connectors) {
      const name = cacheQueueName(connector.name);
      await this.queues.queue(name).setGlobalConcurrency(1);
      const handlers: JobHandlers<CacheJobs> = {
        'cache.import-page': (data) => this.useCase.run('cache.import-page', data),
        'cache.import-commit': async (data) => {
          const count = await this.useCase.run('cache.import-commit', data);
          this.logger.info('import generation swapped in', { connector: data.connector, objectType: data.objectType, objects: count });
          return count;
        },
        'cache.delta-page': (data) => this.useCase.run('cache.delta-page', data),
      };
      void this.queues.worker<CacheJobs>(name, handlers, CACHE_JOB_NAMES).run();
    }
  }
}
