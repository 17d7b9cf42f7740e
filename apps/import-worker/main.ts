// The import-worker service on its own: `node dist/apps/import-worker/main.js --config <file>` (REDIS_URL required).
import './telemetry';
import { runServices, serviceArgs } from '@connector-host/services';

void runServices({ ...serviceArgs(process.argv.slice(2)), services: ['import-worker'] });
