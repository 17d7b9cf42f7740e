import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { ConnectorConfig, HostConfig } from '@connector-host/config';
import { ExportUseCase, type ConnectorCatalog } from '@connector-host/provisioning';
import { EXPORT_JOB_NAMES, exportQueueName, type ExportJobs, type ExportReply, type JobHandlers, type QueueDriver } from '@connector-host/queue';
import type { JsonLogger } from '@connector-host/platform';
import type { ConnectorInstances } from '../core/connector-instances';
import { waitUntilHealthy } from '../core/connector-readiness';
import { servesConnectorType, type ServiceOptions } from '../core/service-options';
import { CATALOG, CONNECTORS, HOST_CONFIG, LOGGER, QUEUE_DRIVER, REDIS, SERVICE_OPTIONS } from '../core/tokens';

/**
 * Applies export jobs, one worker per partition queue of each connector it serves. A partition's
 * global concurrency is 1, so operations on one object run in order across every replica.
 */
@Injectable()
export class ExportWorkerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly useCase: ExportUseCase;
  private readonly lifecycle = { stopped: false };

  constructor(
    @Inject(HOST_CONFIG) private readonly config: HostConfig,
    @Inject(SERVICE_OPTIONS) private readonly options: ServiceOptions,
    @Inject(CATALOG) private readonly catalog: ConnectorCatalog,
    @Inject(QUEUE_DRIVER) private readonly queues: QueueDriver,
    @Inject(CONNECTORS) private readonly connectors: ConnectorInstances,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(LOGGER) private readonly logger: JsonLogger,
  ) {
    this.useCase = new ExportUseCase(catalog, (name) => connectors.get(name), logger);
  }

  onApplicationBootstrap(): void {
    for (const connector of this.config.connectors) {
      if (!connector.runProfiles.export || !servesConnectorType(this.options, connector.type)) continue;
      // readiness runs in the background: a dead target must not keep the rest of the host down
      void this.start(connector).catch((error) =>
        this.logger.error('export worker failed to start', { connector: connector.name, error: String(error) }),
      );
    }
  }

  onApplicationShutdown(): void {
    this.lifecycle.stopped = true;
  }

  private async start(connector: ConnectorConfig): Promise<void> {
    const instance = this.connectors.get(connector.name);
    if (!(await waitUntilHealthy(connector.name, instance, this.logger, this.lifecycle))) return;
    await this.catalog.publishSchema(connector.name, await instance.discoverSchema());
    const handlers: JobHandlers<ExportJobs> = {
      'export.create': (data) => this.handle('export.create', data),
      'export.replace': (data) => this.handle('export.replace', data),
      'export.patch': (data) => this.handle('export.patch', data),
      'export.delete': (data) => this.handle('export.delete', data),
    };
    for (let partition = 0; partition < connector.exportPartitions; partition++) {
      const name = exportQueueName(connector.name, partition);
      await this.queues.queue(name).setGlobalConcurrency(1);
      const worker = this.queues.worker<ExportJobs>(name, handlers, EXPORT_JOB_NAMES);
      if (!this.lifecycle.stopped) void worker.run();
    }
    this.logger.info('export worker ready', { connector: connector.name, partitions: connector.exportPartitions });
  }

  private async handle<N extends keyof ExportJobs>(name: N, data: ExportJobs[N]): Promise<{ status: number } | { dropped: true }> {
    if (Date.now() > data.envelope.deadline) {
      // nobody waits any more and the client was told 503: dropping keeps "completes once or not at all"
      this.logger.warn('export dropped: its deadline passed before it started', { connector: data.connector, job: name });
      return { dropped: true };
    }
    const started = Date.now();
    const outcome = await this.useCase.run(name, data);
    const reply: ExportReply = { requestId: data.envelope.requestId, status: outcome.status, body: outcome.body };
    await this.redis.publish(data.envelope.replyTo, JSON.stringify(reply));
    this.logger.info('export', {
      connector: data.connector,
      objectType: data.objectType,
      job: name,
      status: outcome.status,
      durationMs: Date.now() - started,
      requestId: data.envelope.requestId,
    });
    return { status: outcome.status };
  }
}
