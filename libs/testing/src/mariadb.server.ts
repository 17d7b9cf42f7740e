import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { findFreePort } from './free-port';
import { randomSuffix } from './postgres.server';
import { isRoot } from './run-as';
import { launch, onFreePort, requireBinary, runToCompletion, ServerHandle } from './server-process';
import { createTempDir } from './temp-dir';

export interface MariaDbOptions {
  startTimeoutMs?: number;
  /** Further server options, e.g. `['--max-connections=50']`. */
  extraArgs?: string[];
}

export interface MariaDbServer extends ServerHandle {
  /** `mysql://root@127.0.0.1:PORT/<database>`. */
  urlFor(database: string): string;
  /** Creates a fresh, empty database (a random `test_…` name by default) and returns its URL. */
  createDatabase(name?: string): Promise<string>;
}

const APT_PACKAGE = 'mariadb-server';

/**
 * Starts a private MariaDB server on a free loopback port. The data folder is created with a real
 * `root` user without password (no --skip-grant-tables); `url` points at the created database `test`.
 */
export async function startMariaDb(options: MariaDbOptions = {}): Promise<MariaDbServer> {
  const installDb = requireBinary(['mariadb-install-db', 'mysql_install_db'], APT_PACKAGE);
  const mariadbd = requireBinary(['mariadbd', 'mysqld'], APT_PACKAGE);
  const asRoot = isRoot() ? ['--user=root'] : [];

  return onFreePort(async (port) => {
    const temp = createTempDir('connector-host-mariadb-');
    try {
      const dataDir = join(temp.path, 'data');
      await runToCompletion(
        installDb,
        [
          '--no-defaults',
          `--datadir=${dataDir}`,
          '--auth-root-authentication-method=normal',
          '--skip-test-db',
          '--skip-name-resolve',
          ...asRoot,
        ],
        { logFile: join(temp.path, 'install.log'), cwd: temp.path, timeoutMs: 60000 },
      );
      const errorLog = join(temp.path, 'mariadb.log');
      const args = [
        '--no-defaults',
        `--datadir=${dataDir}`,
        `--socket=${join(temp.path, 'mysqld.sock')}`,
        `--pid-file=${join(temp.path, 'mariadbd.pid')}`,
        `--tmpdir=${temp.path}`,
        `--log-error=${errorLog}`,
        `--port=${port}`,
        '--bind-address=127.0.0.1',
        '--skip-name-resolve',
        '--character-set-server=utf8mb4',
        '--collation-server=utf8mb4_general_ci',
        '--innodb-buffer-pool-size=32M',
        '--innodb-flush-log-at-trx-commit=0',
        '--innodb-doublewrite=0',
        ...asRoot,
        ...(options.extraArgs ?? []),
      ];
      const urlFor = (database: string): string => `mysql://root@127.0.0.1:${port}/${database}`;
      const server = await launch({
        command: mariadbd,
        args,
        cwd: temp.path,
        logFile: join(temp.path, 'mariadbd.out'),
        otherLogs: [errorLog],
        probe: () => mariaDbAnswers(port),
        startTimeoutMs: options.startTimeoutMs ?? 60000,
        stopSignal: 'SIGTERM',
        cleanupDir: temp.path,
      });
      const createDatabase = async (name = `test_${randomSuffix()}`): Promise<string> => {
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`bad database name: ${name}`);
        const connection = await createConnection({ host: '127.0.0.1', port, user: 'root' });
        try {
          await connection.query(`CREATE DATABASE IF NOT EXISTS \`${name}\``);
        } finally {
          await connection.end();
        }
        return urlFor(name);
      };
      const stop = async (): Promise<void> => {
        await server.stop(30000);
        temp.remove();
      };
      try {
        await createDatabase('test');
      } catch (error) {
        await stop();
        throw error;
      }
      return { url: urlFor('test'), port, pid: server.pid, urlFor, createDatabase, stop };
    } catch (error) {
      temp.remove();
      throw error;
    }
  }, findFreePort);
}

async function mariaDbAnswers(port: number): Promise<boolean> {
  try {
    const connection = await createConnection({ host: '127.0.0.1', port, user: 'root', connectTimeout: 1000 });
    try {
      await connection.query('SELECT 1');
      return true;
    } finally {
      await connection.end();
    }
  } catch {
    return false;
  }
}
