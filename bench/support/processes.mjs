// Processes and temporary folders started by a benchmark: every one is tracked so that it is stopped
// (by its pid) and removed on success, on failure, on Ctrl-C, and — as a last resort — on exit.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const live = new Map(); // pid -> ChildProcess
const tempDirs = new Set();
const cleanups = []; // async functions, run newest first by cleanupAll()

export const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A fresh folder under the OS temp dir, removed by cleanupAll() (or at exit). */
export function createTempDir(prefix) {
  const path = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.add(path);
  return {
    path,
    remove() {
      rmSync(path, { recursive: true, force: true });
      tempDirs.delete(path);
    },
  };
}

/** Registers an async cleanup step (stop a server, close a pool). Returns a function that unregisters it. */
export function onCleanup(fn) {
  cleanups.push(fn);
  return () => {
    const i = cleanups.indexOf(fn);
    if (i >= 0) cleanups.splice(i, 1);
  };
}

/** Runs every registered cleanup (newest first), then kills any process still alive and removes temp dirs. */
export async function cleanupAll() {
  while (cleanups.length) {
    const fn = cleanups.pop();
    try {
      await fn();
    } catch (error) {
      process.stderr.write(`cleanup: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  }
  killAllSync();
}

function killAllSync() {
  for (const pid of live.keys()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  for (const path of tempDirs) rmSync(path, { recursive: true, force: true });
  tempDirs.clear();
}

let hooksInstalled = false;
/** Ctrl-C / SIGTERM: clean up, then exit 130/143. Process exit: SIGKILL what is left, remove temp dirs. */
export function installExitHooks() {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.once('exit', killAllSync);
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]]) {
    process.once(signal, () => {
      process.stderr.write(`\n${signal}: stopping the benchmark's servers\n`);
      const force = setTimeout(() => process.exit(code), 20000);
      force.unref();
      void cleanupAll().finally(() => process.exit(code));
    });
  }
}

/** A port on 127.0.0.1 that nobody listens on right now. */
export function findFreePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('could not find a free port'))));
    });
  });
}

export function logTail(files, lines = 40) {
  const parts = [];
  for (const file of files) {
    if (!existsSync(file)) continue;
    const text = readFileSync(file, 'utf8').trimEnd();
    if (text) parts.push(`--- ${file} (last ${lines} lines) ---\n${text.split('\n').slice(-lines).join('\n')}`);
  }
  return parts.length ? parts.join('\n') : '(no log output)';
}

/** Spawns a tracked process with stdout and stderr appended to logFile. */
export function spawnLogged(command, args, { logFile, cwd, runAs, env }) {
  const fd = openSync(logFile, 'a');
  try {
    const child = spawn(command, args, {
      stdio: ['ignore', fd, fd],
      cwd,
      env: env ?? process.env,
      ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}),
    });
    if (child.pid !== undefined) {
      const pid = child.pid;
      live.set(pid, child);
      child.once('exit', () => live.delete(pid));
    }
    return child;
  } finally {
    closeSync(fd);
  }
}

function exitOf(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode ?? child.signalCode);
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal));
    child.once('error', () => resolve(-1));
  });
}

/** Runs a setup command (initdb) to its end; throws with its log when it fails or times out. */
export async function runToCompletion(command, args, { logFile, cwd, runAs, timeoutMs }) {
  const child = spawnLogged(command, args, { logFile, cwd, runAs });
  let spawnError;
  child.once('error', (error) => (spawnError = error));
  let timer;
  const timedOut = new Promise((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
  const outcome = await Promise.race([exitOf(child), timedOut]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    child.kill('SIGKILL');
    await exitOf(child);
    throw new Error(`${command} did not finish within ${timeoutMs} ms\n${logTail([logFile])}`);
  }
  if (outcome !== 0) {
    const why = spawnError ? spawnError.message : `exit ${outcome}`;
    throw new Error(`${command} ${args.join(' ')} failed (${why})\n${logTail([logFile])}`);
  }
}

/**
 * Starts a long-running server and waits until probe() resolves true. Returns { pid, stop, exited }.
 * stop() sends stopSignal to the pid, waits up to timeoutMs, then SIGKILLs that pid.
 */
export async function launch({ command, args, logFile, cwd, runAs, env, probe, startTimeoutMs, stopSignal }) {
  const child = spawnLogged(command, args, { logFile, cwd, runAs, env });
  let spawnError;
  child.once('error', (error) => (spawnError = error));
  const exited = exitOf(child);
  let hasExited = false;
  void exited.then(() => (hasExited = true));

  const stop = async (timeoutMs = 15000) => {
    if (hasExited || child.pid === undefined) return;
    try {
      process.kill(child.pid, stopSignal);
    } catch {
      return;
    }
    let timer;
    const timedOut = new Promise((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    const outcome = await Promise.race([exited.then(() => 'exited'), timedOut]);
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

  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    await delay(hasExited ? 0 : 200);
    if (hasExited || spawnError) {
      const why = spawnError ? spawnError.message : `exit ${child.exitCode ?? child.signalCode}`;
      throw new Error(`${command} exited before it was ready (${why})\n${logTail([logFile])}`);
    }
    let ready = false;
    try {
      ready = await probe();
    } catch {
      ready = false;
    }
    if (ready && !hasExited) return { pid: child.pid, stop, isRunning: () => !hasExited, exited };
    if (Date.now() > deadline) {
      await stop(5000);
      throw new Error(`${command} was not ready within ${startTimeoutMs} ms\n${logTail([logFile])}`);
    }
  }
}
