// The export-worker service on its own: `node dist/apps/export-worker/main.js --config <file> [--connector-type sql]`.
import { serviceArgs } from '../cli/service-args';
import { runServices } from '@connector-host/services';

void runServices({ ...serviceArgs(process.argv.slice(2)), services: ['export-worker'] });
