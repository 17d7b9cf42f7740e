/**
 * What an operator sees after real traffic through the whole host: the `/metrics` series of the
 * issue (SCIM requests, exports, imports, target errors, queues, cache, process) with non-zero
 * values where traffic happened and no secret anywhere, and the provisioning log of every
 * operation through the admin endpoint and the CLI, with bad queries refused as SCIM errors.
 */
import { Command } from 'commander';
import { LABEL, METRIC, METRIC_PREFIX } from '@connector-host/telemetry';
import { addLogCommand } from '../apps/cli/log.command';
import { CORE_USER_URN, E2eHost, ECMA_USER_URN, expectScimError, expectStatus, type ScimClient } from './support/host';
import { find, parsePrometheusText, total, type Sample } from './support/prometheus-text';

const PASSWORD = 'Initial-Pa55word-never-logged';
const FIRST_NAME = 'Zebulon-Value-Marker';

const createBody = (login: string) => ({
  schemas: [CORE_USER_URN, ECMA_USER_URN],
  active: true,
  [ECMA_USER_URN]: { ContosoLogin: login, FirstName: FIRST_NAME, LastName: 'Vance', Email: `${login}@contoso.com`, export_password: PASSWORD },
});

describe('observability after an end-to-end run', () => {
  let host: E2eHost;
  let demo: ScimClient;
  let hr: ScimClient;
  let samples: Sample[];
  let scrape: string;

  beforeAll(async () => {
    host = await E2eHost.start({ connectors: ['demo', 'hr'] });
    demo = host.scim('demo');
    hr = host.scim('hr');

    // Entra's sequence for one user, a retried create, a bad PATCH, a PATCH the target refuses
    expectStatus(await demo.filter('userName eq "obsadele"'), 200);
    expectStatus(await demo.post('/Users', createBody('obsadele')), 201);
    expectStatus(await demo.post('/Users', createBody('obsadele')), 409);
    expectStatus(await demo.patch('/Users/obsadele', [{ op: 'replace', path: `${ECMA_USER_URN}:LastName`, value: 'Smith' }]), 200);
    expectStatus(await demo.patch('/Users/obsadele', [{ op: 'frobnicate', path: 'x' }]), 400);
    expectStatus(await demo.post('/Users', createBody('obsghost')), 201);
    host.execute('DELETE FROM Employees WHERE ContosoLogin = ?', ['obsghost']);
    // the row is gone behind the host's back: the target answers "not found" to the update
    expectStatus(await demo.patch('/Users/obsghost', [{ op: 'replace', path: `${ECMA_USER_URN}:LastName`, value: 'Gone' }]), 404);
    expectStatus(await demo.post('/Users', createBody('obsbob')), 201);
    expectStatus(await demo.delete('/Users/obsbob'), 204);
    // refusals before any handler: no token, and a connector that does not exist
    expectStatus(await demo.get('/Users', { token: null }), 401);
    expectStatus(await host.request('GET', '/ecma2host_probe123/scim/Users', { token: 'whatever-token-123' }), 401);
    expectStatus(await hr.filter('userName eq "nobody"'), 200);
    await host.fullImport('demo');

    scrape = await host.scrapeMetrics();
    samples = parsePrometheusText(scrape);
  });
  afterAll(async () => {
    await host?.close();
  });

  describe('/metrics', () => {
    it('counts SCIM requests by connector, method and status, with latency histograms', () => {
      expect(total(samples, METRIC.scimRequests, { connector: 'demo', method: 'POST', status: '201' })).toBe(3);
      expect(total(samples, METRIC.scimRequests, { connector: 'demo', method: 'POST', status: '409' })).toBe(1);
      expect(total(samples, METRIC.scimRequests, { connector: 'demo', method: 'PATCH', status: '400' })).toBe(1);
      expect(total(samples, METRIC.scimRequests, { connector: 'demo', method: 'DELETE', status: '204' })).toBe(1);
      expect(total(samples, METRIC.scimRequests, { connector: 'demo', method: 'GET', status: '401' })).toBe(1);
      expect(total(samples, METRIC.scimRequests, { connector: 'hr', method: 'GET', status: '200' })).toBeGreaterThanOrEqual(1);
      // a connector nobody configured is `unknown`: a client cannot add series
      expect(total(samples, METRIC.scimRequests, { connector: 'unknown', status: '401' })).toBe(1);
      expect(scrape).not.toContain('probe123');
      expect(total(samples, `${METRIC.scimRequestDuration}_count`, { connector: 'demo', method: 'POST' })).toBe(4);
      const inf = find(samples, `${METRIC.scimRequestDuration}_bucket`, { connector: 'demo', method: 'POST', le: '+Inf' });
      expect(inf.map((s) => s.value)).toEqual([4]);
      expect(total(samples, `${METRIC.scimRequestDuration}_sum`, { connector: 'demo', method: 'POST' })).toBeGreaterThan(0);
    });

    it('counts exports by connector, connector type, operation and outcome, with durations', () => {
      const demoSql = { connector: 'demo', connector_type: 'sql' };
      expect(total(samples, METRIC.exports, { ...demoSql, op: 'create', outcome: 'success' })).toBe(3);
      expect(total(samples, METRIC.exports, { ...demoSql, op: 'create', outcome: 'rejected' })).toBe(1);
      expect(total(samples, METRIC.exports, { ...demoSql, op: 'patch', outcome: 'success' })).toBe(1);
      // the malformed PATCH was refused at the edge and never queued; the ghost's was refused by the target
      expect(total(samples, METRIC.exports, { ...demoSql, op: 'patch', outcome: 'rejected' })).toBe(1);
      expect(total(samples, METRIC.exports, { ...demoSql, op: 'delete', outcome: 'success' })).toBe(1);
      expect(total(samples, `${METRIC.exportDuration}_count`, demoSql)).toBe(7);
      expect(total(samples, `${METRIC.exportQueueWait}_count`, demoSql)).toBe(7);
    });

    it('counts imports by connector, connector type, kind and outcome, with durations and objects read', () => {
      const full = { connector: 'demo', connector_type: 'sql', op: 'full' };
      expect(total(samples, METRIC.imports, { ...full, outcome: 'success' })).toBeGreaterThanOrEqual(2);
      expect(total(samples, `${METRIC.importDuration}_count`, full)).toBeGreaterThanOrEqual(2);
      // the manual import read obsadele (obsghost's row is gone, obsbob was deleted)
      expect(total(samples, METRIC.importObjects, full)).toBeGreaterThanOrEqual(1);
    });

    it('counts target errors by kind and shows the target up', () => {
      expect(total(samples, METRIC.targetErrors, { connector: 'demo', connector_type: 'sql', kind: 'notFound' })).toBe(1);
      expect(find(samples, METRIC.targetUp, { connector: 'demo' }).map((s) => s.value)).toEqual([1]);
      expect(find(samples, METRIC.targetUp, { connector: 'hr' }).map((s) => s.value)).toEqual([1]);
    });

    it('shows queue depth, oldest waiting job and dead letters per connector and queue family', () => {
      for (const connector of ['demo', 'hr']) {
        for (const queue of ['export', 'import', 'cache']) {
          for (const name of [METRIC.queueWaiting, METRIC.queueActive, METRIC.queueDelayed, METRIC.queueFailed, METRIC.queueOldestWaiting]) {
            const series = find(samples, name, { connector, queue });
            expect({ name, connector, queue, series: series.length }).toEqual({ name, connector, queue, series: 1 });
            expect(series[0].labels.connector_type).toBe('sql');
          }
        }
      }
      // everything was answered: nothing waits
      expect(total(samples, METRIC.queueWaiting, { connector: 'demo', queue: 'export' })).toBe(0);
      expect(total(samples, METRIC.queueOldestWaiting, { connector: 'demo', queue: 'export' })).toBe(0);
    });

    it('shows the cache size and import freshness per connector', async () => {
      // a fresh scrape: the cache gauges are read from Redis on every scrape
      const now = parsePrometheusText(await host.scrapeMetrics());
      expect(total(now, METRIC.cacheObjects, { connector: 'demo' })).toBe(host.table('demo').length);
      expect(total(now, METRIC.cacheObjects, { connector: 'hr' })).toBe(0);
      const lastImport = total(now, METRIC.lastImport, { connector: 'demo' });
      expect(lastImport).toBeGreaterThan(Date.now() / 1000 - 600);
      expect(lastImport).toBeLessThanOrEqual(Date.now() / 1000 + 1);
      expect(total(now, METRIC.lastExport, { connector: 'demo' })).toBeGreaterThan(0);
      expect(total(now, METRIC.lastExport, { connector: 'hr' })).toBe(0);
    });

    it('exports process metrics, every name under one prefix, and only the fixed label set', () => {
      expect(find(samples, `${METRIC_PREFIX}process_cpu_user_seconds_total`)).toHaveLength(1);
      expect(find(samples, `${METRIC_PREFIX}nodejs_heap_size_used_bytes`)).toHaveLength(1);
      for (const s of samples) expect(s.name.startsWith(METRIC_PREFIX)).toBe(true);
      const own = new Set<string>(Object.values(METRIC));
      const allowed = new Set<string>([...Object.values(LABEL), 'le']);
      for (const s of samples.filter((x) => own.has(x.name.replace(/_(bucket|sum|count)$/, '')))) {
        for (const label of Object.keys(s.labels)) expect({ metric: s.name, label, allowed: allowed.has(label) }).toEqual({ metric: s.name, label, allowed: true });
        if (s.labels.connector !== undefined) expect(['demo', 'hr', 'unknown']).toContain(s.labels.connector);
      }
    });

    it('holds no secret, no attribute value and no object id', () => {
      for (const secret of [host.tokenOf('demo'), host.tokenOf('hr'), 'whatever-token-123', PASSWORD, FIRST_NAME, 'obsadele', 'obsghost', 'Bearer']) {
        expect({ secret, found: scrape.includes(secret) }).toEqual({ secret, found: false });
      }
    });

    it('is served with /healthz and /readyz on the operations port, not on the SCIM port', async () => {
      expect((await fetch(`${host.metricsUrl}/healthz`)).status).toBe(200);
      const ready = await fetch(`${host.metricsUrl}/readyz`);
      expect({ status: ready.status, body: await ready.json() }).toEqual({ status: 200, body: { status: 'ready' } });
      expect((await fetch(`${host.metricsUrl}/nothing`)).status).toBe(404);
      expect((await fetch(`${host.metricsUrl}/metrics`, { method: 'POST' })).status).toBe(405);
      expect((await host.request('GET', '/metrics')).status).toBe(404);
    });
  });

  describe('the provisioning log', () => {
    type Entry = Record<string, unknown> & { status: number; outcome: string; scimOperation?: string; targetOperation?: string; anchor?: string };
    const entriesOf = async (params: Record<string, string> = {}, connector = 'demo') => {
      const response = await host.provisioningLog(connector, params);
      expectStatus(response, 200);
      return response.body.entries as Entry[];
    };

    it('records every operation: connector, object, SCIM and target operation, result, duration, request id', async () => {
      const entries = await entriesOf();
      const exports = entries.filter((e) => e.scimOperation);
      expect(exports).toHaveLength(7);
      const times = entries.map((e) => Date.parse(e.time as string));
      expect(times).toEqual([...times].sort((a, b) => b - a)); // newest first
      const created = exports.filter((e) => e.anchor === 'obsadele' && e.scimOperation === 'create');
      expect(created).toEqual([
        expect.objectContaining({ status: 409, outcome: 'rejected', targetOperation: 'none', scimType: 'uniqueness' }),
        expect.objectContaining({ status: 201, outcome: 'success', targetOperation: 'add', connector: 'demo', objectType: 'User' }),
      ]);
      for (const e of exports) {
        expect(e.requestId).toMatch(/^[0-9a-f-]{36}$/);
        expect(e.durationMs).toEqual(expect.any(Number));
      }
      expect(exports.find((e) => e.anchor === 'obsghost' && e.scimOperation === 'patch')).toEqual(
        expect.objectContaining({ status: 404, outcome: 'rejected', targetOperation: 'update', errorKind: 'notFound' }),
      );
      expect(exports.find((e) => e.anchor === 'obsbob' && e.scimOperation === 'delete')).toEqual(
        expect.objectContaining({ status: 204, outcome: 'success', targetOperation: 'delete' }),
      );
      const imports = entries.filter((e) => e.targetOperation === 'full-import');
      expect(imports.length).toBeGreaterThanOrEqual(2);
      expect(imports[0]).toEqual(expect.objectContaining({ status: 200, outcome: 'success', objects: expect.any(Number) }));
    });

    it('filters by status, outcome, operation, anchor, time and count', async () => {
      const rejected = await entriesOf({ status: '4xx' });
      expect(rejected.map((e) => e.status).sort()).toEqual([404, 409]);
      expect((await entriesOf({ status: '409' })).map((e) => e.anchor)).toEqual(['obsadele']);
      expect((await entriesOf({ outcome: 'rejected' })).length).toBe(2);
      expect((await entriesOf({ operation: 'delete' })).map((e) => e.anchor)).toEqual(['obsbob']);
      expect((await entriesOf({ anchor: 'obsadele' })).map((e) => e.scimOperation)).toEqual(['patch', 'create', 'create']);
      expect(await entriesOf({ count: '2' })).toHaveLength(2);
      expect((await entriesOf({ since: '1h' })).length).toBeGreaterThanOrEqual(7);
      expect(await entriesOf({ since: new Date(Date.now() + 3600_000).toISOString() })).toEqual([]);
      expect(await entriesOf({ until: '2000-01-01T00:00:00Z' })).toEqual([]);
    });

    it("keeps each connector's log apart", async () => {
      const entries = await entriesOf({}, 'hr');
      expect(entries.every((e) => e.connector === 'hr')).toBe(true);
      expect(entries.some((e) => e.scimOperation)).toBe(false);
    });

    it('holds no secret and no attribute value', async () => {
      const response = await host.provisioningLog('demo', { count: '1000' });
      for (const secret of [host.tokenOf('demo'), PASSWORD, FIRST_NAME, 'Smith', 'contoso.com']) {
        expect({ secret, found: response.text.includes(secret) }).toEqual({ secret, found: false });
      }
    });

    it.each([
      [{ count: '0' }],
      [{ count: '1001' }],
      [{ count: 'ten' }],
      [{ since: 'yesterday' }],
      [{ since: '2026-13-45T99:00:00Z' }],
      [{ until: '5 minutes' }],
      [{ since: '1h', until: '2h' }],
      [{ status: '99' }],
      [{ status: 'oops' }],
      [{ outcome: 'maybe' }],
      [{ operation: 'drop-table' }],
      [{ bogus: '1' }],
    ])('refuses %j with a SCIM 400 invalidValue', async (params) => {
      expectScimError(await host.provisioningLog('demo', params), 400, 'invalidValue');
    });

    it('refuses a parameter given twice with a SCIM 400', async () => {
      const response = await host.request('GET', '/ecma2host_demo/log?status=201&status=204', { token: host.tokenOf('demo') });
      expectScimError(response, 400, 'invalidValue');
    });

    it("refuses a missing, wrong or other connector's token", async () => {
      expectScimError(await host.provisioningLog('demo', {}, { token: null }), 401);
      expectScimError(await host.provisioningLog('demo', {}, { token: 'not-the-right-token' }), 401);
      expectScimError(await host.provisioningLog('demo', {}, { token: host.tokenOf('hr') }), 401);
    });

    describe('from the CLI', () => {
      async function cli(...args: string[]) {
        const out = { stdout: '', stderr: '', code: 0 };
        const program = new Command('connector-host').exitOverride();
        addLogCommand(
          program,
          { stdout: (t) => (out.stdout += t), stderr: (t) => (out.stderr += t), exit: (c) => (out.code = c) },
          () => host.config,
        );
        await program.parseAsync(['node', 'connector-host', 'log', ...args]);
        return out;
      }

      it('prints the filtered log as JSON', async () => {
        const out = await cli('--connector', 'demo', '--status', '4xx', '--json');
        expect(out.code).toBe(0);
        const entries = JSON.parse(out.stdout) as Entry[];
        expect(entries.map((e) => e.status).sort()).toEqual([404, 409]);
      });

      it('prints a table by default, newest first', async () => {
        const out = await cli('--connector', 'demo', '--operation', 'create', '--since', '1h');
        expect(out.code).toBe(0);
        const lines = out.stdout.trim().split('\n');
        expect(lines[0]).toMatch(/^TIME\s+STATUS\s+OUTCOME\s+SCIM\s+TARGET\s+ANCHOR\s+MS\s+ERROR\s+REQUEST\s+TRACE$/);
        expect(lines.slice(1).map((l) => l.split(/\s+/)[5])).toEqual(['obsbob', 'obsghost', 'obsadele', 'obsadele']);
        expect(out.stdout).not.toContain(PASSWORD);
        expect(out.stdout).not.toContain(FIRST_NAME);
      });

      it('refuses a bad query or an unknown connector with exit code 2', async () => {
        const bad = await cli('--connector', 'demo', '--since', 'yesterday');
        expect(bad).toEqual({ stdout: '', stderr: expect.stringContaining('since must be'), code: 2 });
        const unknown = await cli('--connector', 'nope');
        expect(unknown).toEqual({ stdout: '', stderr: expect.stringContaining('no connector named nope'), code: 2 });
      });
    });
  });
});
