// The telemetry bootstrap, imported first by main.ts: OpenTelemetry is registered before `http` and
// the rest load. Configured by the standard OTEL_* variables (libs/telemetry/README.md).
import { startProcessTracing } from '@connector-host/telemetry';

startProcessTracing('connector-host-cache');
