/**
 * One trace from the Entra request through the queue to the SQL statement against the target,
 * across processes: scim-api, export-worker, import-worker and cache run as four processes of the
 * built CLI (as in Kubernetes), configured by the standard OTEL_* variables, exporting over
 * OTLP/HTTP to a receiver in this test (a node:http server that keeps what it is sent). Every
 * process also serves its own /metrics, /healthz and /readyz, and logs JSON with trace ids.
 * Runs the built CLI (`npm test` builds first).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { METRIC } from '@connector-host/telemetry';
import { createTempDir, findFreePort, startRedis, type RedisServer, type TempDir } from '@connector-host/testing';
import { CORE_USER_URN, ECMA_USER_URN, waitFor } from './support/host';
import { parsePrometheusText, total } from './support/prometheus-text';

const ROOT = resolve(__dirname, '..');
const CLI = join(ROOT, 'dist', 'apps', 'cli', 'main.js');
const TOKEN = 'tracing-token-0123456789';
const PASSWORD = 'Trace-Pa55word-never-exported';
const FIRST_NAME = 'Quintessa-Value-Marker';
const KIND = { INTERNAL: 1, SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 };
const SERVICES = ['cache', 'import-worker', 'export-worker', 'scim-api'] as const;
type Service = (typeof SERVICES)[number];

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Array<{ key: string; value: { stringValue?: string; intValue?: number | string; boolValue?: boolean } }>;
  links?: Array<{ traceId: string; spanId: string }>;
  service: string;
}

/** An OTLP/HTTP (JSON) trace receiver on loopback: what a collector would be sent. */
class OtlpReceiver {
  readonly bodies: string[] = [];
  private server?: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        if (request.method === 'POST' && request.url === '/v1/traces') this.bodies.push(Buffer.concat(chunks).toString('utf8'));
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((done) => this.server!.listen(0, '127.0.0.1', done));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  spans(): OtlpSpan[] {
    const out: OtlpSpan[] = [];
    for (const body of this.bodies) {
      const payload = JSON.parse(body) as {
        resourceSpans: Array<{ resource: { attributes: OtlpSpan['attributes'] }; scopeSpans: Array<{ spans: Omit<OtlpSpan, 'service'>[] }> }>;
      };
      for (const resourceSpans of payload.resourceSpans) {
        const service = resourceSpans.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
        for (const scope of resourceSpans.scopeSpans) for (const span of scope.spans) out.push({ ...span, service });
      }
    }
    return out;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((done) => (this.server ? this.server.close(() => done()) : done()));
  }
}

const attr = (span: OtlpSpan, key: string) => {
  const value = span.attributes.find((a) => a.key === key)?.value;
  return value?.stringValue ?? (value?.intValue !== undefined ? Number(value.intValue) : value?.boolValue);
};

