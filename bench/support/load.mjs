// Closed-loop load: `concurrency` clients, each issuing its next operation as soon as the previous
// one answered, until `count` operations were issued or `maxMs` passed.
import { setMaxListeners } from 'node:events';
import http from 'node:http';
import { performance } from 'node:perf_hooks';

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
