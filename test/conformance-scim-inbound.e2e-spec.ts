/**
 * Microsoft's "SCIM Inbound" Postman collection (`test/conformance/SCIMReferenceCode.SCIM_Inbound.postman_collection.json`,
 * a byte-identical copy of AzureAD/SCIMReferenceCode's) run with newman against the demo connector
 * (config/demo.yaml on a fresh SQLite file): the requests Entra's inbound provisioning sends to a
 * SCIM source — `count=1` test connection, creates with a manager, `id eq` on demand, the
 * `meta.lastModified` watermark full and delta syncs, PATCHes — with its scripts and tests.
 *
 * The collection calls `https://{{endpoint}}/scim/...`; `endpoint` is `127.0.0.1:<port>/ecma2host_demo`
 * and the port a TLS front (a self-signed certificate, newman told not to verify it) that passes
 * the bytes to the host. Its collection-level bearer token is blank in the published file, for the
 * user to fill in: it is filled with the connector's secret token here, in memory.
 *
 * Every request is sent but "Get Token" (listed below). Every test passes but those listed below
 * with the reason they do not apply, and every request without a test of its own must answer 2xx;
 * the test fails on any other failure, on a listed one that passes, and when the number passed changes.
 *
 * The collection makes its user names from random first names and a last initial
 * (`{{$randomFirstName}}`): two of its four creates may draw the same one and the second is then
 * rightly a 409 — about once in ten thousand runs.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { join } from 'node:path';
import { createTempDir, type TempDir } from '@connector-host/testing';
import { E2eHost } from './support/host';
import { createDemoDatabase, demoConfigYaml } from './support/demo-config';

// newman has no types of its own here; its run() is callback-based
// eslint-disable-next-line @typescript-eslint/no-require-imports
const newman = require('newman') as { run: (options: object, callback: (error: Error | null, summary: NewmanSummary) => void) => void };

interface NewmanSummary {
  run: {
    executions: Array<{
      item: { name: string };
      request?: { url: { toString(): string }; method: string };
      response?: { code: number; stream?: Buffer };
      assertions?: Array<{ assertion: string; error?: { message: string } }>;
      requestError?: { message: string };
    }>;
  };
}

const COLLECTION = join(__dirname, 'conformance', 'SCIMReferenceCode.SCIM_Inbound.postman_collection.json');

/** Requests not sent, with the reason. */
const NOT_SENT: Record<string, string> = {
  'Get Token':
    'asks login.microsoftonline.com for an Entra token with a client secret (and stores `jsonData.token` in accessToken, which no request uses); the host takes the connector’s secret token, given to the collection’s bearer auth',
};

/** Tests that fail and do not apply, with the reason. Keys: `<request>: <test>`. */
const NOT_APPLICABLE: Record<string, string> = {
  'DeltaSync 2: Body contians id1':
    'copied from Microsoft’s other collection ("SCIM Tests"), which sets the environment variable id1; nothing in this collection sets it, so the test looks for an undefined value (the request itself, a filter with `ActiVe` and `meta.lastmodified` in other cases, answers 200)',
  'Delete User 5: Status code is 204':
    'the same copy: it deletes `/Users/{{id1}}`, a variable this collection never sets, so the host rightly answers 404 for a user that does not exist',
};

/** The statuses the two requests above get, so that their listing stays true for the reason given. */
const LISTED_STATUS: Record<string, number> = { 'DeltaSync 2': 200, 'Delete User 5': 404 };

function run(options: object): Promise<NewmanSummary> {
  return new Promise((resolve, reject) => newman.run(options, (error, summary) => (error ? reject(error) : resolve(summary))));
}

