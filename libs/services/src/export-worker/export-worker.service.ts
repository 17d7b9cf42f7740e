import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { ConnectorConfig, HostConfig } from '@connector-host/config';
import { isConnectorError } from '@connector-host/connector-sdk';
import { ExportUseCase, type ConnectorCatalog, type ExportOutcome } from '@connector-host/provisioning';
import {
  DeadLetterStore,
  EXPORT_JOB_NAMES,
  exportQueueName,
  TargetGate,
  type ExportJobs,
  type ExportReply,
  type JobHandlers,
  type JobInfo,
  type QueueDriver,
} from '@connector-host/queue';
import type { JsonLogger } from '@connector-host/platform';
import {
  currentTraceIds,
  exportOutcomeOf,
  extractTraceContext,
  linkTo,
  setSpanError,
  SpanKind,
  SPAN_ATTR,
  withSpan,
  type HostMetrics,
  type ProvisioningLogRecord,
  type ProvisioningLogRepository,
  type ScimOperation,
} from '@connector-host/telemetry';
import type { ConnectorInstances } from '../core/connector-instances';
import { waitUntilHealthy, waitUntilRedisAnswers } from '../core/connector-readiness';
import { servesConnectorType, type ServiceOptions } from '../core/service-options';
import { CATALOG, CONNECTORS, HOST_CONFIG, LOGGER, METRICS, PROVISIONING_LOG, QUEUE_DRIVER, REDIS, SERVICE_OPTIONS } from '../core/tokens';

/**
 * Applies export jobs, one worker per partition queue of each connector it serves. A partition's
 * global concurrency is 1, so operations on one object run in order across every replica.
 */
