/**
 * The OpenTelemetry bootstrap, configured by the standard OTEL_* environment variables. Every
 * apps/<service>/main.ts starts it first (apps/cli/telemetry.ts), before `http` and the rest load.
 * This module and libs/config are the only code that reads the environment.
 */
import { context, diag, propagation, trace, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  ParentBasedSampler,
  SimpleSpanProcessor,
  TraceIdRatioBasedSampler,
  type Sampler,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';

export type OtlpProtocol = 'http/protobuf' | 'http/json' | 'grpc';

/** What the OTEL_* variables ask for, read once. Header values are secrets: never log them. */
export interface TracingSettings {
  disabled: boolean;
  serviceName: string;
  resourceAttributes: Record<string, string>;
  exporter: 'otlp' | 'console' | 'none';
  protocol: OtlpProtocol;
  url: string;
  headers: Record<string, string>;
  sampler: { name: string; ratio: number };
}

type Env = Record<string, string | undefined>;

/**
 * Reads the standard variables. One deliberate difference from the specification's defaults:
 * without OTEL_TRACES_EXPORTER or an OTLP endpoint, spans are not exported (nothing is sent to a
 * collector that was never set up); trace ids still reach logs, the provisioning log and the queue.
 */
export function readTracingSettings(env: Env, defaultServiceName: string): TracingSettings {
  const get = (name: string) => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  const tracesEndpoint = get('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  const endpoint = get('OTEL_EXPORTER_OTLP_ENDPOINT');
  const protocolText = get('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL') ?? get('OTEL_EXPORTER_OTLP_PROTOCOL') ?? 'http/protobuf';
  if (!['http/protobuf', 'http/json', 'grpc'].includes(protocolText)) {
    throw new Error(`OTEL_EXPORTER_OTLP_PROTOCOL must be http/protobuf, http/json or grpc (got ${protocolText})`);
  }
  const protocol = protocolText as OtlpProtocol;
  const exporterText = (get('OTEL_TRACES_EXPORTER') ?? (tracesEndpoint || endpoint ? 'otlp' : 'none')).split(',')[0].trim();
  if (!['otlp', 'console', 'none'].includes(exporterText)) {
    throw new Error(`OTEL_TRACES_EXPORTER must be otlp, console or none (got ${exporterText})`);
  }
  const base = (endpoint ?? (protocol === 'grpc' ? 'http://localhost:4317' : 'http://localhost:4318')).replace(/\/+$/, '');
  const url = tracesEndpoint ?? (protocol === 'grpc' ? base : `${base}/v1/traces`);
  const ratio = Number(get('OTEL_TRACES_SAMPLER_ARG') ?? '1');
  return {
    disabled: get('OTEL_SDK_DISABLED')?.toLowerCase() === 'true',
    serviceName: get('OTEL_SERVICE_NAME') ?? defaultServiceName,
    resourceAttributes: parseKeyValues(get('OTEL_RESOURCE_ATTRIBUTES')),
    exporter: exporterText as TracingSettings['exporter'],
    protocol,
    url,
    headers: parseKeyValues(get('OTEL_EXPORTER_OTLP_TRACES_HEADERS') ?? get('OTEL_EXPORTER_OTLP_HEADERS')),
    sampler: { name: get('OTEL_TRACES_SAMPLER') ?? 'parentbased_always_on', ratio: Number.isFinite(ratio) ? Math.min(1, Math.max(0, ratio)) : 1 },
  };
}

/** `k1=v1,k2=v2` with percent-encoded values (OTEL_RESOURCE_ATTRIBUTES, OTEL_EXPORTER_OTLP_HEADERS). */
function parseKeyValues(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (text ?? '').split(',')) {
    const at = pair.indexOf('=');
    if (at <= 0) continue;
    const key = pair.slice(0, at).trim();
    try {
      out[key] = decodeURIComponent(pair.slice(at + 1).trim());
    } catch {
      out[key] = pair.slice(at + 1).trim();
    }
  }
  return out;
}

function samplerOf(settings: TracingSettings['sampler']): Sampler {
  const ratio = new TraceIdRatioBasedSampler(settings.ratio);
  switch (settings.name) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return ratio;
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: ratio });
    default:
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}

