import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Redis } from 'ioredis';
import type { HostConfig } from '@connector-host/config';
import type { ExportReply } from '@connector-host/queue';
import type { ServiceOptions } from '../core/service-options';
import { HOST_CONFIG, SERVICE_OPTIONS } from '../core/tokens';

/**
 * Where export workers answer this scim-api replica: one pub/sub channel per process, one pending
 * promise per request. A lost reply only means the request ends at its deadline.
 */
@Injectable()
export class ReplyBus implements OnModuleInit, OnApplicationShutdown {
  readonly channel: string;
  private readonly subscriber: Redis;
  private readonly pending = new Map<string, (reply: ExportReply) => void>();

  constructor(@Inject(HOST_CONFIG) config: HostConfig & { redis: { url: string } }, @Inject(SERVICE_OPTIONS) options: ServiceOptions) {
    this.channel = `${config.redis.prefix}:reply:${options.instanceId}`;
    this.subscriber = new Redis(config.redis.url, { lazyConnect: true });
  }

  async onModuleInit(): Promise<void> {
    await this.subscriber.connect();
    this.subscriber.on('message', (_channel: string, message: string) => {
      const reply = JSON.parse(message) as ExportReply;
      const resolve = this.pending.get(reply.requestId);
      if (resolve) {
        this.pending.delete(reply.requestId);
        resolve(reply);
      }
    });
    await this.subscriber.subscribe(this.channel);
  }

  /** Resolves with the reply, or with null at the deadline. */
  wait(requestId: string, deadline: number): { reply: Promise<ExportReply | null>; cancel: () => void } {
    let timer: NodeJS.Timeout | undefined;
    const reply = new Promise<ExportReply | null>((resolve) => {
      this.pending.set(requestId, resolve);
      timer = setTimeout(() => {
        this.pending.delete(requestId);
        resolve(null);
      }, Math.max(0, deadline - Date.now()));
    });
    void reply.finally(() => clearTimeout(timer));
    return {
      reply,
      cancel: () => {
        clearTimeout(timer);
        this.pending.delete(requestId);
      },
    };
  }

  onApplicationShutdown(): void {
    this.subscriber.disconnect();
  }
}
