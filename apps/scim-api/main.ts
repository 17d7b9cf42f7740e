// The scim-api service on its own: `node dist/apps/scim-api/main.js --config <file>` (REDIS_URL required).
import './telemetry';
import { runServices, serviceArgs } from '@connector-host/services';

void runServices({ ...serviceArgs(process.argv.slice(2)), services: ['scim-api'] });
