import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import type { ConnectorConfig, HostConfig } from '@connector-host/config';
import type { JsonLogger } from '@connector-host/platform';
import type { ConnectorCatalog } from '@connector-host/provisioning';
import { ScimError } from '@connector-host/scim';
import { createConnectorAuthenticator, type BearerTokenCheck } from '@connector-host/security';
import { CATALOG, HOST_CONFIG, LOGGER, REDIS } from '../core/tokens';
import { ConnectorRateLimiter } from './connector-rate-limiter';

/** A connector name as the URL carries it: `/ecma2host_<name>/scim/...`. */
export function connectorFromParam(param: string | undefined): string {
  const match = /^ecma2host_([A-Za-z0-9]+)$/.exec(param ?? '');
  if (!match) throw ScimError.notFound('unknown endpoint: expected /ecma2host_<connector>/scim/...');
  return match[1];
}

/** One per connector config, shared by every guard instance: JWT key caches live here. */
const authenticators = new WeakMap<ConnectorConfig, BearerTokenCheck>();
/** Stands in for a connector that does not exist: no token matches it. */
const UNKNOWN_CONNECTOR: ConnectorConfig = {
  name: '',
  type: '',
  secretToken: '\u0000no-connector',
  connection: {},
  objectTypes: [],
  runProfiles: { export: false, fullImport: false, deltaImport: false },
  autosyncMinutes: 0,
  exportPageSize: 1,
  exportPartitions: 1,
  exportRetries: 0,
};

/**
 * Every route under `/ecma2host_<connector>/` passes here: the bearer token must be the one of the
 * connector named in the URL — its Secret Token, a token matching its `secretTokenHash`, or an
 * Entra JWT passing its `auth.jwt` checks — then the connector's rate limit, if any, must admit
 * the request. A token opens only its own connector; an unknown connector answers like a bad
 * token, so names cannot be probed.
 */
@Injectable()
export class ConnectorAuthGuard implements CanActivate {
  private readonly rateLimiter: ConnectorRateLimiter;

  constructor(
    @Inject(CATALOG) private readonly catalog: ConnectorCatalog,
    @Inject(LOGGER) private readonly logger: JsonLogger,
    @Inject(REDIS) redis: Redis,
    @Inject(HOST_CONFIG) config: HostConfig,
  ) {
    this.rateLimiter = new ConnectorRateLimiter(redis, config.redis.prefix);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest<{ Params: { tenant?: string } }>>();
    const reply = http.getResponse<FastifyReply>();
    const name = connectorFromParam(request.params.tenant);
    const match = /^Bearer\s+(.+)$/i.exec((request.headers.authorization ?? '').trim());
    const known = this.catalog.has(name);
    const connector = known ? this.catalog.connector(name) : UNKNOWN_CONNECTOR;
    // the unknown connector's check runs too, so both answers take the same time
    const check = await this.authenticatorOf(connector)(match ? match[1].trim() : '');
    if (!match || !known || !check.ok) {
      if (!check.ok && check.unavailable) {
        this.logger.error('cannot check bearer tokens', { connector: name, reason: check.reason });
        throw new ScimError(503, 'the host cannot check tokens right now; retry later');
      }
      if (known) this.logger.warn('request refused: bad bearer token', { connector: name, reason: !match ? 'no bearer token' : check.ok ? '' : check.reason });
      void reply.header('WWW-Authenticate', 'Bearer');
      throw ScimError.unauthorized('missing or invalid bearer token for this connector');
    }
    const admission = await this.rateLimiter.admit(connector);
    if (!admission.admitted) {
      void reply.header('Retry-After', String(admission.retryAfterSeconds));
      throw new ScimError(429, `too many requests for connector ${name}; retry after ${admission.retryAfterSeconds} s`);
    }
    return true;
  }

  private authenticatorOf(connector: ConnectorConfig): BearerTokenCheck {
    let check = authenticators.get(connector);
    if (!check) {
      check = createConnectorAuthenticator(connector);
      authenticators.set(connector, check);
    }
    return check;
  }
}
