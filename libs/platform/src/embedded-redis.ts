import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { join } from 'node:path';

export interface EmbeddedRedis {
  url: string;
  stop(): Promise<void>;
}

export class MissingBinaryError extends Error {}

/** Finds a free loopback TCP port. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function waitForPort(port: number, timeoutMs: number, isAlive: () => boolean = () => true): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (!isAlive()) throw new Error(`process for port ${port} exited before it accepted connections`);
    if (Date.now() > until) throw new Error(`nothing accepted connections on 127.0.0.1:${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * The private redis-server the all-in-one host starts when no `REDIS_URL` is configured:
 * loopback only, data (append-only file) in `dataDir`, so the connector space survives restarts.
 */
export async function startEmbeddedRedis(dataDir: string): Promise<EmbeddedRedis> {
  if (spawnSync('redis-server', ['--version']).error) {
    throw new MissingBinaryError(
      'redis-server was not found: install it (Debian/Ubuntu: `sudo apt-get install -y redis-server`) or set REDIS_URL',
    );
  }
  mkdirSync(dataDir, { recursive: true });
  await stopStale(join(dataDir, 'redis.pid'));
  const port = await freePort();
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dataDir, '--appendonly', 'yes', '--save', '', '--maxmemory-policy', 'noeviction', '--logfile', join(dataDir, 'redis.log'), '--pidfile', join(dataDir, 'redis.pid')],
    { stdio: 'ignore' },
  );
  let alive = true;
  child.once('exit', () => (alive = false));
  await waitForPort(port, 15000, () => alive);
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (!alive) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/**
 * A host killed hard (kill -9) leaves its redis-server running on the data folder: stop it, so
 * two servers never write one append-only file.
 */
async function stopStale(pidFile: string): Promise<void> {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 1) return;
  let command = '';
  try {
    command = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return; // not running
  }
  if (!command.startsWith('redis-server')) return;
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 100; i++) {
    if (!existsSync(`/proc/${pid}`)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}
