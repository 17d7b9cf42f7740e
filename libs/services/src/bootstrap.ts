import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Module, type DynamicModule, type INestApplicationContext, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { HostConfig, ServiceName } from '@connector-host/config';
import { JsonLogger, startEmbeddedRedis, type EmbeddedRedis } from '@connector-host/platform';
import { readTlsMaterial, TlsReloader, type SecureContextHolder } from '@connector-host/security';
import { CacheModule } from './cache/cache.module';
import { CoreModule } from './core/core.module';
import { ExportWorkerModule } from './export-worker/export-worker.module';
import { ImportWorkerModule } from './import-worker/import-worker.module';
import type { HostState } from './core/host-state';
import { OpsServer } from './core/ops-server';
import { HOST_STATE } from './core/tokens';
import { answerClientError, answerFrameworkError, MAX_ID_LENGTH } from './scim-api/http-edge';
import { ScimApiModule } from './scim-api/scim-api.module';
import { registerScimBodyParsers } from './scim-api/scim-body-parser';

const MODULES: Record<ServiceName, Type<unknown>> = {
  'scim-api': ScimApiModule,
  'export-worker': ExportWorkerModule,
  'import-worker': ImportWorkerModule,
  cache: CacheModule,
};

export interface StartOptions {
  services: ServiceName[];
  connectorTypes?: string[];
  /** Where the private redis-server keeps its data when the config names no Redis. */
  embeddedRedisDir: string;
}

export interface RunningHost {
  /** `http://127.0.0.1:8585` (`https://` with server.tls) when scim-api runs here. */
  url?: string;
  redisUrl: string;
  /** `http://127.0.0.1:9464`: the operations endpoint (/metrics, /healthz, /readyz) every process serves. */
  metricsUrl?: string;
  /** Every route the HTTP server serves (HEAD included), as Fastify registered it: `/:tenant/scim/:resource`. */
  routes: Array<{ method: string; url: string }>;
  close(): Promise<void>;
}

@Module({})
class RootModule {
  static with(imports: DynamicModule['imports']): DynamicModule {
    return { module: RootModule, imports };
  }
}

/**
 * Starts the given services in this process: the all-in-one host runs all four, a Kubernetes
 * Deployment runs one. Same code, same Redis.
 */
export async function startServices(config: HostConfig, options: StartOptions): Promise<RunningHost> {
  const logger = new JsonLogger(options.services.length === 4 ? 'host' : options.services.join('+'), config.logging.level);
  // read before anything starts: a missing or mismatched file stops the start, naming key and file
  const tls = options.services.includes('scim-api') && config.server.tls ? readTlsMaterial(config.server.tls) : undefined;
  let embedded: EmbeddedRedis | undefined;
  let redisUrl = config.redis.url;
  if (!redisUrl) {
    embedded = await startEmbeddedRedis(options.embeddedRedisDir);
    redisUrl = embedded.url;
    logger.info('started a private redis-server (set REDIS_URL to use your own)', { redis: redisUrl, dir: options.embeddedRedisDir });
  }
  const resolved = { ...config, redis: { ...config.redis, url: redisUrl } };
  const root = RootModule.with([
    CoreModule.forRoot(resolved, { services: options.services, connectorTypes: options.connectorTypes, instanceId: randomUUID() }, logger),
    ...options.services.map((s) => MODULES[s]),
  ]);

  let app: INestApplicationContext;
  let url: string | undefined;
  let tlsReloader: TlsReloader | undefined;
  const routes: RunningHost['routes'] = [];
  if (options.services.includes('scim-api')) {
    // `/Users/?filter=…` is `/Users?filter=…`: clients (and Microsoft's own test collection) add the slash
    // the framework's own refusals (an id over MAX_ID_LENGTH, a broken URL, a request line or headers
    // over Node's 16 KiB) are answered as SCIM errors too (http-edge.ts)
    const adapter = new FastifyAdapter({
      bodyLimit: config.server.bodyLimitBytes,
      routerOptions: { ignoreTrailingSlash: true, maxParamLength: MAX_ID_LENGTH },
      frameworkErrors: answerFrameworkError,
      clientErrorHandler: answerClientError,
      ...(tls ? { https: tls.context } : {}),
    });
    // bodyParser off: Nest would add its own JSON and form parsers at init, after configureHttp
    const http = await NestFactory.create<NestFastifyApplication>(root, adapter, { logger, bufferLogs: false, bodyParser: false });
    configureHttp(http, config);
    http.getHttpAdapter().getInstance().addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) routes.push({ method, url: route.url });
    });
    await http.listen(config.server.port, config.server.host);
    const address = http.getHttpServer().address();
    const port = typeof address === 'object' && address ? address.port : config.server.port;
    url = `${tls ? 'https' : 'http'}://${config.server.host === '0.0.0.0' ? '127.0.0.1' : config.server.host}:${port}`;
    app = http;
    if (tls && config.server.tls) {
      tlsReloader = new TlsReloader(config.server.tls, http.getHttpServer() as unknown as SecureContextHolder /* an https.Server: fastify got `https` */, tls, {
        reloaded: (material) => logger.info('TLS certificate reloaded', { subject: material.certificate.subject, fingerprint256: material.certificate.fingerprint256, validTo: material.certificate.validTo }),
        failed: (error) => logger.error('TLS files changed but cannot be used; the previous certificate stays in service', { error: error.message }),
      });
      if (tls.certificate.validTo.getTime() - Date.now() < 30 * 86_400_000) {
        logger.warn('the TLS certificate expires within 30 days; replace the files (no restart needed)', { validTo: tls.certificate.validTo });
      }
    } else {
      logger.warn("serving plain HTTP: Entra's provisioning agent needs HTTPS; set server.tls (`connector-host cert generate` makes a certificate)");
    }
  } else {
    app = await NestFactory.createApplicationContext(root, { logger });
  }
  // no app.enableShutdownHooks(): Nest re-raises the signal after closing, which would kill the
  // process before the private redis-server is stopped; runServices handles SIGTERM/SIGINT itself
  logger.info('started', { services: options.services, url, connectors: config.connectors.map((c) => c.name) });

  return {
    url,
    redisUrl,
    routes,
    metricsUrl: app.get(OpsServer, { strict: false }).url,
    close: async () => {
      // readiness fails first, on the SCIM port and the operations endpoint alike
      app.get<HostState>(HOST_STATE, { strict: false }).shuttingDown = true;
      tlsReloader?.close();
      await app.close();
      await embedded?.stop();
    },
  };
}

/** SCIM bodies: see registerScimBodyParsers. */
function configureHttp(app: NestFastifyApplication, config: HostConfig): void {
  registerScimBodyParsers(app.getHttpAdapter().getInstance(), config.server.bodyLimitBytes);
}
