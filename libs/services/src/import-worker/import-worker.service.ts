import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { ConnectorConfig, HostConfig } from '@connector-host/config';
import { ImportUseCase, type CachePort, type ConnectorCatalog } from '@connector-host/provisioning';
import {
  cacheQueueName,
  IMPORT_JOB_NAMES,
  importQueueName,
  type CacheJobs,
  type ImportJobs,
  type JobHandlers,
  type QueueDriver,
} from '@connector-host/queue';
import type { JsonLogger } from '@connector-host/platform';
import type { ConnectorInstances } from '../core/connector-instances';
import { waitUntilHealthy } from '../core/connector-readiness';
import { servesConnectorType, type ServiceOptions } from '../core/service-options';
import { CATALOG, CONNECTORS, HOST_CONFIG, LOGGER, QUEUE_DRIVER, SERVICE_OPTIONS } from '../core/tokens';

/**
 * Runs full and delta imports: one at start, then on each connector's autosync timer (a BullMQ
 * job scheduler, so it fires once however many replicas run), and on demand from the CLI.
 */
@Injectable()
export class ImportWorkerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly useCase: ImportUseCase;
  private readonly lifecycle = { stopped: false };

  constructor(
    @Inject(HOST_CONFIG) private readonly config: HostConfig,
    @Inject(SERVICE_OPTIONS) private readonly options: ServiceOptions,
    @Inject(CATALOG) catalog: ConnectorCatalog,
    @Inject(QUEUE_DRIVER) private readonly queues: QueueDriver,
    @Inject(CONNECTORS) private readonly connectors: ConnectorInstances,
    @Inject(LOGGER) private readonly logger: JsonLogger,
  ) {
    const cache: CachePort = {
      send: async <N extends keyof CacheJobs>(name: N, data: CacheJobs[N]) => {
        await this.queues.queue(cacheQueueName(data.connector)).add(name, data, { removeOnComplete: true, removeOnFail: 100 });
      },
    };
    this.useCase = new ImportUseCase(catalog, (name) => connectors.get(name), cache);
  }

  onApplicationBootstrap(): void {
    for (const connector of this.config.connectors) {
      const imports = connector.runProfiles.fullImport || connector.runProfiles.deltaImport;
      if (!imports || !servesConnectorType(this.options, connector.type)) continue;
      void this.start(connector).catch((error) =>
        this.logger.error('import worker failed to start', { connector: connector.name, error: String(error) }),
      );
    }
  }

  onApplicationShutdown(): void {
    this.lifecycle.stopped = true;
  }

  private async start(connector: ConnectorConfig): Promise<void> {
    const instance = this.connectors.get(connector.name);
    if (!(await waitUntilHealthy(connector.name, instance, this.logger, this.lifecycle))) return;
    const queueName = importQueueName(connector.name);
    const queue = this.queues.queue(queueName);
    await queue.setGlobalConcurrency(1);
    const handlers: JobHandlers<ImportJobs> = {
      'import.full': (data) => this.run('full', data),
      'import.delta': (data) => this.run('delta', data),
    };
    const worker = this.queues.worker<ImportJobs>(queueName, handlers, IMPORT_JOB_NAMES, { lockDurationMs: 120000 });
    if (this.lifecycle.stopped) return;
    void worker.run();
    const data = { connector: connector.name, reason: 'start' as const };
    // several replicas starting together queue one start import, not one each
    await queue.add('import.full', data, { deduplication: { id: `start-${connector.name}` }, removeOnComplete: true, removeOnFail: 100 });
    const schedulerId = `autosync-${connector.name}`;
    if (connector.autosyncMinutes > 0) {
      const name = connector.runProfiles.deltaImport ? 'import.delta' : 'import.full';
      await queue.upsertJobScheduler(
        schedulerId,
        // the start import just ran: the first autosync is one interval away, not now
        { every: connector.autosyncMinutes * 60000, startDate: Date.now() + connector.autosyncMinutes * 60000 },
        { name, data: { connector: connector.name, reason: 'autosync' }, opts: { removeOnComplete: true, removeOnFail: 100 } },
      );
    } else {
      await queue.removeJobScheduler(schedulerId);
    }
  }

  private async run(kind: 'full' | 'delta', data: ImportJobs['import.full']): Promise<unknown> {
    const started = Date.now();
    try {
      const summary = kind === 'full' ? await this.useCase.full(data) : await this.useCase.delta(data);
      this.logger.info('import read', { ...summary, reason: data.reason, durationMs: Date.now() - started });
      return summary;
    } catch (error) {
      this.logger.error('import failed', { connector: data.connector, kind, error: error instanceof Error ? error.message : String(error) });
      throw error;
    }
  }
}
