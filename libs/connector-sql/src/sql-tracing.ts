import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { SqlConnectionSettings } from './sql-settings';

const DB_SYSTEM: Record<SqlConnectionSettings['dialect'], string> = {
  sqlite: 'sqlite',
  postgres: 'postgresql',
  mysql: 'mysql',
  mariadb: 'mariadb',
  mssql: 'microsoft.sql_server',
};

/**
 * A CLIENT span per statement (OpenTelemetry database conventions), the last hop of a trace from
 * the Entra request. The text is the parameterised statement: values are bound, never in it.
 * Without a tracer provider this is a no-op.
 */
export async function traceStatement<T>(dialect: SqlConnectionSettings['dialect'], text: string, run: () => Promise<T>): Promise<T> {
  const operation = /^\s*(\w+)/.exec(text)?.[1]?.toUpperCase() ?? 'SQL';
  return trace.getTracer('connector-host.sql').startActiveSpan(
    operation,
    { kind: SpanKind.CLIENT, attributes: { 'db.system.name': DB_SYSTEM[dialect], 'db.operation.name': operation, 'db.query.text': text } },
    async (span) => {
      try {
        return await run();
      } catch (error) {
        const reason = (error as { reason?: unknown }).reason;
        const kind = typeof reason === 'string' ? reason : 'error';
        span.setAttribute('error.type', kind);
        span.setStatus({ code: SpanStatusCode.ERROR, message: kind });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}
