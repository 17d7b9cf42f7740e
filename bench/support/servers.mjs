// The benchmarks' servers are libs/testing's (from the build): PostgreSQL, redis-server, slapd and
// json-server on loopback in temporary folders. Each one is registered for cleanup here, so that it
// is stopped (by its pid) and its folder removed on success, on failure and on Ctrl-C.
import { libTesting } from './build.mjs';
import { onCleanup } from './processes.mjs';

/** A server start that failed: the benchmark stops there instead of trying the next level. */
export function startFailed(error) {
  return Boolean(error && typeof error === 'object' && error.startFailed);
}

/** Marks a server start's error, so that startFailed() knows it. */
export function markStartFailed(error) {
  if (error && typeof error === 'object') error.startFailed = true;
  return error;
}

async function tracked(starter, options) {
  const lib = await libTesting();
  let server;
  try {
    server = await lib[starter](options);
  } catch (error) {
    throw markStartFailed(error);
  }
  const unregister = onCleanup(() => server.stop());
  return {
    ...server,
    stop: async () => {
      unregister();
      await server.stop();
    },
  };
}

/** The settings of libs/testing (fsync, synchronous_commit, full_page_writes off), 200 connections. */
export const startPostgres = (options = {}) => tracked('startPostgres', { ...options, settings: { max_connections: '200', ...options.settings } });

/** No persistence; `flushAll()` empties it between levels. */
export async function startRedis(options = {}) {
  const redis = await tracked('startRedis', options);
  return {
    ...redis,
    flushAll: async () => {
      const answer = await redis.command('FLUSHALL');
      if (answer !== '+OK') throw new Error(`redis FLUSHALL answered ${answer}`);
    },
  };
}

/** back-mdb and the accesslog overlay, as examples/openldap.yaml expects; `bulkLdif` is loaded by `slapadd -q` before start. */
export const startSlapd = (options = {}) => tracked('startSlapd', options);

export const startJsonServer = (options = {}) => tracked('startJsonServer', options);
