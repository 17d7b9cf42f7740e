import { ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, closeSync, existsSync, openSync, readFileSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** A server started by this harness: where to reach it, and how to stop it. */
export interface ServerHandle {
  url: string;
  port: number;
  /** The server process's pid: the one `stop()` signals (benchmarks print it). */
  pid: number;
  /** Stops the process this harness started (by pid) and removes its temporary folder. */
  stop(): Promise<void>;
}

export class MissingBinaryError extends Error {
  constructor(binary: string, aptPackage: string) {
    super(`${binary} is not installed on this machine: install it with \`apt-get install -y ${aptPackage}\``);
    this.name = 'MissingBinaryError';
  }
}

/** The server could not bind its port (another test worker took it first): start again on another. */
export class PortInUseError extends Error {}

const SYSTEM_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/** The first executable among `names` on PATH, the system folders or `extraDirs`. */
export function findBinary(names: string[], extraDirs: string[] = []): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...SYSTEM_DIRS, ...extraDirs];
  for (const name of names) {
    for (const dir of dirs) {
      const candidate = join(dir, name);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

export function requireBinary(names: string[], aptPackage: string, extraDirs: string[] = []): string {
  const found = findBinary(names, extraDirs);
  if (!found) throw new MissingBinaryError(names[0] ?? aptPackage, aptPackage);
  return found;
}

/** `/usr/lib/postgresql/<major>/bin` folders, newest first: Debian keeps PostgreSQL's binaries there. */
export function postgresBinDirs(): string[] {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a))
    .map((v) => join(root, v, 'bin'));
}

export function logTail(files: string[], lines = 40): string {
  const parts: string[] = [];
  for (const file of files) {
    if (!existsSync(file)) continue;
    const text = readFileSync(file, 'utf8').trimEnd();
    if (!text) continue;
    parts.push(`--- ${file} (last ${lines} lines) ---\n${text.split('\n').slice(-lines).join('\n')}`);
  }
  return parts.length ? parts.join('\n') : '(the server wrote no log)';
}

const ADDRESS_IN_USE = /address already in use|could not bind|bind on tcp\/ip port|errno: 98|EADDRINUSE/i;

export interface RunAs {
  uid: number;
  gid: number;
}

// Every process this harness started and has not yet seen exit: killed if the test process exits first.
const live = new Map<number, ChildProcess>();
let exitHookInstalled = false;
function track(child: ChildProcess, cleanupDir?: string): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const pid of live.keys()) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    });
  }
  if (child.pid === undefined) return;
  const pid = child.pid;
  live.set(pid, child);
  const watchdog = watch(pid, cleanupDir);
  child.once('exit', () => {
    live.delete(pid);
    if (watchdog?.pid !== undefined) {
      try {
        process.kill(watchdog.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
}

/**
 * A jest worker that is force-killed runs no exit hook: a small shell outlives it, and kills the
 * server it started (by pid) and removes its folder once the test process is gone.
 */
function watch(serverPid: number, cleanupDir?: string): ChildProcess | undefined {
  const removeDir = cleanupDir && /^[\w./-]+$/.test(cleanupDir) ? `; sleep 2; rm -rf '${cleanupDir}'` : '';
  const script = `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; kill -9 ${serverPid} 2>/dev/null${removeDir}`;
  try {
    const watchdog = spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' });
    watchdog.on('error', () => undefined);
    watchdog.unref();
    return watchdog;
  } catch {
    return undefined;
  }
}

function spawnLogged(
  command: string,
  args: string[],
  logFile: string,
  runAs?: RunAs,
  cwd?: string,
  cleanupDir?: string,
  env?: NodeJS.ProcessEnv,
): ChildProcess {
  const fd = openSync(logFile, 'a');
  try {
    const child = spawn(command, args, {
      stdio: ['ignore', fd, fd],
      cwd,
      ...(env ? { env } : {}),
      ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}),
    });
    track(child, cleanupDir);
    return child;
  } finally {
    closeSync(fd);
  }
}

function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(-1));
  });
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs a setup command (initdb, mariadb-install-db) to its end; fails with its output when it fails. */
export async function runToCompletion(
  command: string,
  args: string[],
  options: { logFile: string; runAs?: RunAs; timeoutMs: number; cwd?: string },
): Promise<void> {
  const child = spawnLogged(command, args, options.logFile, options.runAs, options.cwd);
  let spawnError: Error | undefined;
  child.once('error', (error) => (spawnError = error));
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), options.timeoutMs)));
  const outcome = await Promise.race([exitOf(child), timedOut]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    child.kill('SIGKILL');
    await exitOf(child);
    throw new Error(`${command} did not finish within ${options.timeoutMs} ms\n${logTail([options.logFile])}`);
  }
  if (outcome !== 0) {
    const why = spawnError ? spawnError.message : `exit code ${outcome}`;
    throw new Error(`${command} ${args.join(' ')} failed (${why})\n${logTail([options.logFile])}`);
  }
}