function exporterOf(settings: TracingSettings): SpanExporter {
  const config = { url: settings.url, headers: settings.headers };
  switch (settings.protocol) {
    case 'http/json': {
      const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
      return new OTLPTraceExporter(config);
    }
    case 'grpc': {
      // installed with @opentelemetry/sdk-node; loaded only when asked for
      const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-grpc') as typeof import('@opentelemetry/exporter-trace-otlp-grpc');
      return new OTLPTraceExporter({ url: settings.url });
    }
    default: {
      // http/protobuf, the specification's default; installed with @opentelemetry/sdk-node
      const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto') as typeof import('@opentelemetry/exporter-trace-otlp-proto');
      return new OTLPTraceExporter(config);
    }
  }
}

export interface TracingHandle {
  readonly settings: TracingSettings;
  /** Sends every finished span now. */
  flush(): Promise<void>;
  /** Flushes and unregisters: the API is a no-op afterwards. */
  shutdown(): Promise<void>;
}

let active: TracingHandle | undefined;

export interface StartTracingOptions {
  /** `connector-host-scim-api`; OTEL_SERVICE_NAME wins. */
  serviceName: string;
  version?: string;
  /** Default: the process environment. Tests pass their own. */
  env?: Env;
  /** Export problems go here (default: stderr, once per kind of problem). */
  onError?: (message: string) => void;
}

/**
 * Registers the tracer provider, W3C trace-context propagation, the async-local context and the
 * outgoing-HTTP instrumentation. Incoming requests are traced by scim-api itself (one server span
 * per request, also under jest, where `http` cannot be patched). Starting twice returns the first.
 */
export function startTracing(options: StartTracingOptions): TracingHandle {
  if (active) return active;
  const settings = readTracingSettings(options.env ?? process.env, options.serviceName);
  if (settings.disabled) {
    active = { settings, flush: async () => undefined, shutdown: async () => undefined };
    return active;
  }
  const processors: SpanProcessor[] = [];
  if (settings.exporter === 'otlp') processors.push(new BatchSpanProcessor(exporterOf(settings)));
  if (settings.exporter === 'console') processors.push(new SimpleSpanProcessor(new ConsoleSpanExporter()));
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      'service.namespace': 'connector-host',
      ...settings.resourceAttributes,
      [ATTR_SERVICE_NAME]: settings.serviceName,
      ...(options.version ? { [ATTR_SERVICE_VERSION]: options.version } : {}),
    }),
    sampler: samplerOf(settings.sampler),
    spanProcessors: processors,
  });
  provider.register();
  // outgoing calls only (REST and SOAP targets); `http` is patched in place when next required.
  // Incoming requests are not even wrapped (scim-api opens their server spans itself): the wrapper
  // cost a context switch and a closure per request on the hot read path.
  const http = new HttpInstrumentation({ disableIncomingRequestInstrumentation: true });
  http.setTracerProvider(provider);
  http.enable();
  // after the instrumentation: its warning that `http` was loaded first (by prom-client) is noise
  diag.setLogger(onceLogger(options.onError ?? ((message) => process.stderr.write(`${message}\n`))), DiagLogLevel.WARN);
  const handle: TracingHandle = {
    settings,
    flush: () => provider.forceFlush(),
    shutdown: async () => {
      http.disable();
      await provider.shutdown().catch(() => undefined);
      trace.disable();
      context.disable();
      propagation.disable();
      diag.disable();
      if (active === handle) active = undefined;
    },
  };
  active = handle;
  return handle;
}

/** Flushes and stops the tracing started in this process, if any (graceful shutdown). */
export async function shutdownTracing(): Promise<void> {
  await active?.shutdown();
}

/** OpenTelemetry's warnings, each distinct message once: a collector that is down must not flood the log. */
function onceLogger(write: (message: string) => void): DiagLogger {
  const seen = new Set<string>();
  const log = (level: string) => (message: string) => {
    const line = `opentelemetry ${level}: ${message}`.slice(0, 500);
    if (seen.has(line) || seen.size > 100) return;
    seen.add(line);
    write(JSON.stringify({ time: new Date().toISOString(), level, service: 'telemetry', msg: line }));
  };
  return { error: log('error'), warn: log('warn'), info: log('info'), debug: () => undefined, verbose: () => undefined };
}

/**
 * What every apps/<service>/telemetry.ts calls, first thing: tracing for this process, named
 * `serviceName` (undefined: nothing, e.g. a CLI command that serves nothing). Bad OTEL_* settings
 * stop the process with exit code 2, naming the variable.
 */
export function startProcessTracing(serviceName: string | undefined): void {
  if (!serviceName) return;
  try {
    startTracing({ serviceName });
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  }
}
