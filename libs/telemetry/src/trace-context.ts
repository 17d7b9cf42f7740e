/**
 * Spans and W3C trace context for the rest of the code. Without a started tracer provider every
 * call here is a cheap no-op. Span attributes carry names and counts, never values or tokens.
 */
import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Link,
  type Span,
} from '@opentelemetry/api';

export { SpanKind, type Span, type Context };

const TRACER_NAME = 'connector-host';

/** Span attribute names used across the host (OpenTelemetry semantic conventions where one exists). */
export const SPAN_ATTR = {
  connector: 'connector.name',
  connectorType: 'connector.type',
  objectType: 'connector.object_type',
  scimOperation: 'scim.operation',
  targetOperation: 'connector.target_operation',
  outcome: 'connector.outcome',
  errorKind: 'error.type',
  httpMethod: 'http.request.method',
  httpRoute: 'http.route',
  httpStatus: 'http.response.status_code',
  messagingSystem: 'messaging.system',
  messagingDestination: 'messaging.destination.name',
  messagingOperation: 'messaging.operation.type',
  messageId: 'messaging.message.id',
} as const;

export function tracer() {
  return trace.getTracer(TRACER_NAME);
}

/** The active context's trace context as W3C headers (`traceparent`, `tracestate`), for a job envelope. */
export function injectTraceContext(from: Context = context.active()): Record<string, string> | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(from, carrier);
  return Object.keys(carrier).length ? carrier : undefined;
}

/** A context whose parent is the span described by these W3C headers (or the root context). */
export function extractTraceContext(carrier: Record<string, string | string[] | undefined> | undefined): Context {
  if (!carrier) return ROOT_CONTEXT;
  return propagation.extract(ROOT_CONTEXT, carrier);
}

/** The span context in `ctx` as a link (a consumer links to its producer as well as being its child). */
export function linkTo(ctx: Context): Link[] {
  const span = trace.getSpanContext(ctx);
  return span && trace.isSpanContextValid(span) ? [{ context: span }] : [];
}

export interface SpanOptions {
  kind?: SpanKind;
  attributes?: Attributes;
  links?: Link[];
  /** Default: the active context. */
  parent?: Context;
}

/**
 * Runs `fn` inside a new active span and ends it; a thrown error marks the span as failed (with
 * the error's class and `reason`, never its message, which may quote a target's values) and is
 * rethrown.
 */
export async function withSpan<T>(name: string, options: SpanOptions, fn: (span: Span) => Promise<T>): Promise<T> {
  const parent = options.parent ?? context.active();
  const span = tracer().startSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes, links: options.links }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => fn(span));
  } catch (error) {
    markFailed(span, error);
    throw error;
  } finally {
    span.end();
  }
}

/** Marks a span as failed with the kind of error only. */
export function markFailed(span: Span, error: unknown): void {
  const reason = (error as { reason?: unknown }).reason;
  const kind = typeof reason === 'string' ? reason : error instanceof Error ? error.name : 'error';
  span.setAttribute(SPAN_ATTR.errorKind, kind);
  span.setStatus({ code: SpanStatusCode.ERROR, message: kind });
}

/** Ids of the active span, for logs and the provisioning log; undefined when nothing is traced. */
export function currentTraceIds(ctx: Context = context.active()): { traceId: string; spanId: string } | undefined {
  const span = trace.getSpanContext(ctx);
  if (!span || !trace.isSpanContextValid(span)) return undefined;
  return { traceId: span.traceId, spanId: span.spanId };
}

/** Runs `fn` with `ctx` active. */
export function runInContext<T>(ctx: Context, fn: () => T): T {
  return context.with(ctx, fn);
}

/** The active context with `span` set on it. */
export function contextWithSpan(span: Span, parent: Context = context.active()): Context {
  return trace.setSpan(parent, span);
}

export function setSpanError(span: Span, kind: string): void {
  span.setAttribute(SPAN_ATTR.errorKind, kind);
  span.setStatus({ code: SpanStatusCode.ERROR, message: kind });
}

/** A span the caller ends itself (a producer span that ends at publish, a server span at the response). */
export function startSpan(name: string, options: SpanOptions = {}): Span {
  return tracer().startSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes, links: options.links }, options.parent ?? context.active());
}
