import type { LoggerService } from '@nestjs/common';
import { context, trace } from '@opentelemetry/api';
import type { ConnectorLogger } from '@connector-host/connector-sdk';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Keys whose values are never written to a log, whatever their depth. */
const SECRET_KEY = /pass(word)?|secret|token|authorization|export_password|credential/i;

export function redactFields(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactFields(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    out[key] = SECRET_KEY.test(key) ? '***' : redactFields(v, depth + 1);
  }
  return out;
}

/** `traceId` and `spanId` of the active span, so a log line leads to its trace; empty when nothing is traced. */
function traceFields(): { traceId?: string; spanId?: string } {
  const span = trace.getSpanContext(context.active());
  return span && trace.isSpanContextValid(span) ? { traceId: span.traceId, spanId: span.spanId } : {};
}

/**
 * Structured JSON logs, one object per line on stdout: time, level, service, msg, the active
 * trace and span ids, and fields. Fields are redacted by key name before they are written.
 */
export class JsonLogger implements LoggerService, ConnectorLogger {
  constructor(
    private readonly service: string,
    private readonly level: LogLevel = 'info',
    private readonly write: (line: string) => void = (line) => process.stdout.write(line + '\n'),
    private readonly base: Record<string, unknown> = {},
  ) {}

  child(fields: Record<string, unknown>): JsonLogger {
    return new JsonLogger(this.service, this.level, this.write, { ...this.base, ...fields });
  }

  debug(message: unknown, fields?: unknown): void {
    this.emit('debug', message, fields);
  }
  info(message: unknown, fields?: unknown): void {
    this.emit('info', message, fields);
  }
  log(message: unknown, context?: unknown): void {
    this.emit('info', message, context);
  }
  warn(message: unknown, fields?: unknown): void {
    this.emit('warn', message, fields);
  }
  error(message: unknown, fields?: unknown): void {
    this.emit('error', message, fields);
  }
  verbose(message: unknown, context?: unknown): void {
    this.emit('debug', message, context);
  }

  private emit(level: LogLevel, message: unknown, fields: unknown): void {
    if (ORDER[level] < ORDER[this.level]) return;
    const extra =
      typeof fields === 'string' ? { context: fields } : fields && typeof fields === 'object' ? (redactFields(fields) as object) : {};
    const msg = message instanceof Error ? message.message : typeof message === 'string' ? message : JSON.stringify(redactFields(message));
    this.write(JSON.stringify({ time: new Date().toISOString(), level, service: this.service, msg, ...traceFields(), ...this.base, ...extra }));
  }
}