@Injectable()
export class ExportWorkerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly useCase: ExportUseCase;
  private readonly lifecycle = { stopped: false };
  private readonly deadLetters: DeadLetterStore;

  constructor(
    @Inject(HOST_CONFIG) private readonly config: HostConfig,
    @Inject(SERVICE_OPTIONS) private readonly options: ServiceOptions,
    @Inject(CATALOG) private readonly catalog: ConnectorCatalog,
    @Inject(QUEUE_DRIVER) private readonly queues: QueueDriver,
    @Inject(CONNECTORS) private readonly connectors: ConnectorInstances,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(LOGGER) private readonly logger: JsonLogger,
    @Inject(METRICS) private readonly metrics: HostMetrics,
    @Inject(PROVISIONING_LOG) private readonly provisioningLog: ProvisioningLogRepository,
  ) {
    const gate = new TargetGate(redis, config.redis.prefix);
    this.deadLetters = new DeadLetterStore(redis, config.redis.prefix);
    const policy = (connector: ConnectorConfig) => ({
      // the partitions already bound concurrency to exportPartitions: only a lower limit needs the shared semaphore
      maxConcurrent: (connector.maxConcurrentExports ?? connector.exportPartitions) < connector.exportPartitions ? connector.maxConcurrentExports! : 0,
      failures: connector.circuitBreaker?.failures ?? 5,
      openMs: connector.circuitBreaker?.openMs ?? 30000,
    });
    this.useCase = new ExportUseCase(catalog, (name) => connectors.get(name), logger, {
      run: (connector, deadline, call, onAdmitted) =>
        gate.run(connector.name, policy(connector), deadline, call, (error) => isConnectorError(error) && error.retryable, onAdmitted),
      failed: (connector) => gate.recordFailure(connector.name, policy(connector)),
    });
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
    // workers start paused: no job is taken before Redis and the target both answer
    if (!(await waitUntilRedisAnswers(this.redis, this.logger, this.lifecycle))) return;
    if (!(await waitUntilHealthy(connector.name, instance, this.logger, this.lifecycle))) return;
    const schema = await instance.discoverSchema();
    await this.catalog.publishSchema(connector.name, schema);
    for (const { objectType, problem } of schema.unavailable ?? []) {
      // the target answers; this object type's settings do not fit it: an administrator's fix, not an outage
      this.logger.error('object type not served: configuration problem', { connector: connector.name, objectType, problem });
    }
    const handlers: JobHandlers<ExportJobs> = {
      'export.create': (data, job) => this.handle('export.create', data, job),
      'export.replace': (data, job) => this.handle('export.replace', data, job),
      'export.patch': (data, job) => this.handle('export.patch', data, job),
      'export.delete': (data, job) => this.handle('export.delete', data, job),
    };
    for (let partition = 0; partition < connector.exportPartitions; partition++) {
      const name = exportQueueName(connector.name, partition);
      await this.queues.queue(name).setGlobalConcurrency(1);
      // a job whose worker died twice while running it is failed by BullMQ: it lands in dead letters
      const worker = this.queues.worker<ExportJobs>(name, handlers, EXPORT_JOB_NAMES, { lockDurationMs: this.config.workers?.lockMs, maxStalledCount: 2 });
      worker.on('failed', (job, error) => {
        if (!job || !(EXPORT_JOB_NAMES as readonly string[]).includes(job.name)) return;
        const data = job.data as ExportJobs[keyof ExportJobs];
        void this.deadLetter(job.name as keyof ExportJobs, data, name, 500, `job failed in the queue: ${error.message}`, undefined);
      });
      if (!this.lifecycle.stopped) void worker.run();
    }
    this.logger.info('export worker ready', { connector: connector.name, partitions: connector.exportPartitions });
  }

  /**
   * One export job, in a CONSUMER span that is the child of scim-api's producer span (and linked to
   * it): the target calls below it complete the trace from the Entra request to the target.
   */
  private handle<N extends keyof ExportJobs>(name: N, job: ExportJobs[N], jobInfo: JobInfo): Promise<{ status: number } | { dropped: true }> {
    const info = { ...jobInfo, rerun: jobInfo.rerun === true || job.envelope.rerun === true };
    // a rerun may have reached the target already: it must complete (reconcile), never be dropped,
    // so it gets a fresh deadline for its own retries (nobody waits for it any more)
    const data: ExportJobs[N] = info.rerun
      ? { ...job, envelope: { ...job.envelope, deadline: Math.max(job.envelope.deadline, Date.now() + this.config.server.deadlineMs) } }
      : job;
    const parent = extractTraceContext(data.envelope.trace);
    const op = name.slice('export.'.length) as ScimOperation;
    const labels = { connector: data.connector, connectorType: this.catalog.connector(data.connector).type, op };
    const attributes = {
      [SPAN_ATTR.messagingSystem]: 'bullmq',
      [SPAN_ATTR.messagingOperation]: 'process',
      [SPAN_ATTR.messageId]: data.envelope.requestId,
      [SPAN_ATTR.connector]: data.connector,
      [SPAN_ATTR.connectorType]: labels.connectorType,
      [SPAN_ATTR.objectType]: data.objectType,
      [SPAN_ATTR.scimOperation]: op,
    };
    return withSpan(`process export-${data.connector}`, { kind: SpanKind.CONSUMER, parent, links: linkTo(parent), attributes }, async (span) => {
      const started = Date.now();
      this.metrics.exportWaited(labels, (started - data.envelope.acceptedAt) / 1000);
      const entry = { connector: data.connector, objectType: data.objectType, scimOperation: op, requestId: data.envelope.requestId, traceId: currentTraceIds()?.traceId };
      if (started > data.envelope.deadline && !info.rerun) {
        // nobody waits any more and the client was told 503: dropping keeps "completes once or not at all"
        this.logger.warn('export dropped: its deadline passed before it started', { connector: data.connector, job: name });
        this.metrics.exportJob(labels, 'dropped', 0);
        span.setAttribute(SPAN_ATTR.outcome, 'dropped');
        await this.record({ ...entry, ...('id' in data ? { anchor: data.id } : {}), targetOperation: 'none', status: 503, outcome: 'dropped', durationMs: 0 });
        // normally nobody listens any more; a replay from the CLI does, and learns why
        const dropped: ExportReply = { requestId: data.envelope.requestId, status: 503, body: { detail: 'dropped: its deadline passed before it started' } };
        await this.redis.publish(data.envelope.replyTo, JSON.stringify(dropped)).catch(() => undefined);
        return { dropped: true as const };
      }
      const outcome = await this.useCase.run(name, data, { rerun: info.rerun === true });
      const durationMs = Date.now() - started;
      // nothing reached the target (breaker open, no slot) before the deadline: dropped, as a job that never started
      const result = outcome.notAttempted ? 'dropped' : exportOutcomeOf(outcome.status);
      this.metrics.exportJob(labels, outcome.status, durationMs / 1000);
      span.setAttribute(SPAN_ATTR.outcome, result);
      span.setAttribute(SPAN_ATTR.targetOperation, outcome.targetOperation ?? 'none');
      if (outcome.status >= 500) setSpanError(span, outcome.errorKind ?? String(outcome.status));
      const scimType = (outcome.body as { scimType?: unknown } | undefined)?.scimType;
      // logged before the reply goes out: once Entra has its answer, the log shows the operation
      await this.record({
        ...entry,
        anchor: outcome.anchor,
        targetOperation: outcome.targetOperation,
        status: outcome.status,
        outcome: result,
        durationMs,
        ...(outcome.status >= 400 && typeof scimType === 'string' ? { scimType } : {}),
        ...(outcome.errorKind ? { errorKind: outcome.errorKind } : {}),
      });
      if (outcome.status >= 500 && !outcome.notAttempted) {
        await this.deadLetter(name, job, info.queueName ?? '', outcome.status, describeFailure(outcome), outcome.anchor);
      }
      const reply: ExportReply = { requestId: data.envelope.requestId, status: outcome.status, body: outcome.body };
      await this.redis.publish(data.envelope.replyTo, JSON.stringify(reply));
      this.logger.info('export', {
        connector: data.connector,
        objectType: data.objectType,
        job: name,
        status: outcome.status,
        durationMs,
        requestId: data.envelope.requestId,
      });
      return { status: outcome.status };
    });
  }

  /** Keeps an export the host could not apply for a reason that is not the client's; replayable with the CLI. */
  private async deadLetter<N extends keyof ExportJobs>(name: N, data: ExportJobs[N], queue: string, status: number, reason: string, anchor: string | undefined): Promise<void> {
    try {
      await this.deadLetters.add({
        connector: data.connector,
        queue,
        job: name,
        data,
        failedAt: Date.now(),
        status,
        reason,
        ...(anchor ?? ('id' in data ? data.id : undefined) ? { anchor: anchor ?? (data as { id: string }).id } : {}),
      });
      this.logger.warn('export dead-lettered', { connector: data.connector, job: name, status, requestId: data.envelope.requestId });
    } catch (error) {
      this.logger.error('export could not be dead-lettered (Redis unavailable)', { connector: data.connector, job: name, error: String(error) });
    }
  }

  /** A provisioning log entry; losing one (Redis down) is counted and logged, never fails the export. */
  private async record(entry: ProvisioningLogRecord): Promise<void> {
    try {
      await this.provisioningLog.append(entry);
    } catch (error) {
      this.metrics.provisioningLogDrop(entry.connector);
      this.logger.warn('provisioning log entry lost', { connector: entry.connector, error: error instanceof Error ? error.message : String(error) });
    }
  }
}

/** The reason an operator reads in the dead-letter list: the error kind and the SCIM detail (never attribute values). */
function describeFailure(outcome: ExportOutcome): string {
  const detail = (outcome.body as { detail?: unknown } | undefined)?.detail;
  return [outcome.errorKind, typeof detail === 'string' ? detail : undefined].filter(Boolean).join(': ') || `status ${outcome.status}`;
}