/** A TLS front on a free port that passes each connection's bytes to `target` (host:port); `close` cuts open connections. */
async function tlsFront(target: URL, cert: string, key: string): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createTlsServer({ cert, key }, (socket) => {
    const upstream = connect(Number(target.port), target.hostname);
    sockets.add(socket).add(upstream);
    socket.pipe(upstream).pipe(socket);
    const end = () => {
      socket.destroy();
      upstream.destroy();
      sockets.delete(socket);
      sockets.delete(upstream);
    };
    socket.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

/**
 * A throw-away certificate for the TLS front, by openssl (an EC key: the RSA one
 * `connector-host cert generate` makes is generated in JavaScript and takes a minute on a busy machine).
 */
function selfSignedPair(dir: string): [cert: string, key: string] {
  const cert = join(dir, 'front-cert.pem');
  const key = join(dir, 'front-key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', '/CN=127.0.0.1', '-days', '1', '-keyout', key, '-out', cert], {
    stdio: 'ignore',
    timeout: 30_000,
  });
  return [readFileSync(cert, 'utf8'), readFileSync(key, 'utf8')];
}

describe('Microsoft’s SCIM Inbound Postman collection, with newman, against the demo connector', () => {
  let temp: TempDir;
  let host: E2eHost;
  let front: Awaited<ReturnType<typeof tlsFront>> | undefined;

  beforeAll(async () => {
    temp = createTempDir('connector-host-inbound-');
    const file = join(temp.path, 'demo.sqlite');
    createDemoDatabase(file);
    host = await E2eHost.start({ connectors: ['demo'], connectorsYaml: { text: demoConfigYaml(file), env: {} } });
    front = await tlsFront(new URL(host.url), ...selfSignedPair(temp.path));
  });
  afterAll(async () => {
    await front?.close();
    await host?.close();
    temp?.remove();
  });

  it('passes every test that applies to a connector host, and every request without a test answers 2xx', async () => {
    const collection = JSON.parse(readFileSync(COLLECTION, 'utf8')) as {
      item: Array<{ name: string; event?: Array<{ listen: string }> }>;
      auth: { bearer: Array<{ key: string; value: string }> };
    };
    const token = collection.auth.bearer.find((entry) => entry.key === 'token');
    if (!token || token.value !== '') throw new Error('the collection’s bearer token is no longer the blank field this test fills in');
    token.value = host.tokenOf('demo');
    const names = collection.item.map((item) => item.name);
    expect(names.filter((name) => NOT_SENT[name])).toEqual(Object.keys(NOT_SENT));
    const port = front!.port;
    const summary = await run({
      collection,
      environment: {
        values: [
          { key: 'endpoint', value: `127.0.0.1:${port}/ecma2host_demo` },
          // the requests copied from "SCIM Tests" use these and their own {{token}}
          { key: 'Server', value: '127.0.0.1' },
          { key: 'Port', value: `:${port}` },
          { key: 'Api', value: 'ecma2host_demo/scim' },
          { key: 'token', value: host.tokenOf('demo') },
        ],
      },
      folder: names.filter((name) => !NOT_SENT[name]),
      insecure: true,
      reporters: [],
      timeoutRequest: 30_000,
    });
    const failures: string[] = [];
    const passed: string[] = [];
    const statuses: Record<string, number | undefined> = {};
    for (const execution of summary.run.executions) {
      const name = execution.item.name;
      statuses[name] = execution.response?.code;
      const body = execution.response?.stream?.toString('utf8').slice(0, 300) ?? '';
      if (execution.requestError) failures.push(`${name}: request failed: ${execution.requestError.message}`);
      const assertions = execution.assertions ?? [];
      for (const assertion of assertions) {
        const key = `${name}: ${assertion.assertion}`;
        if (assertion.error) failures.push(`${key} [HTTP ${execution.response?.code}: ${assertion.error.message}] ${body}`);
        else passed.push(key);
      }
      const code = execution.response?.code;
      if (assertions.length === 0 && (code === undefined || code < 200 || code > 299)) failures.push(`${name}: no test of its own, answered ${code} ${body}`);
    }
    // every request but the ones not sent ran, once
    expect(summary.run.executions.map((execution) => execution.item.name)).toEqual(names.filter((name) => !NOT_SENT[name]));
    const unexpected = failures.filter((failure) => !Object.keys(NOT_APPLICABLE).some((key) => failure.startsWith(`${key} [`)));
    expect(unexpected).toEqual([]);
    // a listed exception that no longer fails is no exception any more
    expect(Object.keys(NOT_APPLICABLE).filter((key) => !failures.some((failure) => failure.startsWith(`${key} [`)))).toEqual([]);
    expect(Object.fromEntries(Object.keys(LISTED_STATUS).map((name) => [name, statuses[name]]))).toEqual(LISTED_STATUS);
    // the collection's 9 tests over its 16 requests sent: 7 pass, the 2 others are the listed ones
    expect(passed.length).toBe(7);
  });
});
