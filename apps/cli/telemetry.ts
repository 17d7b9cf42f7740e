// The telemetry bootstrap of the CLI, imported first by main.ts so that OpenTelemetry is registered
// before `http` and the rest load. `start` traces as the service(s) it runs; other commands trace
// nothing. Configured by the standard OTEL_* variables (libs/telemetry/README.md).
import { startProcessTracing } from '@connector-host/telemetry';

const SERVICES = ['scim-api', 'export-worker', 'import-worker', 'cache'];

/** `connector-host-scim-api` for `start scim-api`, `connector-host` for several services, undefined for other commands. */
export function telemetryServiceName(argv: string[]): string | undefined {
  if (argv[2] !== 'start') return undefined;
  const named = [];
  for (const arg of argv.slice(3)) {
    if (arg.startsWith('-')) break;
    named.push(arg);
  }
  return named.length === 1 && SERVICES.includes(named[0]) ? `connector-host-${named[0]}` : 'connector-host';
}

startProcessTracing(telemetryServiceName(process.argv));
