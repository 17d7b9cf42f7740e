import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import type { HostConfig } from '@connector-host/config';
import { ConnectorCatalog } from '@connector-host/provisioning';
import { QueueDriver } from '@connector-host/queue';
import type { JsonLogger } from '@connector-host/platform';
import { HostMetrics, ProvisioningLogRepository } from '@connector-host/telemetry';
import { ConnectorInstances } from './connector-instances';
import { HostState } from './host-state';
import { OpsServer } from './ops-server';
import type { ServiceOptions } from './service-options';
import { CATALOG, CONNECTORS, HOST_CONFIG, HOST_STATE, LOGGER, METRICS, PROVISIONING_LOG, QUEUE_DRIVER, REDIS, SERVICE_OPTIONS } from './tokens';

/**
 * Config, Redis, the queue driver, the connector catalog, connector instances, this host's
 * metrics and provisioning log, and the operations endpoint (/metrics, /healthz, /readyz), for
 * every service.
 */
@Global()
@Module({})
export class CoreModule implements OnApplicationShutdown {
  constructor(
    @Inject(HOST_CONFIG) private readonly config: HostConfig,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(QUEUE_DRIVER) private readonly queues: QueueDriver,
    @Inject(CONNECTORS) private readonly connectors: ConnectorInstances,
  ) {}

  static forRoot(config: HostConfig & { redis: { url: string } }, options: ServiceOptions, logger: JsonLogger): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        { provide: HOST_CONFIG, useValue: config },
        { provide: SERVICE_OPTIONS, useValue: options },
        { provide: LOGGER, useValue: logger },
        // auto-pipelining: the commands that concurrent requests issue in one event-loop turn
        // (index lookups, commits, replies) leave in one write; order per connection is unchanged
        { provide: REDIS, useFactory: () => new Redis(config.redis.url, { maxRetriesPerRequest: 3, enableAutoPipelining: true }) },
        { provide: QUEUE_DRIVER, useFactory: () => new QueueDriver({ redisUrl: config.redis.url, prefix: config.redis.prefix }) },
        { provide: CATALOG, useFactory: (redis: Redis) => new ConnectorCatalog(config, redis), inject: [REDIS] },
        { provide: METRICS, useFactory: () => new HostMetrics() },
        { provide: HOST_STATE, useFactory: () => new HostState() },
        {
          provide: PROVISIONING_LOG,
          useFactory: (redis: Redis) => new ProvisioningLogRepository(redis, config.redis.prefix, config.logging.provisioningLog.maxEntries),
          inject: [REDIS],
        },
        { provide: CONNECTORS, useFactory: (metrics: HostMetrics) => new ConnectorInstances(config, logger, metrics), inject: [METRICS] },
        OpsServer,
      ],
      exports: [HOST_CONFIG, SERVICE_OPTIONS, LOGGER, REDIS, QUEUE_DRIVER, CATALOG, CONNECTORS, METRICS, HOST_STATE, PROVISIONING_LOG, OpsServer],
    };
  }

  /** Workers close first (finishing active jobs), then the target connections, then Redis. */
  async onApplicationShutdown(): Promise<void> {
    // in-flight jobs finish within workers.shutdownSeconds, or go back to their queue for another replica
    await this.queues.close(this.config.workers?.shutdownMs ?? 20000);
    await this.connectors.closeAll();
    this.redis.disconnect();
  }
}
