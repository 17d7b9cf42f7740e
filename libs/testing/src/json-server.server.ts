import { writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { FIXTURES_DIR } from './fixtures';
import { findFreePort } from './free-port';
import { launch, onFreePort, ServerHandle } from './server-process';
import { createTempDir } from './temp-dir';

/**
 * A json-server middleware that makes it behave like a real user API: writes stamped with
 * `updatedAt` (epoch ms), `userName` required (422) and unique (409 with the application's message).
 */
export const JSON_SERVER_APP_MIDDLEWARE = join(FIXTURES_DIR, 'json-server', 'app.middleware.js');

export interface JsonServerOptions {
  /** The initial db.json: collection name → objects. Default `{ users: [] }`. */
  db?: Record<string, unknown[]>;
  /** Middleware files (`module.exports = (req, res, next) => …`) json-server loads with `--middlewares`. */
  middlewares?: string[];
  startTimeoutMs?: number;
}

export interface JsonServer extends ServerHandle {
  dir: string;
  /** The db.json json-server loaded (it writes it back asynchronously, so it may lag). */
  dbFile: string;
  /** The database as json-server holds it now (`GET /db`): what the REST application really holds. */
  read(): Promise<Record<string, Array<Record<string, unknown>>>>;
}

/**
 * json-server 0.17 (a third-party REST application from npm) on a free loopback port, with its
 * db.json in a temporary folder: `node node_modules/json-server/lib/cli/bin.js --port P db.json`.
 */
export async function startJsonServer(options: JsonServerOptions = {}): Promise<JsonServer> {
  const bin = require.resolve('json-server/lib/cli/bin.js');
  return onFreePort(async (port) => {
    const temp = createTempDir('connector-host-json-server-');
    const dbFile = join(temp.path, 'db.json');
    writeFileSync(dbFile, JSON.stringify(options.db ?? { users: [] }, null, 2));
    // the source first: `--middlewares` is a list option and would take a source after it
    const args = [bin, dbFile, '--port', String(port), '--host', '127.0.0.1', '--quiet'];
    if (options.middlewares?.length) args.push('--middlewares', ...options.middlewares);
    try {
      const server = await launch({
        command: process.execPath,
        args,
        cwd: temp.path,
        logFile: join(temp.path, 'json-server.log'),
        probe: () => httpAnswers(`http://127.0.0.1:${port}/db`),
        startTimeoutMs: options.startTimeoutMs ?? 30000,
        stopSignal: 'SIGTERM',
        cleanupDir: temp.path,
      });
      return {
        url: `http://127.0.0.1:${port}`,
        port,
        pid: server.pid,
        dir: temp.path,
        dbFile,
        read: () => getJson(`http://127.0.0.1:${port}/db`) as Promise<Record<string, Array<Record<string, unknown>>>>,
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

/** True when GET url answers 200. */
export function httpAnswers(url: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

/** GET url and parse its JSON body; rejects on anything but 200. */
export function getJson(url: string, timeoutMs = 10000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: timeoutMs, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`GET ${url} answered ${res.statusCode}`));
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        } catch (error) {
          reject(error);
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url}: no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}
