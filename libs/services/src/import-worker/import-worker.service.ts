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
import { currentTraceIds, SpanKind, SPAN_ATTR, withSpan, type HostMetrics, type ProvisioningLogRepository } from '@connector-host/telemetry';
import type { ConnectorInstances } from '../core/connector-instances';
import { waitUntilHealthy } from '../core/connector-readiness';
import { servesConnectorType, type ServiceOptions } from '../core/service-options';
import { CATALOG, CONNECTORS, HOST_CONFIG, LOGGER, METRICS, PROVISIONING_LOG, QUEUE_DRIVER, SERVICE_OPTIONS } from '../core/tokens';

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
    @Inject(METRICS) private readonly metrics: HostMetrics,
    @Inject(PROVISIONING_LOG) private readonly provisioningLog: ProvisioningLogRepository,
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

  /** One import, in its own trace (its pages are spans below it), counted, timed and logged. */
  private run(kind: 'full' | 'delta', data: ImportJobs['import.full']): Promise<unknown> {
    const labels = { connector: data.connector, connectorType: this.config.connectors.find((c) => c.name === data.connector)?.type ?? 'unknown', op: kind };
    const attributes = {
      [SPAN_ATTR.messagingSystem]: 'bullmq',
      [SPAN_ATTR.messagingOperation]: 'process',
      [SPAN_ATTR.connector]: data.connector,
      [SPAN_ATTR.connectorType]: labels.connectorType,
      'connector.import_reason': data.reason,
    };
    return withSpan(`process import-${data.connector}`, { kind: SpanKind.CONSUMER, attributes }, async () => {
      const started = Date.now();
      const entry = { connector: data.connector, targetOperation: `${kind}-import` as const, traceId: currentTraceIds()?.traceId };
      try {
        const summary = kind === 'full' ? await this.useCase.full(data) : await this.useCase.delta(data);
        const durationMs = Date.now() - started;
        this.metrics.importRun(labels, 'success', durationMs / 1000, summary.objects);
        await this.record({ ...entry, status: 200, outcome: 'success', durationMs, objects: summary.objects });
        this.logger.info('import read', { ...summary, reason: data.reason, durationMs });
        return summary;
      } catch (error) {
        const durationMs = Date.now() - started;
        this.metrics.importRun(labels, 'failed', durationMs / 1000, 0);
        const reason = (error as { reason?: unknown }).reason;
        await this.record({ ...entry, status: 500, outcome: 'failed', durationMs, ...(typeof reason === 'string' ? { errorKind: reason } : {}) });
        this.logger.error('import failed', { connector: data.connector, kind, error: error instanceof Error ? error.message : String(error) });
        throw error;
      }
    });
  }

  private async record(entry: Parameters<ProvisioningLogRepository['append']>[0]): Promise<void> {
    try {
      await this.provisioningLog.append(entry);
    } catch (error) {
      this.metrics.provisioningLogDrop(entry.connector);
      this.logger.warn('provisioning log entry lost', { connector: entry.connector, error: error instanceof Error ? error.message : String(error) });
    }
  }
}
