import { createServer, type Server } from 'node:http';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { HostConfig } from '@connector-host/config';
import { CONFIG_DEFAULTS } from '@connector-host/config';
import type { JsonLogger } from '@connector-host/platform';
import type { HostMetrics } from '@connector-host/telemetry';
import type { HostState } from './host-state';
import { HOST_CONFIG, HOST_STATE, LOGGER, METRICS, REDIS } from './tokens';

/**
 * The operations endpoint of every process, whatever services it runs: `/metrics` (Prometheus
 * text), `/healthz` (the process runs) and `/readyz` (Redis answers and no shutdown has begun), on
 * `server.metricsPort`, apart from the SCIM port so that Prometheus and probes reach it and the
 * Internet does not. A plain `node:http` server: nothing here needs Nest's routing.
 */
@Injectable()
export class OpsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private server?: Server;
  /** `http://127.0.0.1:9464` once listening. */
  url?: string;

  constructor(
    @Inject(HOST_CONFIG) private readonly config: HostConfig,
    @Inject(METRICS) private readonly metrics: HostMetrics,
    @Inject(HOST_STATE) private readonly state: HostState,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(LOGGER) private readonly logger: JsonLogger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const server = createServer((request, response) => {
      const path = (request.url ?? '/').split('?')[0];
      const send = (status: number, contentType: string, body: string) => {
        response.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
        response.end(request.method === 'HEAD' ? undefined : body);
      };
      const json = (status: number, body: object) => send(status, 'application/json; charset=utf-8', JSON.stringify(body));
      if (request.method !== 'GET' && request.method !== 'HEAD') return json(405, { error: 'method not allowed' });
      if (path === '/healthz') return json(200, { status: 'ok' });
      if (path === '/readyz') {
        void this.ready().then((reason) => (reason ? json(503, { status: reason }) : json(200, { status: 'ready' })));
        return;
      }
      if (path === '/metrics') {
        void this.metrics.scrape().then(
          ({ contentType, body }) => send(200, contentType, body),
          () => json(500, { error: 'metrics unavailable' }),
        );
        return;
      }
      json(404, { error: 'not found: /metrics, /healthz, /readyz' });
    });
    const { host, metricsPort } = this.config.server;
    try {
      await listen(server, metricsPort, host);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
      // several processes on one machine (a developer's, a test's): the default port goes to the
      // first; the others take any free port and say which. A port set on purpose must be free.
      if (metricsPort !== CONFIG_DEFAULTS.server.metricsPort) {
        throw new Error(`the metrics port ${metricsPort} is in use: set server.metricsPort (or METRICS_PORT) to a free port, 0 for any`);
      }
      await listen(server, 0, host);
      this.logger.warn(`the default metrics port ${metricsPort} is in use; this process serves /metrics on another port (set METRICS_PORT to choose)`, {
        port: portOf(server),
      });
    }
    this.server = server;
    this.url = `http://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host}:${portOf(server)}`;
    this.logger.info('operations endpoint listening', { url: `${this.url}/metrics` });
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Why the process is not ready, or undefined when it is. */
  private async ready(): Promise<string | undefined> {
    if (this.state.shuttingDown) return 'shutting down';
    try {
      await Promise.race([this.redis.ping(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000).unref())]);
      return undefined;
    } catch {
      return 'redis unavailable';
    }
  }
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const failed = (error: Error) => reject(error);
    server.once('error', failed);
    server.listen(port, host, () => {
      server.off('error', failed);
      resolve();
    });
  });
}

function portOf(server: Server): number {
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
}
