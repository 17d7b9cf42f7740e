import { Catch, HttpException, Inject, NotFoundException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ScimError } from '@connector-host/scim';
import type { JsonLogger } from '@connector-host/platform';
import { LOGGER } from '../core/tokens';
import { allowedMethods, SCIM_CONTENT_TYPE } from './http-edge';

/** Turns anything thrown into an RFC 7644 §3.12 error body; internals never reach the client. */
export function toScimError(error: unknown): ScimError {
  if (error instanceof ScimError) return error;
  const status = (error as { statusCode?: number }).statusCode ?? (error instanceof HttpException ? error.getStatus() : 500);
  const code = (error as { code?: string }).code ?? '';
  if (status === 413 || code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new ScimError(413, 'request body too large', 'invalidValue');
  if (status === 415 || code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return new ScimError(415, 'unsupported content type: send application/scim+json or application/json', 'invalidSyntax');
  }
  if (code.startsWith('FST_ERR_CTP') || code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return ScimError.invalidSyntax('the request body is not valid JSON');
  if (status === 404) return ScimError.notFound('no such endpoint');
  if (status === 405) return new ScimError(405, 'method not allowed on this endpoint');
  if (status >= 400 && status < 500) return ScimError.invalidSyntax(error instanceof Error ? error.message : 'bad request');
  return new ScimError(500, 'internal error; see the host logs');
}

@Catch()
export class ScimExceptionFilter implements ExceptionFilter {
  /** Every route the server registers (filled as Nest registers them, after this filter is made). */
  private readonly routes: Array<{ method: string; url: string }> = [];

  constructor(
    @Inject(LOGGER) private readonly logger: JsonLogger,
    adapterHost: HttpAdapterHost,
  ) {
    adapterHost.httpAdapter?.getInstance<FastifyInstance>().addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) this.routes.push({ method, url: route.url });
    });
  }

  catch(error: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    let scim = toScimError(error);
    if (error instanceof NotFoundException && !(error instanceof ScimError)) {
      // no route for this method: when the path has routes for other methods, that is a 405
      const request = host.switchToHttp().getRequest<FastifyRequest>();
      const allowed = allowedMethods(request.url, this.routes);
      if (allowed.length > 0) {
        void reply.header('Allow', allowed.join(', '));
        scim = new ScimError(405, `${request.method} is not allowed here; allowed: ${allowed.join(', ')}`);
      }
    }
    if (scim.status >= 500 && !(error instanceof ScimError)) {
      this.logger.error('request failed', { error: error instanceof Error ? error.message : String(error) });
    }
    // 503 = the host or its target cannot take the request now (deadline passed, Redis down): retry later
    if (scim.status === 503) void reply.header('Retry-After', '30');
    void reply.status(scim.status).header('content-type', SCIM_CONTENT_TYPE).send(scim.toBody());
  }
}
