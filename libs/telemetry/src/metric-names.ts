/**
 * Every metric the host exports, from one place: one prefix, a fixed set of bounded labels.
 * Dashboards and alert rules (deploy/) may only use these names; a test checks that they do.
 */

export const METRIC_PREFIX = 'connector_host_';

export const METRIC = {
  /** Counter: SCIM requests answered, by connector, method and status. */
  scimRequests: 'connector_host_scim_requests_total',
  /** Histogram: SCIM request latency, by connector and method. */
  scimRequestDuration: 'connector_host_scim_request_duration_seconds',
  /** Counter: export jobs applied, by connector, connector type, SCIM operation and outcome. */
  exports: 'connector_host_exports_total',
  /** Histogram: export job duration (queue wait excluded), same labels. */
  exportDuration: 'connector_host_export_duration_seconds',
  /** Histogram: from acceptance by scim-api to the start of the export job. */
  exportQueueWait: 'connector_host_export_queue_wait_seconds',
  /** Counter: imports run, by connector, connector type, kind of import (`op`) and outcome. */
  imports: 'connector_host_imports_total',
  /** Histogram: import duration, same labels. */
  importDuration: 'connector_host_import_duration_seconds',
  /** Counter: objects read from the target by imports. */
  importObjects: 'connector_host_import_objects_total',
  /** Counter: errors the target raised (each attempt), by connector, connector type and kind. */
  targetErrors: 'connector_host_target_errors_total',
  /** Gauge: 1 when this worker's last call to the target worked, 0 when the target was unreachable. */
  targetUp: 'connector_host_target_up',
  /** Gauges, read from Redis on scrape by the cache service: jobs per queue family and state. */
  queueWaiting: 'connector_host_queue_waiting_jobs',
  queueActive: 'connector_host_queue_active_jobs',
  queueDelayed: 'connector_host_queue_delayed_jobs',
  /** Failed jobs kept for inspection: the dead-letter count. */
  queueFailed: 'connector_host_queue_failed_jobs',
  /** Age of the oldest job waiting in the queue family, 0 when none waits. */
  queueOldestWaiting: 'connector_host_queue_oldest_waiting_seconds',
  /** Gauge: objects in the connector space (the cache). */
  cacheObjects: 'connector_host_cache_objects',
  /** Gauges: Unix time of the last successful import / export / cache change, 0 = never. */
  lastImport: 'connector_host_last_successful_import_timestamp_seconds',
  lastExport: 'connector_host_last_successful_export_timestamp_seconds',
  lastCacheChange: 'connector_host_last_cache_change_timestamp_seconds',
  /** Counter: provisioning log entries that could not be written (Redis down). */
  provisioningLogDropped: 'connector_host_provisioning_log_dropped_total',
} as const;

export type MetricName = (typeof METRIC)[keyof typeof METRIC];

/**
 * The only labels any metric carries. Every value is bounded: connector names come from the
 * config (anything else is `unknown`), methods, statuses, operations, outcomes, queue families and
 * error kinds are small fixed sets. Never an id, an anchor, a value or a token.
 */
export const LABEL = {
  connector: 'connector',
  connectorType: 'connector_type',
  op: 'op',
  outcome: 'outcome',
  method: 'method',
  status: 'status',
  kind: 'kind',
  /** Queue family: `export`, `import` or `cache` (partitions are summed). */
  queue: 'queue',
} as const;

/** The connector label of a request whose connector is not configured (probes, typos). */
export const UNKNOWN_CONNECTOR = 'unknown';

/** `success` 2xx; `rejected` 4xx (bad input, conflict, not found); `failed` 5xx; `dropped`: deadline passed before it started. */
export type ExportOutcomeLabel = 'success' | 'rejected' | 'failed' | 'dropped';
export type ImportOutcomeLabel = 'success' | 'failed';
export type QueueFamily = 'export' | 'import' | 'cache';

export function exportOutcomeOf(status: number): ExportOutcomeLabel {
  if (status < 400) return 'success';
  if (status < 500) return 'rejected';
  return 'failed';
}

/** HTTP methods as labels; anything exotic is `other`, so a client cannot grow the label set. */
const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);
export function methodLabel(method: string): string {
  const upper = method.toUpperCase();
  return METHODS.has(upper) ? upper : 'other';
}

/**
 * The time-series names a scrape can show: counters and gauges as named, histograms as their
 * `_bucket`, `_sum` and `_count` series. Dashboards and alert rules are checked against this list
 * (plus the process metrics, which get the same prefix).
 */
export function exportedSeriesNames(): string[] {
  const histograms = new Set<string>([METRIC.scimRequestDuration, METRIC.exportDuration, METRIC.exportQueueWait, METRIC.importDuration]);
  const names: string[] = [];
  for (const name of Object.values(METRIC)) {
    if (histograms.has(name)) names.push(`${name}_bucket`, `${name}_sum`, `${name}_count`);
    else names.push(name);
  }
  return names;
}
