import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { HostConfig } from '@connector-host/config';
import type { ConnectorCatalog } from '@connector-host/provisioning';
import { cacheQueueName, exportQueueName, importQueueName, type QueueDriver } from '@connector-host/queue';
import type { JsonLogger } from '@connector-host/platform';
import type { ConnectorSpaceSample, HostMetrics, QueueFamily, QueueSample } from '@connector-host/telemetry';
import { CATALOG, HOST_CONFIG, LOGGER, METRICS, QUEUE_DRIVER } from '../core/tokens';

/**
 * The gauges read from Redis on every scrape: queue depth, oldest waiting job and dead letters per
 * connector and queue family (export partitions summed), and the connector space's size and
 * timestamps. The cache service reports them because it owns the connector space; with several
 * cache replicas, dashboards take `max by (connector)`.
 */
@Injectable()
export class ConnectorSpaceMetrics implements OnModuleInit {
  private failing = false;

  constructor(
    @Inject(HOST_CONFIG) private readonly config: HostConfig,
    @Inject(CATALOG) private readonly catalog: ConnectorCatalog,
    @Inject(QUEUE_DRIVER) private readonly queues: QueueDriver,
    @Inject(METRICS) private readonly metrics: HostMetrics,
    @Inject(LOGGER) private readonly logger: JsonLogger,
  ) {}

  onModuleInit(): void {
    this.metrics.onScrape(async () => {
      try {
        const [queues, spaces] = await Promise.all([this.queueSamples(), this.spaceSamples()]);
        this.metrics.setQueues(queues);
        this.metrics.setConnectorSpaces(spaces);
        this.failing = false;
      } catch (error) {
        // the gauges keep their last values; one line per outage, not per scrape
        if (!this.failing) this.logger.warn('cannot read queue and cache gauges from Redis', { error: error instanceof Error ? error.message : String(error) });
        this.failing = true;
        throw error;
      }
    });
  }

  private async queueSamples(): Promise<QueueSample[]> {
    const now = Date.now();
    const samples: QueueSample[] = [];
    for (const connector of this.config.connectors) {
      const families: Array<[QueueFamily, string[]]> = [
        ['export', Array.from({ length: connector.exportPartitions }, (_, p) => exportQueueName(connector.name, p))],
        ['import', [importQueueName(connector.name)]],
        ['cache', [cacheQueueName(connector.name)]],
      ];
      for (const [family, names] of families) {
        const perQueue = await Promise.all(names.map((name) => this.sample(this.queues.queue(name), now)));
        samples.push({
          connector: connector.name,
          connectorType: connector.type,
          queue: family,
          waiting: sum(perQueue.map((q) => q.waiting)),
          active: sum(perQueue.map((q) => q.active)),
          delayed: sum(perQueue.map((q) => q.delayed)),
          failed: sum(perQueue.map((q) => q.failed)),
          oldestWaitingSeconds: Math.max(0, ...perQueue.map((q) => q.oldestWaitingSeconds)),
        });
      }
    }
    return samples;
  }

  private async sample(queue: Queue, now: number) {
    const counts = await queue.getJobCounts('wait', 'prioritized', 'active', 'delayed', 'failed');
    const waiting = (counts.wait ?? 0) + (counts.prioritized ?? 0);
    let oldestWaitingSeconds = 0;
    if (waiting > 0) {
      // the wait list's oldest job (asc = oldest first)
      const [oldest] = await queue.getJobs(['wait'], 0, 0, true);
      if (oldest) oldestWaitingSeconds = Math.max(0, (now - oldest.timestamp) / 1000);
    }
    return { waiting, active: counts.active ?? 0, delayed: counts.delayed ?? 0, failed: counts.failed ?? 0, oldestWaitingSeconds };
  }

  private async spaceSamples(): Promise<ConnectorSpaceSample[]> {
    return Promise.all(
      this.config.connectors.map(async (connector) => {
        const space = this.catalog.space(connector.name);
        const counts = await Promise.all(connector.objectTypes.map((t) => space.count(t.name)));
        const stamps = await space.timestamps();
        return {
          connector: connector.name,
          connectorType: connector.type,
          objects: sum(counts),
          lastImport: stamps.lastSuccessfulImport?.getTime() ?? null,
          lastExport: stamps.lastSuccessfulExport?.getTime() ?? null,
          lastCacheChange: stamps.lastSuccessfulCacheChange?.getTime() ?? null,
        };
      }),
    );
  }
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
