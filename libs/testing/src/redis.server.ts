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
  /** Sends one inline command (`FLUSHALL`, `HLEN key`); resolves the first line of the answer (`+OK`, `:42`), undefined on none. */
  command(command: string): Promise<string | undefined>;
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
        pid: server.pid,
        dir: temp.path,
        command: (command) => redisCommand(port, command),
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
export async function redisPing(port: number, timeoutMs = 1000): Promise<boolean> {
  return (await redisCommand(port, 'PING', timeoutMs))?.startsWith('+PONG') ?? false;
}

/** Sends one command in Redis' inline protocol; resolves the first line of the answer, undefined when none comes. */
export function redisCommand(port: number, command: string, timeoutMs = 2000): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = new Socket();
    let answer = '';
    const done = (value: string | undefined): void => {
      socket.destroy();
      resolve(value);
    };
    socket.setTimeout(timeoutMs, () => done(undefined));
    socket.once('error', () => done(undefined));
    socket.on('data', (chunk) => {
      answer += chunk.toString('utf8');
      if (answer.includes('\r\n')) done(answer.slice(0, answer.indexOf('\r\n')));
    });
    socket.connect(port, '127.0.0.1', () => socket.write(`${command}\r\n`));
  });
}
