import { resolve } from 'node:path';
import { ConfigError, loadConfig, type HostConfig, type ServiceName } from '@connector-host/config';
import { connectorSettingsSchemas } from '@connector-host/connectors';
import { MissingBinaryError } from '@connector-host/platform';
import { shutdownTracing } from '@connector-host/telemetry';
import { TlsSetupError } from '@connector-host/security';
import { startServices, type RunningHost } from './bootstrap';

/** Loads and validates the config file, with every connector type's settings schema. */
export function readConfig(configPath: string): HostConfig {
  return loadConfig(resolve(configPath), { connectorSettingsSchemas: connectorSettingsSchemas() });
}

export interface RunOptions {
  configPath: string;
  services: ServiceName[];
  connectorTypes?: string[];
  /** Where a private redis-server keeps its data (all-in-one host without REDIS_URL). */
  dataDir: string;
}

/**
 * Starts services from a config file and stops them gracefully on SIGTERM/SIGINT: readiness fails
 * first, workers finish or hand back their jobs, then connections close.
 */
export async function runServices(options: RunOptions): Promise<RunningHost> {
  let config: HostConfig;
  try {
    config = readConfig(options.configPath);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  if (!config.redis.url && options.services.length < 4) {
    process.stderr.write('REDIS_URL (or redis.url in the config) is required to run services separately: they meet in one Redis.\n');
    process.exit(2);
  }
  let host: RunningHost;
  try {
    host = await startServices(config, {
      services: options.services,
      connectorTypes: options.connectorTypes,
      embeddedRedisDir: resolve(options.dataDir, 'redis'),
    });
  } catch (error) {
    if (error instanceof MissingBinaryError || error instanceof TlsSetupError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`${signal}: stopping gracefully\n`);
    // past the workers' shutdown time plus ten seconds to close connections, the process goes anyway
    const force = setTimeout(() => process.exit(1), (config.workers?.shutdownMs ?? 20000) + 10000);
    force.unref();
    // the last spans leave before the process does
    void host
      .close()
      .then(() => shutdownTracing())
      .then(() => process.exit(0));
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  return host;
}
