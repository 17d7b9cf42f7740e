// Private PostgreSQL and Redis servers on loopback, in temporary folders: the same logic as
// libs/testing's startPostgres / startRedis (which is not part of the build), in plain ESM.
import { execFileSync } from 'node:child_process';
import { accessSync, chmodSync, chownSync, constants, existsSync, readdirSync, statSync } from 'node:fs';
import { Socket } from 'node:net';
import { delimiter, join } from 'node:path';
import pg from 'pg';
import { createTempDir, findFreePort, launch, onCleanup, runToCompletion } from './processes.mjs';

const SYSTEM_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

function postgresBinDirs() {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a))
    .map((v) => join(root, v, 'bin'));
}

export function requireBinary(name, aptPackage, extraDirs = []) {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...SYSTEM_DIRS, ...extraDirs];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  throw new Error(`${name} is not installed on this machine: install it with \`apt-get install -y ${aptPackage}\``);
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

function systemUser(name) {
  try {
    const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : undefined;
  } catch {
    return undefined;
  }
}

async function postgresAnswers(url) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
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

/**
 * A private PostgreSQL cluster on a free loopback port, trust authentication, superuser `postgres`.
 * As root the cluster runs as the `postgres` system user (PostgreSQL refuses to run as root).
 * Settings are the test harness's (fsync off, synchronous_commit off): the host and the raw
 * baseline run against the same server, so only their ratio means anything.
 */
export async function startPostgres({ settings = {}, startTimeoutMs = 30000 } = {}) {
  const extra = postgresBinDirs();
  const initdb = requireBinary('initdb', 'postgresql', extra);
  const postgres = requireBinary('postgres', 'postgresql', extra);
  let runAs;
  if (isRoot()) {
    runAs = systemUser('postgres');
    if (!runAs) throw new Error('PostgreSQL cannot run as root and there is no postgres user: `apt-get install -y postgresql`');
    try {
      if ((statSync('/dev/null').mode & 0o002) === 0) chmodSync('/dev/null', 0o666);
    } catch {
      // initdb will say what is wrong
    }
  }
  const temp = createTempDir('connector-host-bench-pg-');
  try {
    if (runAs) chownSync(temp.path, runAs.uid, runAs.gid);
    const dataDir = join(temp.path, 'data');
    await runToCompletion(
      initdb,
      ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '--encoding=UTF8', '--no-locale'],
      { logFile: join(temp.path, 'initdb.log'), runAs, cwd: temp.path, timeoutMs: 60000 },
    );
    const port = await findFreePort();
    const all = {
      listen_addresses: '127.0.0.1',
      fsync: 'off',
      synchronous_commit: 'off',
      full_page_writes: 'off',
      max_connections: '200',
      ...settings,
    };
    const args = ['-D', dataDir, '-p', String(port), '-k', temp.path];
    for (const [name, value] of Object.entries(all)) args.push('-c', `${name}=${value}`);
    const urlFor = (database) => `postgres://postgres@127.0.0.1:${port}/${database}`;
    const server = await launch({
      command: postgres,
      args,
      cwd: temp.path,
      runAs,
      logFile: join(temp.path, 'postgres.log'),
      probe: () => postgresAnswers(urlFor('postgres')),
      startTimeoutMs,
      stopSignal: 'SIGINT', // fast shutdown
    });
    const stop = async () => {
      await server.stop();
      temp.remove();
    };
    onCleanup(stop);
    return { url: urlFor('postgres'), port, pid: server.pid, urlFor, settings: all, stop };
  } catch (error) {
    temp.remove();
    throw error;
  }
}

/** Sends PING in the inline protocol and expects +PONG. */
export function redisCommand(port, command, timeoutMs = 2000) {
  return new Promise((resolve) => {
    const socket = new Socket();
    let answer = '';
    const done = (value) => {
      socket.destroy();
      resolve(value);
    };
    socket.setTimeout(timeoutMs, () => done(undefined));
    socket.once('error', () => done(undefined));
    socket.on('data', (chunk) => {
      answer += chunk.toString('utf8');
      if (answer.includes('\r\n')) done(answer.trim());
    });
    socket.connect(port, '127.0.0.1', () => socket.write(`${command}\r\n`));
  });
}

/** A private redis-server on a free loopback port, no persistence. */
export async function startRedis({ startTimeoutMs = 20000 } = {}) {
  const binary = requireBinary('redis-server', 'redis-server');
  const temp = createTempDir('connector-host-bench-redis-');
  try {
    const port = await findFreePort();
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', temp.path, '--save', '', '--appendonly', 'no'];
    const server = await launch({
      command: binary,
      args,
      cwd: temp.path,
      logFile: join(temp.path, 'redis.log'),
      probe: async () => (await redisCommand(port, 'PING')) === '+PONG',
      startTimeoutMs,
      stopSignal: 'SIGTERM',
    });
    const stop = async () => {
      await server.stop();
      temp.remove();
    };
    onCleanup(stop);
    return {
      url: `redis://127.0.0.1:${port}`,
      port,
      pid: server.pid,
      flushAll: async () => {
        const answer = await redisCommand(port, 'FLUSHALL');
        if (answer !== '+OK') throw new Error(`redis FLUSHALL answered ${answer}`);
      },
      stop,
    };
  } catch (error) {
    temp.remove();
    throw error;
  }
}
