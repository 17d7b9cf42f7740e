// json-server 0.17 on loopback in a temporary folder, stopped by pid: the REST application of the
// rest connector benchmark (the same logic as libs/testing's startJsonServer, in plain ESM).
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createTempDir, findFreePort, launch, onCleanup } from './processes.mjs';

const require = createRequire(import.meta.url);

function answers(url) {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: 1000, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

/** json-server with db.json = `db`; resolves to { url, port, pid, stop } once GET /db answers. */
export async function startJsonServer({ db, startTimeoutMs = 30000 }) {
  const bin = require.resolve('json-server/lib/cli/bin.js');
  const temp = createTempDir('connector-host-bench-json-server-');
  try {
    const port = await findFreePort();
    const dbFile = join(temp.path, 'db.json');
    writeFileSync(dbFile, JSON.stringify(db));
    const server = await launch({
      command: process.execPath,
      args: [bin, dbFile, '--port', String(port), '--host', '127.0.0.1', '--quiet'],
      cwd: temp.path,
      logFile: join(temp.path, 'json-server.log'),
      probe: () => answers(`http://127.0.0.1:${port}/db`),
      startTimeoutMs,
      stopSignal: 'SIGTERM',
    });
    const stop = async () => {
      await server.stop();
      temp.remove();
    };
    const unregister = onCleanup(stop);
    return {
      url: `http://127.0.0.1:${port}`,
      port,
      pid: server.pid,
      stop: async () => {
        unregister();
        await stop();
      },
    };
  } catch (error) {
    temp.remove();
    throw error;
  }
}
