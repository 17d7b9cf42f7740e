import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import {
  exportOutcomeOf,
  LABEL,
  METRIC,
  METRIC_PREFIX,
  methodLabel,
  type ExportOutcomeLabel,
  type ImportOutcomeLabel,
  type QueueFamily,
} from './metric-names';

const { connector, connectorType, op, outcome, method, status, kind, queue } = LABEL;

/** Seconds; SCIM requests end by the 50 s deadline, so the top buckets bracket it. */
const REQUEST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 60];
const IMPORT_BUCKETS = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

export interface QueueSample {
  connector: string;
  connectorType: string;
  queue: QueueFamily;
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  oldestWaitingSeconds: number;
}

export interface ConnectorSpaceSample {
  connector: string;
  connectorType: string;
  objects: number;
  /** ms since epoch, or null for never. */
  lastImport: number | null;
  lastExport: number | null;
  lastCacheChange: number | null;
}

/**
 * The metrics of one process: its own prom-client registry (never the global one, so two hosts in
 * one test process stay apart), the process metrics under the same prefix, and one method per
 * thing that happened. Callers pass domain values; labels are built here only.
 */
export class HostMetrics {
  readonly registry = new Registry();
  private readonly scrapeHooks: Array<() => Promise<void>> = [];

  private readonly scimRequests = new Counter({
    name: METRIC.scimRequests,
    help: 'SCIM requests answered, by connector, HTTP method and status',
    labelNames: [connector, method, status],
    registers: [this.registry],
  });
  private readonly scimRequestDuration = new Histogram({
    name: METRIC.scimRequestDuration,
    help: 'SCIM request latency in seconds, by connector and HTTP method',
    labelNames: [connector, method],
    buckets: REQUEST_BUCKETS,
    registers: [this.registry],
  });
  private readonly exports = new Counter({
    name: METRIC.exports,
    help: 'Export jobs applied, by connector, connector type, SCIM operation and outcome',
    labelNames: [connector, connectorType, op, outcome],
    registers: [this.registry],
  });
  private readonly exportDuration = new Histogram({
    name: METRIC.exportDuration,
    help: 'Time to apply an export job in seconds (target calls, retries and the connector space commit)',
    labelNames: [connector, connectorType, op, outcome],
    buckets: REQUEST_BUCKETS,
    registers: [this.registry],
  });
  private readonly exportQueueWait = new Histogram({
    name: METRIC.exportQueueWait,
    help: 'Time an export job waited in its queue, from acceptance by scim-api to its start, in seconds',
    labelNames: [connector, connectorType],
    buckets: REQUEST_BUCKETS,
    registers: [this.registry],
  });
  private readonly imports = new Counter({
    name: METRIC.imports,
    help: 'Imports run, by connector, connector type, kind (op: full or delta) and outcome',
    labelNames: [connector, connectorType, op, outcome],
    registers: [this.registry],
  });
  private readonly importDuration = new Histogram({
    name: METRIC.importDuration,
    help: 'Import duration in seconds (reading the target and queueing its pages)',
    labelNames: [connector, connectorType, op, outcome],
    buckets: IMPORT_BUCKETS,
    registers: [this.registry],
  });
  private readonly importObjects = new Counter({
    name: METRIC.importObjects,
    help: 'Objects read from the target by imports',
    labelNames: [connector, connectorType, op],
    registers: [this.registry],
  });
  private readonly targetErrors = new Counter({
    name: METRIC.targetErrors,
    help: 'Errors raised by the target, each attempt counted, by connector, connector type and kind (the connector error reason)',
    labelNames: [connector, connectorType, kind],
    registers: [this.registry],
  });
  private readonly targetUp = new Gauge({
    name: METRIC.targetUp,
    help: "1 when this worker's last call to the target reached it, 0 when the target was unreachable",
    labelNames: [connector, connectorType],
    registers: [this.registry],
  });
  private readonly queueWaiting = this.queueGauge(METRIC.queueWaiting, 'Jobs waiting (including prioritized), per connector and queue family');
  private readonly queueActive = this.queueGauge(METRIC.queueActive, 'Jobs being processed, per connector and queue family');
  private readonly queueDelayed = this.queueGauge(METRIC.queueDelayed, 'Jobs delayed (back-off or scheduled), per connector and queue family');
  private readonly queueFailed = this.queueGauge(METRIC.queueFailed, 'Failed jobs kept for inspection (the dead letters), per connector and queue family');
  private readonly queueOldestWaiting = this.queueGauge(METRIC.queueOldestWaiting, 'Age in seconds of the oldest waiting job, 0 when none waits');
  private readonly cacheObjects = this.spaceGauge(METRIC.cacheObjects, 'Objects in the connector space (the cache), per connector');
  private readonly lastImport = this.spaceGauge(METRIC.lastImport, 'Unix time of the last successful import, 0 = never');
  private readonly lastExport = this.spaceGauge(METRIC.lastExport, 'Unix time of the last successful export, 0 = never');
  private readonly lastCacheChange = this.spaceGauge(METRIC.lastCacheChange, 'Unix time of the last change to the connector space, 0 = never');
  private readonly provisioningLogDropped = new Counter({
    name: METRIC.provisioningLogDropped,
    help: 'Provisioning log entries that could not be written',
    labelNames: [connector],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: METRIC_PREFIX });
  }

  scimRequest(labels: { connector: string; method: string; status: number }, seconds: number): void {
    const m = methodLabel(labels.method);
    this.scimRequests.inc({ connector: labels.connector, method: m, status: String(labels.status) });
    this.scimRequestDuration.observe({ connector: labels.connector, method: m }, seconds);
  }

  /** One export job; `status` is the SCIM status answered, or `dropped` when its deadline had passed. */
  exportJob(labels: { connector: string; connectorType: string; op: string }, result: number | 'dropped', seconds: number): void {
    const out: ExportOutcomeLabel = result === 'dropped' ? 'dropped' : exportOutcomeOf(result);
    const l = { connector: labels.connector, connector_type: labels.connectorType, op: labels.op, outcome: out };
    this.exports.inc(l);
    this.exportDuration.observe(l, seconds);
  }

  exportWaited(labels: { connector: string; connectorType: string }, seconds: number): void {
    this.exportQueueWait.observe({ connector: labels.connector, connector_type: labels.connectorType }, Math.max(0, seconds));
  }

  importRun(labels: { connector: string; connectorType: string; op: 'full' | 'delta' }, result: ImportOutcomeLabel, seconds: number, objects: number): void {
    const l = { connector: labels.connector, connector_type: labels.connectorType, op: labels.op };
    this.imports.inc({ ...l, outcome: result });
    this.importDuration.observe({ ...l, outcome: result }, seconds);
    if (objects > 0) this.importObjects.inc(l, objects);
  }

  targetError(labels: { connector: string; connectorType: string }, reason: string): void {
    this.targetErrors.inc({ connector: labels.connector, connector_type: labels.connectorType, kind: reason });
  }

  targetReachable(labels: { connector: string; connectorType: string }, up: boolean): void {
    this.targetUp.set({ connector: labels.connector, connector_type: labels.connectorType }, up ? 1 : 0);
  }

  provisioningLogDrop(connectorName: string): void {
    this.provisioningLogDropped.inc({ connector: connectorName });
  }

  /** Replaces every queue gauge with these samples (a removed connector disappears). */
  setQueues(samples: QueueSample[]): void {
    for (const gauge of [this.queueWaiting, this.queueActive, this.queueDelayed, this.queueFailed, this.queueOldestWaiting]) gauge.reset();
    for (const s of samples) {
      const l = { connector: s.connector, connector_type: s.connectorType, queue: s.queue };
      this.queueWaiting.set(l, s.waiting);
      this.queueActive.set(l, s.active);
      this.queueDelayed.set(l, s.delayed);
      this.queueFailed.set(l, s.failed);
      this.queueOldestWaiting.set(l, s.oldestWaitingSeconds);
    }
  }

  setConnectorSpaces(samples: ConnectorSpaceSample[]): void {
    for (const gauge of [this.cacheObjects, this.lastImport, this.lastExport, this.lastCacheChange]) gauge.reset();
    const seconds = (ms: number | null) => (ms === null ? 0 : ms / 1000);
    for (const s of samples) {
      const l = { connector: s.connector, connector_type: s.connectorType };
      this.cacheObjects.set(l, s.objects);
      this.lastImport.set(l, seconds(s.lastImport));
      this.lastExport.set(l, seconds(s.lastExport));
      this.lastCacheChange.set(l, seconds(s.lastCacheChange));
    }
  }

  /** Runs before every scrape: gauges read from Redis are refreshed here. */
  onScrape(hook: () => Promise<void>): void {
    this.scrapeHooks.push(hook);
  }

  /** The exposition text. A failing hook leaves its gauges as they were; the scrape still answers. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    await Promise.all(this.scrapeHooks.map((hook) => hook().catch(() => undefined)));
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  private queueGauge(name: string, help: string): Gauge {
    return new Gauge({ name, help, labelNames: [connector, connectorType, queue], registers: [this.registry] });
  }

  private spaceGauge(name: string, help: string): Gauge {
    return new Gauge({ name, help, labelNames: [connector, connectorType], registers: [this.registry] });
  }
}
