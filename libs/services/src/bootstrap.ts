import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Module, type DynamicModule, type INestApplicationContext, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { HostConfig, ServiceName } from '@connector-host/config';
import { JsonLogger, startEmbeddedRedis, type EmbeddedRedis } from '@connector-host/platform';
import { ScimError } from '@connector-host/scim';
import { CacheModule } from './cache/cache.module';
import { CoreModule } from './core/core.module';
import { ExportWorkerModule } from './export-worker/export-worker.module';
import { ImportWorkerModule } from './import-worker/import-worker.module';
import { HealthController } from './scim-api/health.controller';
import { ScimApiModule } from './scim-api/scim-api.module';

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
  /** `http://127.0.0.1:8585` when scim-api runs here. */
  url?: string;
  redisUrl: string;
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
  if (options.services.includes('scim-api')) {
    const adapter = new FastifyAdapter({ bodyLimit: config.server.bodyLimitBytes });
    // bodyParser off: Nest would add its own JSON and form parsers at init, after configureHttp
    const http = await NestFactory.create<NestFastifyApplication>(root, adapter, { logger, bufferLogs: false, bodyParser: false });
    configureHttp(http, config);
    await http.listen(config.server.port, config.server.host);
    const address = http.getHttpServer().address();
    const port = typeof address === 'object' && address ? address.port : config.server.port;
    url = `http://${config.server.host === '0.0.0.0' ? '127.0.0.1' : config.server.host}:${port}`;
    app = http;
  } else {
    app = await NestFactory.createApplicationContext(root, { logger });
  }
  // no app.enableShutdownHooks(): Nest re-raises the signal after closing, which would kill the
  // process before the private redis-server is stopped; runServices handles SIGTERM/SIGINT itself
  logger.info('started', { services: options.services, url, connectors: config.connectors.map((c) => c.name) });

  return {
    url,
    redisUrl,
    close: async () => {
      HealthController.shuttingDown = true;
      await app.close();
      await embedded?.stop();
    },
  };
}

/** SCIM bodies (`application/scim+json` and `application/json`), with SCIM errors for bad ones. */
function configureHttp(app: NestFastifyApplication, config: HostConfig): void {
  const fastify = app.getHttpAdapter().getInstance();
  // only JSON bodies: text/plain (a fastify default) or form data must answer 415, never be applied
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser(
    /^application\/(scim\+)?json(\s*;.*)?$/i,
    { parseAs: 'string', bodyLimit: config.server.bodyLimitBytes },
    (_request, body, done) => {
      const text = typeof body === 'string' ? body : body.toString('utf8');
      if (text.trim() === '') return done(null, undefined);
      try {
        done(null, JSON.parse(text));
      } catch {
        done(ScimError.invalidSyntax('the request body is not valid JSON'), undefined);
      }
    },
  );
}
