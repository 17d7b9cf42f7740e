import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Redis } from 'ioredis';
import type { HostState } from '../core/host-state';
import { HOST_STATE, REDIS } from '../core/tokens';

/**
 * Liveness and readiness on the SCIM port too (the operations endpoint has the same); readiness
 * fails while Redis does not answer or on shutdown.
 */
@Controller()
export class HealthController {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(HOST_STATE) private readonly state: HostState,
  ) {}

  @Get('healthz')
  live() {
    return { status: 'ok' };
  }

  @Get('readyz')
  async ready(@Res() reply: FastifyReply) {
    if (this.state.shuttingDown) return reply.status(503).send({ status: 'shutting down' });
    try {
      await this.redis.ping();
      return reply.send({ status: 'ready' });
    } catch {
      return reply.status(503).send({ status: 'redis unavailable' });
    }
  }
}
