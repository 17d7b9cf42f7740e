// The export-worker service on its own: `node dist/apps/export-worker/main.js --config <file> [--connector-type sql]`.
import './telemetry';
import { runServices, serviceArgs } from '@connector-host/services';

void runServices({ ...serviceArgs(process.argv.slice(2)), services: ['export-worker'] });
