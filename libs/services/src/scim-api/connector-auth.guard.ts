import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { ConnectorCatalog } from '@connector-host/provisioning';
import { ScimError } from '@connector-host/scim';
import { CATALOG } from '../core/tokens';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** A connector name as the URL carries it: `/ecma2host_<name>/scim/...`. */
export function connectorFromParam(param: string | undefined): string {
  const match = /^ecma2host_([A-Za-z0-9]+)$/.exec(param ?? '');
  if (!match) throw ScimError.notFound('unknown endpoint: expected /ecma2host_<connector>/scim/...');
  return match[1];
}

/**
 * Bearer token of the connector named in the URL, compared in constant time (digests of equal
 * length). A token opens only its own connector; an unknown connector answers like a bad token,
 * so names cannot be probed.
 */
@Injectable()
export class ConnectorAuthGuard implements CanActivate {
  constructor(@Inject(CATALOG) private readonly catalog: ConnectorCatalog) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest<{ Params: { tenant?: string } }>>();
    const name = connectorFromParam(request.params.tenant);
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header.trim());
    const presented = digest(match ? match[1].trim() : '');
    const expected = this.catalog.has(name) ? digest(this.catalog.connector(name).secretToken) : digest(`\u0000no-connector:${name}`);
    if (!match || !timingSafeEqual(presented, expected) || !this.catalog.has(name)) {
      throw ScimError.unauthorized('missing or invalid bearer token for this connector');
    }
    return true;
  }
}