export interface LaunchOptions {
  command: string;
  args: string[];
  /** stdout and stderr go here. */
  logFile: string;
  /** Further logs the server writes itself (shown when it fails). */
  otherLogs?: string[];
  runAs?: RunAs;
  cwd?: string;
  /** The server's environment; default this process's. */
  env?: NodeJS.ProcessEnv;
  /** Resolves true once the server answers a real request. */
  probe(): Promise<boolean>;
  startTimeoutMs: number;
  /** The signal that shuts the server down promptly (PostgreSQL: SIGINT, fast shutdown). */
  stopSignal: NodeJS.Signals;
  /** Removed by the watchdog if the test process dies without stopping the server. */
  cleanupDir?: string;
}

export interface LaunchedServer {
  pid: number;
  /** False once the process has exited, whoever ended it. */
  isRunning(): boolean;
  stop(timeoutMs?: number): Promise<void>;
}

/** Starts a server and waits until it answers; throws with its log tail when it dies or times out. */
export async function launch(options: LaunchOptions): Promise<LaunchedServer> {
  const logs = [options.logFile, ...(options.otherLogs ?? [])];
  const child = spawnLogged(options.command, options.args, options.logFile, options.runAs, options.cwd, options.cleanupDir, options.env);
  let spawnError: Error | undefined;
  child.once('error', (error) => (spawnError = error));
  const exited = exitOf(child);
  let hasExited = false;
  void exited.then(() => (hasExited = true));

  const stop = async (timeoutMs = 15000): Promise<void> => {
    if (hasExited || child.pid === undefined) return;
    try {
      process.kill(child.pid, options.stopSignal);
    } catch {
      return; // already gone
    }
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    const outcome = await Promise.race([exited.then(() => 'exited' as const), timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout' && !hasExited) {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
      await exited;
    }
  };

  const deadline = Date.now() + options.startTimeoutMs;
  for (;;) {
    await delay(hasExited ? 0 : 100);
    if (hasExited || spawnError) {
      const tail = logTail(logs);
      const why = spawnError ? spawnError.message : `exit code ${child.exitCode ?? child.signalCode}`;
      const message = `${options.command} exited before accepting connections (${why})\n${tail}`;
      throw ADDRESS_IN_USE.test(tail) ? new PortInUseError(message) : new Error(message);
    }
    let ready = false;
    try {
      ready = await options.probe();
    } catch {
      ready = false;
    }
    // A probe may have reached another worker's server on a port we lost: trust it only if ours still runs.
    if (ready && !hasExited) return { pid: child.pid as number, isRunning: () => !hasExited, stop };
    if (Date.now() > deadline) {
      await stop(5000);
      throw new Error(
        `${options.command} did not accept connections within ${options.startTimeoutMs} ms\n${logTail(logs)}`,
      );
    }
  }
}

/** Runs `start` on fresh ports until the server binds (parallel jest workers can race for a port). */
export async function onFreePort<T>(start: (port: number) => Promise<T>, pickPort: () => Promise<number>): Promise<T> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      return await start(await pickPort());
    } catch (error) {
      if (!(error instanceof PortInUseError)) throw error;
      lastError = error;
    }
  }
  throw lastError;
}
