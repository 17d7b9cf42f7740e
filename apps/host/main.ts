// The all-in-one host: scim-api, export-worker, import-worker and cache in one process.
import './telemetry';
import { runServices, serviceArgs } from '@connector-host/services';

void runServices({ ...serviceArgs(process.argv.slice(2)), services: ['scim-api', 'export-worker', 'import-worker', 'cache'] });