describe('traces, metrics and logs of the services as separate processes', () => {
  const receiver = new OtlpReceiver();
  let redis: RedisServer;
  let dir: TempDir;
  let port: number;
  const metricsPorts = {} as Record<Service, number>;
  const processes = new Map<Service, ChildProcess>();
  const stdout = new Map<Service, string>();

  const scim = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`http://127.0.0.1:${port}/ecma2host_demo/scim${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30000),
    });

  /** The spans of one trace, once at least `count` of them have arrived. */
  async function traceOf(traceId: string, count: number): Promise<OtlpSpan[]> {
    const spans = () => receiver.spans().filter((s) => s.traceId === traceId);
    await waitFor(`${count} spans of trace ${traceId}`, 30000, async () => spans().length >= count);
    return spans();
  }

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first (npm test does)`);
    await receiver.start();
    redis = await startRedis();
    dir = createTempDir('connector-host-tracing-');
    const db = new Database(join(dir.path, 'demo.sqlite'));
    db.exec(readFileSync(join(ROOT, 'config', 'demo-employees.sql'), 'utf8'));
    db.close();
    port = await findFreePort();
    for (const service of SERVICES) metricsPorts[service] = await findFreePort();
    const configFile = join(dir.path, 'demo.yaml');
    writeFileSync(
      configFile,
      `server: { host: 127.0.0.1 }
logging: { level: info }
connectors:
  demo:
    type: sql
    secretToken: \${DEMO_TOKEN}
    autosyncMinutes: 0
    connection: { dialect: sqlite, file: demo.sqlite }
    objectTypes:
      User:
        anchor: ContosoLogin
        attributes: [ContosoLogin, FirstName, LastName, Enabled]
        scim: { userName: ContosoLogin }
        deprovisioning: { disable: { setAttribute: Enabled }, delete: delete }
        target: { table: Employees }
`,
    );
    for (const service of SERVICES) {
      const extra = service === 'export-worker' || service === 'import-worker' ? ['--connector-type', 'sql'] : [];
      const child = spawn(process.execPath, [CLI, 'start', service, ...extra, '--config', configFile], {
        env: {
          ...process.env,
          DEMO_TOKEN: TOKEN,
          REDIS_URL: redis.url,
          HOST_PORT: String(port),
          METRICS_PORT: String(metricsPorts[service]),
          OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
          OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
          OTEL_BSP_SCHEDULE_DELAY: '100',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      stdout.set(service, '');
      child.stdout!.on('data', (chunk: Buffer) => stdout.set(service, stdout.get(service) + chunk.toString('utf8')));
      child.stderr!.on('data', (chunk: Buffer) => stdout.set(service, stdout.get(service) + chunk.toString('utf8')));
      processes.set(service, child);
    }
    await waitFor('scim-api to answer with a discovered schema and the start import done', 90000, async () => {
      try {
        const response = await scim('GET', '/Users?count=1');
        return response.status === 200 && response.headers.get('last-successful-import') !== null;
      } catch {
        return false;
      }
    });
  });

  afterAll(async () => {
    for (const child of processes.values()) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await redis?.stop();
    dir?.remove();
    await receiver.stop();
  });

  it('holds the HTTP request, the queue hop, the connector call and the SQL statement in one trace, across processes', async () => {
    const response = await scim('POST', '/Users', {
      schemas: [CORE_USER_URN, ECMA_USER_URN],
      [ECMA_USER_URN]: { ContosoLogin: 'tracy', FirstName: FIRST_NAME, export_password: PASSWORD },
    });
    expect(response.status).toBe(201);
    let server: OtlpSpan | undefined;
    await waitFor('the server span of the POST', 30000, async () => {
      server = receiver.spans().find((s) => s.kind === KIND.SERVER && attr(s, 'http.request.method') === 'POST' && attr(s, 'http.response.status_code') === 201);
      return server !== undefined;
    });
    const spans = await traceOf(server!.traceId, 5);
    const one = (name: string) => {
      const found = spans.filter((s) => s.name === name);
      expect({ name, count: found.length }).toEqual({ name, count: 1 });
      return found[0];
    };

    expect(server).toEqual(expect.objectContaining({ name: 'POST /:tenant/scim/:resource', service: 'connector-host-scim-api' }));
    expect(server!.parentSpanId ?? '').toBe('');
    expect(attr(server!, 'connector.name')).toBe('demo');

    const producer = one('publish export-demo');
    expect(producer).toEqual(expect.objectContaining({ kind: KIND.PRODUCER, parentSpanId: server!.spanId, service: 'connector-host-scim-api' }));
    expect(attr(producer, 'messaging.destination.name')).toMatch(/^export-demo-\d+$/);

    // in the other process, from the trace context the job carried: the producer's child, and linked to it
    const consumer = one('process export-demo');
    expect(consumer).toEqual(expect.objectContaining({ kind: KIND.CONSUMER, parentSpanId: producer.spanId, service: 'connector-host-export-worker' }));
    expect(consumer.links).toEqual([expect.objectContaining({ traceId: server!.traceId, spanId: producer.spanId })]);
    expect(attr(consumer, 'scim.operation')).toBe('create');
    expect(attr(consumer, 'connector.target_operation')).toBe('add');

    const exportCall = one('connector.export');
    expect(exportCall).toEqual(expect.objectContaining({ kind: KIND.CLIENT, parentSpanId: consumer.spanId }));
    expect(attr(exportCall, 'connector.type')).toBe('sql');

    const insert = one('INSERT');
    expect(insert).toEqual(expect.objectContaining({ kind: KIND.CLIENT, parentSpanId: exportCall.spanId, service: 'connector-host-export-worker' }));
    expect(attr(insert, 'db.system.name')).toBe('sqlite');
    expect(String(attr(insert, 'db.query.text'))).toMatch(/^INSERT INTO "Employees"/);

    // the export worker's JSON log line of this export carries the same trace id
    const lines = (stdout.get('export-worker') ?? '').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.find((l) => l.msg === 'export' && l.status === 201)).toEqual(expect.objectContaining({ traceId: server!.traceId, spanId: consumer.spanId }));
  });

  it("continues a caller's trace from an incoming traceparent (a gateway in front of the host)", async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const parent = '00f067aa0ba902b7';
    const response = await scim('GET', `/Users?filter=${encodeURIComponent('userName eq "tracy"')}`, undefined, { traceparent: `00-${traceId}-${parent}-01` });
    expect(response.status).toBe(200);
    const [server] = await traceOf(traceId, 1);
    expect(server).toEqual(expect.objectContaining({ kind: KIND.SERVER, parentSpanId: parent, name: 'GET /:tenant/scim/:resource' }));
  });

  it('traces imports in the import worker: the import job, each page read and its SELECT', async () => {
    let job: OtlpSpan | undefined;
    await waitFor('the start import span', 30000, async () => {
      job = receiver.spans().find((s) => s.name === 'process import-demo');
      return job !== undefined;
    });
    expect(job!.service).toBe('connector-host-import-worker');
    const spans = await traceOf(job!.traceId, 3);
    const page = spans.find((s) => s.name === 'connector.fullImport');
    expect(page).toEqual(expect.objectContaining({ kind: KIND.CLIENT, parentSpanId: job!.spanId }));
    expect(spans.some((s) => s.name === 'SELECT' && s.parentSpanId === page!.spanId)).toBe(true);
  });

  it('every process serves /metrics, /healthz and /readyz on its own port, with what it did', async () => {
    const scrape = async (service: Service) => {
      const base = `http://127.0.0.1:${metricsPorts[service]}`;
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
      const response = await fetch(`${base}/metrics`);
      expect(response.status).toBe(200);
      return parsePrometheusText(await response.text());
    };
    expect(total(await scrape('scim-api'), METRIC.scimRequests, { connector: 'demo', method: 'POST', status: '201' })).toBe(1);
    expect(total(await scrape('export-worker'), METRIC.exports, { connector: 'demo', op: 'create', outcome: 'success' })).toBe(1);
    expect(total(await scrape('import-worker'), METRIC.imports, { connector: 'demo', op: 'full', outcome: 'success' })).toBeGreaterThanOrEqual(1);
    const cache = await scrape('cache');
    expect(total(cache, METRIC.cacheObjects, { connector: 'demo' })).toBe(1);
    expect(total(cache, METRIC.queueWaiting, { connector: 'demo', queue: 'export' })).toBe(0);
    // the workers count their own work only: the queue and cache gauges come from the cache service
    expect(total(await scrape('export-worker'), METRIC.cacheObjects)).toBe(0);
  });

  it('exports no secret and no attribute value in any span', async () => {
    const everything = receiver.bodies.join('\n');
    expect(everything.length).toBeGreaterThan(0);
    for (const secret of [TOKEN, PASSWORD, FIRST_NAME, 'Bearer']) {
      expect({ secret, found: everything.includes(secret) }).toEqual({ secret, found: false });
    }
  });

  it('each process stops gracefully on SIGTERM (exit 0, after flushing its spans)', async () => {
    for (const [service, child] of processes) {
      const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
      child.kill('SIGTERM');
      const code = await Promise.race([exited, new Promise<string>((done) => setTimeout(() => done('timeout'), 40000).unref())]);
      expect({ service, code }).toEqual({ service, code: 0 });
    }
  });
});
