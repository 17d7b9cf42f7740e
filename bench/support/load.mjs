// Closed-loop load: `concurrency` clients, each issuing its next operation as soon as the previous
// one answered, until `count` operations were issued or `maxMs` passed.
import { setMaxListeners } from 'node:events';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { delay } from './processes.mjs';

/** An error whose message is the key under which it is counted (e.g. `HTTP 503 …`). */
export class OpError extends Error {}

class CutOff extends Error {}

/**
 * Runs op(i) for i = 0..count-1 with `concurrency` operations in flight. Operations still in
 * flight when `maxMs` passes are aborted (through the AbortSignal given to op) and counted as
 * `cutOff`, not as errors. Latencies are of successful operations only.
 */
export async function runLoad({ concurrency, count, maxMs, op }) {
  const latencies = [];
  const errors = new Map();
  const samples = [];
  let next = 0;
  let cutOff = 0;
  const controller = new AbortController();
  setMaxListeners(0, controller.signal); // one listener per request in flight
  const start = performance.now();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new CutOff('level time limit'));
  }, maxMs);

  const worker = async () => {
    for (;;) {
      if (timedOut) return;
      const i = next++;
      if (i >= count) return;
      const t0 = performance.now();
      try {
        await op(i, controller.signal);
        latencies.push(performance.now() - t0);
      } catch (error) {
        if (timedOut && (error instanceof CutOff || error?.name === 'AbortError' || controller.signal.reason === error)) {
          cutOff++;
          return;
        }
        const key = errorKey(error);
        errors.set(key, (errors.get(key) ?? 0) + 1);
        if (samples.length < 5) samples.push({ op: i, error: key, detail: error?.detail });
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  clearTimeout(timer);
  const wallMs = performance.now() - start;
  latencies.sort((a, b) => a - b);
  const ok = latencies.length;
  const errorCount = [...errors.values()].reduce((a, b) => a + b, 0);
  return {
    concurrency,
    requested: count,
    issued: Math.min(next, count),
    ok,
    errors: errorCount,
    cutOff,
    timeLimited: timedOut,
    wallMs: round(wallMs),
    opsPerSec: round(ok / (wallMs / 1000)),
    p50Ms: round(percentile(latencies, 0.5)),
    p99Ms: round(percentile(latencies, 0.99)),
    maxMs: round(latencies.length ? latencies[latencies.length - 1] : NaN),
    errorsByKind: Object.fromEntries(errors),
    errorSamples: samples,
  };
}

function errorKey(error) {
  return rawErrorKey(error).replace(/"[^"]*"/g, '"…"');
}

function rawErrorKey(error) {
  if (error instanceof OpError) return error.message;
  if (error && typeof error === 'object') {
    const code = error.code ? `${error.code} ` : '';
    return `${code}${error.message ?? String(error)}`.slice(0, 200);
  }
  return String(error).slice(0, 200);
}

export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[index];
}

export function round(n, digits = 2) {
  if (!Number.isFinite(n)) return null;
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/**
 * A keep-alive HTTP/1.1 client for one origin with at most `sockets` connections (one per
 * concurrent client, as a SCIM client with that many threads would open).
 */
export function httpClient(baseUrl, { sockets, headers = {}, timeoutMs = 60000 }) {
  const url = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets, scheduling: 'fifo' });
  const request = (method, path, body, signal) =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
      const req = http.request(
        {
          host: url.hostname,
          port: url.port,
          method,
          path,
          agent,
          signal,
          timeout: timeoutMs,
          headers: {
            ...headers,
            ...(payload ? { 'content-type': 'application/scim+json', 'content-length': payload.length } : {}),
          },
        },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'CLIENT_TIMEOUT' })));
      req.on('error', (error) => reject(signal?.aborted ? signal.reason : error));
      if (payload) req.write(payload);
      req.end();
    });
  return { request, close: () => agent.destroy() };
}

/** `HTTP <status> <scimType> <detail>` for an unexpected answer, kept short. */
export function httpError(response) {
  let scimType = '';
  let detail = '';
  try {
    const body = JSON.parse(response.text);
    scimType = body.scimType ?? '';
    detail = body.detail ?? '';
  } catch {
    detail = response.text.slice(0, 120);
  }
  const message = `HTTP ${response.status}${scimType ? ` ${scimType}` : ''}${detail ? `: ${String(detail).slice(0, 140)}` : ''}`;
  const error = new OpError(message);
  error.detail = response.text.slice(0, 500);
  return error;
}

