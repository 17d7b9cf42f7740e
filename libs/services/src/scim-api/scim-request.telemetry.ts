import { Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Observable } from 'rxjs';
import type { ConnectorCatalog } from '@connector-host/provisioning';
import {
  contextWithSpan,
  extractTraceContext,
  runInContext,
  setSpanError,
  SpanKind,
  SPAN_ATTR,
  startSpan,
  UNKNOWN_CONNECTOR,
  type Context,
  type HostMetrics,
  type Span,
} from '@connector-host/telemetry';
import { CATALOG, METRICS } from '../core/tokens';

/** The server span of each connector request, from Fastify's first hook to its response. */
const requestSpans = new WeakMap<object, { span: Span; parent: Context }>();

/**
 * Metrics and the server span of every request on a connector's routes, from Fastify hooks, so
 * that refusals before any handler runs (401, 404, 415, 429) are counted and traced too. Labels:
 * the connector only when it is configured (else `unknown`: a client cannot add series), the
 * method, the status. The span carries the route pattern, never the URL (filter values) or headers.
 */
@Injectable()
export class ScimRequestTelemetry implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(METRICS) private readonly metrics: HostMetrics,
    @Inject(CATALOG) private readonly catalog: ConnectorCatalog,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify) return;
    fastify.addHook('onRequest', (request, _reply, done) => {
      const route = request.routeOptions.url;
      if (route?.startsWith('/:tenant/')) {
        // an incoming traceparent (a gateway in front of the host) becomes the parent
        const parent = extractTraceContext(request.headers as Record<string, string | string[] | undefined>);
        const connector = this.connectorOf(request);
        const span = startSpan(`${request.method} ${route}`, {
          kind: SpanKind.SERVER,
          parent,
          attributes: {
            [SPAN_ATTR.httpMethod]: request.method,
            [SPAN_ATTR.httpRoute]: route,
            ...(connector !== UNKNOWN_CONNECTOR ? { [SPAN_ATTR.connector]: connector } : {}),
          },
        });
        requestSpans.set(request, { span, parent });
      }
      done();
    });
    fastify.addHook('onResponse', (request, reply, done) => {
      const route = request.routeOptions.url;
      if (route?.startsWith('/:tenant/scim')) {
        this.metrics.scimRequest({ connector: this.connectorOf(request), method: request.method, status: reply.statusCode }, reply.elapsedTime / 1000);
      }
      const traced = requestSpans.get(request);
      if (traced) {
        traced.span.setAttribute(SPAN_ATTR.httpStatus, reply.statusCode);
        if (reply.statusCode >= 500) setSpanError(traced.span, String(reply.statusCode));
        traced.span.end();
        requestSpans.delete(request);
      }
      done();
    });
  }

  private connectorOf(request: FastifyRequest): string {
    const tenant = (request.params as { tenant?: string } | undefined)?.tenant ?? '';
    const match = /^ecma2host_([A-Za-z0-9]+)$/.exec(tenant);
    return match && this.catalog.has(match[1]) ? match[1] : UNKNOWN_CONNECTOR;
  }
}

/**
 * Makes the request's server span the active context while its handler runs, so the producer
 * span, log lines and the trace context put into the export job all belong to it.
 */
@Injectable()
export class TraceContextInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const traced = requestSpans.get(context.switchToHttp().getRequest<object>());
    if (!traced) return next.handle();
    const active = contextWithSpan(traced.span, traced.parent);
    return new Observable((subscriber) => runInContext(active, () => next.handle().subscribe(subscriber)));
  }
}
