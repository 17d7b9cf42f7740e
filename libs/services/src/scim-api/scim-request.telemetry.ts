import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
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

/** The server span of each connector request, from Fastify's first hook to its response; `active` is the context with it set. */
const requestSpans = new WeakMap<object, { span: Span; active: Context }>();

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
        requestSpans.set(request, { span, active: contextWithSpan(span, parent) });
      }
      done();
    });
    // The span becomes the active context for the guard and the handler (the producer span, log
    // lines and the trace context put into the export job belong to it): everything from here to
    // the handler runs inside `done`, and the promises it creates keep the context. A hook rather
    // than a Nest interceptor, which cost an AsyncResource and an rxjs pipeline per request.
    fastify.addHook('preHandler', (request, _reply, done) => {
      const traced = requestSpans.get(request);
      if (traced) runInContext(traced.active, done);
      else done();
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