export const ratio = (host, raw) => (host?.opsPerSec && raw?.opsPerSec ? round(host.opsPerSec / raw.opsPerSec, 4) : null);

/** One line of load statistics for the progress log. */
export function fmtStats(s) {
  if (!s || s.skipped) return s?.skipped ?? 'skipped';
  const errors = s.errors ? `, ${s.errors} errors` : '';
  const cut = s.cutOff ? `, ${s.cutOff} cut off at the time limit` : '';
  return `${s.ok}/${s.requested} ok in ${(s.wallMs / 1000).toFixed(1)} s = ${s.opsPerSec} ops/s, p50 ${s.p50Ms} ms, p99 ${s.p99Ms} ms${errors}${cut}`;
}

/** Creates `users` through `ops.create(user, signal, i)`; returns the load stats and the users acknowledged. */
export async function createPhase(ops, users, concurrency, maxMs) {
  const created = [];
  const stats = await runLoad({
    concurrency,
    count: users.length,
    maxMs,
    op: async (i, signal) => {
      await ops.create(users[i], signal, i);
      created.push(users[i]);
    },
  });
  return { stats, created };
}

/** `count` reads through `ops.read(user, signal, i)` of the given (created) users. */
export async function readPhase(ops, users, count, concurrency, maxMs) {
  if (users.length === 0) return { skipped: 'no user was created, nothing to read' };
  // a fixed stride through the created users: every read hits a different one in turn
  return runLoad({ concurrency, count, maxMs, op: (i, signal) => ops.read(users[(i * 7919) % users.length], signal, i) });
}

/**
 * Creates and reads of one level, through the host and raw: a warm-up each way (JIT, keep-alive
 * sockets, pools, prepared plans; not measured), then raw creates, host creates, raw reads, host
 * reads, alternating so that machine noise hits both. `makeUsers(phase, side, count)` makes the
 * users of a phase (`warmup` or `measured`, side `host` or `raw`); `options` gives the counts
 * (creates, reads, rawCreates, rawReads, warmupCreates, warmupReads) and maxSeconds, a limit per phase.
 * Returns the warm-up's host results, `create` and `read` ({ host, raw, ratio }) and the number of
 * creates the host acknowledged, warm-up included.
 */
export async function createsAndReads({ viaHost, viaRaw, makeUsers, options: counts, concurrency, log }) {
  const maxMs = counts.maxSeconds * 1000;
  const warmHost = await createPhase(viaHost, makeUsers('warmup', 'host', counts.warmupCreates), concurrency, maxMs);
  const warmRaw = await createPhase(viaRaw, makeUsers('warmup', 'raw', counts.warmupCreates), concurrency, maxMs);
  const warmReadsHost = await readPhase(viaHost, warmHost.created, counts.warmupReads, concurrency, maxMs);
  await readPhase(viaRaw, warmRaw.created, counts.warmupReads, concurrency, maxMs);
  log(`warm-up done (host: ${warmHost.stats.ok}/${counts.warmupCreates} creates ok)`);

  const rawCreate = await createPhase(viaRaw, makeUsers('measured', 'raw', counts.rawCreates), concurrency, maxMs);
  log(`raw  creates: ${fmtStats(rawCreate.stats)}`);
  await delay(500);
  const hostCreate = await createPhase(viaHost, makeUsers('measured', 'host', counts.creates), concurrency, maxMs);
  log(`host creates: ${fmtStats(hostCreate.stats)}`);
  await delay(500);
  const rawRead = await readPhase(viaRaw, rawCreate.created, counts.rawReads, concurrency, maxMs);
  log(`raw  reads:   ${fmtStats(rawRead)}`);
  await delay(500);
  const hostRead = await readPhase(viaHost, hostCreate.created, counts.reads, concurrency, maxMs);
  log(`host reads:   ${fmtStats(hostRead)}`);
  return {
    warmup: {
      hostCreates: { ok: warmHost.stats.ok, errors: warmHost.stats.errorsByKind },
      hostReads: { ok: warmReadsHost.ok, errors: warmReadsHost.errorsByKind },
    },
    create: { host: hostCreate.stats, raw: rawCreate.stats, ratio: ratio(hostCreate.stats, rawCreate.stats) },
    read: { host: hostRead, raw: rawRead, ratio: ratio(hostRead, rawRead) },
    hostAcknowledged: warmHost.created.length + hostCreate.created.length,
  };
}
