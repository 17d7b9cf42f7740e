import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Redis } from 'ioredis';
import { REDIS } from '../core/tokens';

/** Liveness and readiness for probes; readiness fails while Redis does not answer or on shutdown. */
@Controller()
export class HealthController {
  static shuttingDown = false;

  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  @Get('healthz')
  live() {
    return { status: 'ok' };
  }

  @Get('readyz')
  async ready(@Res() reply: FastifyReply) {
    if (HealthController.shuttingDown) return reply.status(503).send({ status: 'shutting down' });
    try {
      await this.redis.ping();
      return reply.send({ status: 'ready' });
    } catch {
      return reply.status(503).send({ status: 'redis unavailable' });
    }
  }
}
