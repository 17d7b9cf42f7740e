// Cleanup of what a benchmark started: every server and temporary folder is registered here so that
// it is stopped (by its pid) and removed on success, on failure, on Ctrl-C, and — as a last resort —
// on exit. The processes themselves are started by libs/testing's `launch`, which also SIGKILLs,
// by pid, any of them still running when this process exits.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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

/** Runs every registered cleanup (newest first), then removes the temp dirs still there. */
export async function cleanupAll() {
  while (cleanups.length) {
    const fn = cleanups.pop();
    try {
      await fn();
    } catch (error) {
      process.stderr.write(`cleanup: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  }
  removeTempDirs();
}

function removeTempDirs() {
  for (const path of tempDirs) rmSync(path, { recursive: true, force: true });
  tempDirs.clear();
}

let hooksInstalled = false;
/** Ctrl-C / SIGTERM: clean up, then exit 130/143. Process exit: remove temp dirs (libs/testing SIGKILLs what is left). */
export function installExitHooks() {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.once('exit', removeTempDirs);
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]]) {
    process.once(signal, () => {
      process.stderr.write(`\n${signal}: stopping the benchmark's servers\n`);
      const force = setTimeout(() => process.exit(code), 20000);
      force.unref();
      void cleanupAll().finally(() => process.exit(code));
    });
  }
}
