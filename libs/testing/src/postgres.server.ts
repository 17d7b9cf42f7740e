import { chownSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { findFreePort } from './free-port';
import { ensureDevNullWritable, isRoot, systemUser } from './run-as';
import { launch, onFreePort, postgresBinDirs, requireBinary, runToCompletion, ServerHandle } from './server-process';
import { createTempDir } from './temp-dir';

export interface PostgresOptions {
  startTimeoutMs?: number;
  /** Further `-c name=value` settings, e.g. `{ max_connections: '50' }`. */
  settings?: Record<string, string>;
}

export interface PostgresServer extends ServerHandle {
  /** `postgres://postgres@127.0.0.1:PORT/<database>`. */
  urlFor(database: string): string;
  /** Creates a fresh, empty database (a random `test_…` name by default) and returns its URL. */
  createDatabase(name?: string): Promise<string>;
  /** Every `-c name=value` the server runs with: the harness's defaults and `options.settings`. */
  settings: Record<string, string>;
}

const APT_PACKAGE = 'postgresql';

/**
 * Starts a private PostgreSQL cluster on a free loopback port with trust authentication; the
 * superuser is `postgres` without password. PostgreSQL refuses to run as root, so as root the
 * cluster runs as the `postgres` system user.
 */
export async function startPostgres(options: PostgresOptions = {}): Promise<PostgresServer> {
  const extraDirs = postgresBinDirs();
  const initdb = requireBinary(['initdb'], APT_PACKAGE, extraDirs);
  const postgres = requireBinary(['postgres'], APT_PACKAGE, extraDirs);
  let runAs: { uid: number; gid: number } | undefined;
  if (isRoot()) {
    runAs = systemUser('postgres');
    if (!runAs) {
      throw new Error(`PostgreSQL cannot run as root and there is no postgres user: \`apt-get install -y ${APT_PACKAGE}\``);
    }
    ensureDevNullWritable();
  }

  return onFreePort(async (port) => {
    const temp = createTempDir('connector-host-pg-');
    try {
      if (runAs) chownSync(temp.path, runAs.uid, runAs.gid);
      const dataDir = join(temp.path, 'data');
      await runToCompletion(
        initdb,
        ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '--encoding=UTF8', '--no-locale'],
        { logFile: join(temp.path, 'initdb.log'), runAs, cwd: temp.path, timeoutMs: 60000 },
      );
      const settings: Record<string, string> = {
        listen_addresses: '127.0.0.1',
        fsync: 'off',
        synchronous_commit: 'off',
        full_page_writes: 'off',
        max_connections: '100',
        ...options.settings,
      };
      const args = ['-D', dataDir, '-p', String(port), '-k', temp.path];
      for (const [name, value] of Object.entries(settings)) args.push('-c', `${name}=${value}`);
      const urlFor = (database: string): string => `postgres://postgres@127.0.0.1:${port}/${database}`;
      const server = await launch({
        command: postgres,
        args,
        cwd: temp.path,
        runAs,
        logFile: join(temp.path, 'postgres.log'),
        probe: () => postgresAnswers(urlFor('postgres')),
        startTimeoutMs: options.startTimeoutMs ?? 30000,
        stopSignal: 'SIGINT', // fast shutdown: does not wait for clients to disconnect
        cleanupDir: temp.path,
      });
      return {
        url: urlFor('postgres'),
        port,
        pid: server.pid,
        urlFor,
        settings,
        createDatabase: async (name = `test_${randomSuffix()}`) => {
          if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`bad database name: ${name}`);
          const client = new Client({ connectionString: urlFor('postgres') });
          await client.connect();
          try {
            await client.query(`CREATE DATABASE "${name}"`);
          } finally {
            await client.end();
          }
          return urlFor(name);
        },
        stop: async () => {
          await server.stop();
          temp.remove();
        },
      };
    } catch (error) {
      temp.remove();
      throw error;
    }
  }, findFreePort);
}

async function postgresAnswers(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export function randomSuffix(): string {
  return Math.random().toString(36).slice(2, 10);
}
