import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { HostConfig } from '@connector-host/config';
import { exportQueueName, partitionOf, type ExportJobs, type QueueDriver } from '@connector-host/queue';
import { ScimError } from '@connector-host/scim';
import type { ConnectorCatalog } from '@connector-host/provisioning';
import { contextWithSpan, injectTraceContext, markFailed, SpanKind, SPAN_ATTR, startSpan } from '@connector-host/telemetry';
import { CATALOG, HOST_CONFIG, QUEUE_DRIVER } from '../core/tokens';
import { ReplyBus } from './reply-bus';

export interface WriteOutcome {
  status: number;
  body?: unknown;
}

type ExportPayload<N extends keyof ExportJobs> = Omit<ExportJobs[N], 'envelope'>;

/**
 * Turns a validated SCIM write into an export job on the object's partition queue and waits for
 * the worker's answer until the deadline. Past it: 503 with Retry-After, and the worker drops the
 * job if it has not started, so it completes once or not at all.
 */
@Injectable()
export class ScimWriteService {
  constructor(
    @Inject(HOST_CONFIG) private readonly config: HostConfig,
    @Inject(QUEUE_DRIVER) private readonly queues: QueueDriver,
    @Inject(CATALOG) private readonly catalog: ConnectorCatalog,
    private readonly replies: ReplyBus,
  ) {}

  async submit<N extends keyof ExportJobs>(name: N, payload: ExportPayload<N>, objectKey: string): Promise<WriteOutcome> {
    const connector = this.catalog.connector(payload.connector);
    const requestId = randomUUID();
    const acceptedAt = Date.now();
    const deadline = acceptedAt + this.config.server.deadlineMs;
    const queueName = exportQueueName(connector.name, partitionOf(objectKey.toLowerCase(), connector.exportPartitions));
    // the producer span ends at publish; its context rides in the job, so the worker's span joins this trace
    const producer = startSpan(`publish export-${connector.name}`, {
      kind: SpanKind.PRODUCER,
      attributes: {
        [SPAN_ATTR.messagingSystem]: 'bullmq',
        [SPAN_ATTR.messagingOperation]: 'send',
        [SPAN_ATTR.messagingDestination]: queueName,
        [SPAN_ATTR.messageId]: requestId,
        [SPAN_ATTR.connector]: connector.name,
        [SPAN_ATTR.scimOperation]: name.slice('export.'.length),
      },
    });
    const trace = injectTraceContext(contextWithSpan(producer));
    const envelope = { requestId, acceptedAt, deadline, replyTo: this.replies.channel, ...(trace ? { trace } : {}) };
    const data = { ...payload, envelope } as ExportJobs[N];
    const queue = this.queues.queue(queueName);
    const waiting = this.replies.wait(requestId, deadline);
    try {
      await queue.add(name, data, { removeOnComplete: true, removeOnFail: 1000, jobId: requestId });
    } catch (error) {
      waiting.cancel();
      markFailed(producer, error);
      // producers fail fast: Redis is down, nothing was queued
      throw new ScimError(503, 'the host cannot queue the request right now (Redis unavailable); retry later');
    } finally {
      producer.end();
    }
    const reply = await waiting.reply;
    if (!reply) {
      throw new ScimError(503, `the target did not answer within ${Math.round(this.config.server.deadlineMs / 1000)} s; retry later`);
    }
    return { status: reply.status, body: reply.body };
  }
}
