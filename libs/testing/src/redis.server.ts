import { Socket } from 'node:net';
import { join } from 'node:path';
import { findFreePort } from './free-port';
import { launch, onFreePort, requireBinary, ServerHandle } from './server-process';
import { createTempDir } from './temp-dir';

export interface RedisOptions {
  /** Turn the append-only file on (`appendonly yes`), as production runs Redis. Default off. */
  appendOnly?: boolean;
  /** `appendfsync` when appendOnly is on. Default `everysec`. */
  appendFsync?: 'always' | 'everysec' | 'no';
  /** Further `--name value` arguments, e.g. `['--maxmemory-policy', 'noeviction']`. */
  extraArgs?: string[];
  startTimeoutMs?: number;
}

export interface RedisServer extends ServerHandle {
  /** The folder redis-server runs in (its AOF lives here). */
  dir: string;
}

/** Starts a private redis-server on a free loopback port: `redis://127.0.0.1:PORT`. */
export async function startRedis(options: RedisOptions = {}): Promise<RedisServer> {
  const binary = requireBinary(['redis-server'], 'redis-server');
  return onFreePort(async (port) => {
    const temp = createTempDir('connector-host-redis-');
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', temp.path, '--save', ''];
    args.push('--appendonly', options.appendOnly ? 'yes' : 'no');
    if (options.appendOnly) args.push('--appendfsync', options.appendFsync ?? 'everysec');
    args.push(...(options.extraArgs ?? []));
    try {
      const server = await launch({
        command: binary,
        args,
        cwd: temp.path,
        logFile: join(temp.path, 'redis.log'),
        probe: () => redisPing(port),
        startTimeoutMs: options.startTimeoutMs ?? 20000,
        stopSignal: 'SIGTERM',
        cleanupDir: temp.path,
      });
      return {
        url: `redis://127.0.0.1:${port}`,
        port,
        dir: temp.path,
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

/** Sends PING in the inline protocol and expects +PONG. */
export function redisPing(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    let answer = '';
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.on('data', (chunk) => {
      answer += chunk.toString('utf8');
      if (answer.includes('\r\n')) done(answer.startsWith('+PONG'));
    });
    socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
  });
}
