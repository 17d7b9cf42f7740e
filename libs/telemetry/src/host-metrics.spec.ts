import { HostMetrics } from './host-metrics';
import { exportedSeriesNames, exportOutcomeOf, LABEL, METRIC, METRIC_PREFIX, methodLabel } from './metric-names';

describe('metric names and labels', () => {
  it('share one prefix and are unique', () => {
    const names = Object.values(METRIC);
    for (const name of names) expect(name.startsWith(METRIC_PREFIX)).toBe(true);
    expect(new Set(names).size).toBe(names.length);
  });

  it('bound the label values a client controls', () => {
    expect(methodLabel('patch')).toBe('PATCH');
    expect(methodLabel('PROPFIND')).toBe('other');
    expect([200, 201, 204, 400, 404, 409, 500, 503].map(exportOutcomeOf)).toEqual(['success', 'success', 'success', 'rejected', 'rejected', 'rejected', 'failed', 'failed']);
  });
});

describe('HostMetrics', () => {
  it('exports every named metric and the process metrics under the prefix, with only the fixed labels', async () => {
    const metrics = new HostMetrics();
    const labels = { connector: 'demo', connectorType: 'sql' };
    metrics.scimRequest({ connector: 'demo', method: 'POST', status: 201 }, 0.02);
    metrics.exportJob({ ...labels, op: 'create' }, 201, 0.01);
    metrics.exportWaited(labels, 0.001);
    metrics.importRun({ ...labels, op: 'full' }, 'success', 1.5, 10);
    metrics.targetError(labels, 'busy');
    metrics.targetReachable(labels, true);
    metrics.provisioningLogDrop('demo');
    metrics.setQueues([{ ...labels, queue: 'export', waiting: 3, active: 1, delayed: 0, failed: 2, oldestWaitingSeconds: 4.5 }]);
    metrics.setConnectorSpaces([{ ...labels, objects: 7, lastImport: 1_700_000_000_000, lastExport: null, lastCacheChange: 1_700_000_001_000 }]);
    const { body } = await metrics.scrape();
    const series = [...body.matchAll(/^([a-z_:]+)(\{[^}]*\})? /gm)];
    const names = new Set(series.map((m) => m[1]));
    for (const name of names) expect(name.startsWith(METRIC_PREFIX)).toBe(true);
    // everything the code exports is in the list the dashboards are checked against, and back
    const own = [...names].filter((n) => exportedSeriesNames().includes(n));
    expect(own.sort()).toEqual(exportedSeriesNames().sort());
    const allowed = new Set<string>([...Object.values(LABEL), 'le']);
    for (const [, name, labelText] of series) {
      if (!exportedSeriesNames().includes(name)) continue;
      for (const [, label] of (labelText ?? '').matchAll(/([a-z_]+)="/g)) expect({ name, label, allowed: allowed.has(label) }).toEqual({ name, label, allowed: true });
    }
    expect(body).toContain('connector_host_queue_oldest_waiting_seconds{connector="demo",connector_type="sql",queue="export"} 4.5');
    expect(body).toContain('connector_host_last_successful_import_timestamp_seconds{connector="demo",connector_type="sql"} 1700000000');
    expect(body).toContain('connector_host_last_successful_export_timestamp_seconds{connector="demo",connector_type="sql"} 0');
  });

  it('replaces the Redis-read gauges on every refresh, so a removed connector disappears', async () => {
    const metrics = new HostMetrics();
    let connectors = ['a', 'b'];
    metrics.onScrape(async () =>
      metrics.setConnectorSpaces(connectors.map((c) => ({ connector: c, connectorType: 'sql', objects: 1, lastImport: null, lastExport: null, lastCacheChange: null }))),
    );
    expect((await metrics.scrape()).body).toContain('connector_host_cache_objects{connector="b"');
    connectors = ['a'];
    const { body } = await metrics.scrape();
    expect(body).toContain('connector_host_cache_objects{connector="a"');
    expect(body).not.toContain('connector_host_cache_objects{connector="b"');
  });

  it('still answers a scrape when a refresh fails', async () => {
    const metrics = new HostMetrics();
    metrics.onScrape(async () => {
      throw new Error('redis down');
    });
    metrics.scimRequest({ connector: 'demo', method: 'GET', status: 200 }, 0.001);
    expect((await metrics.scrape()).body).toContain('connector_host_scim_requests_total{connector="demo",method="GET",status="200"} 1');
  });

  it('keeps two hosts in one process apart (a registry each)', async () => {
    const one = new HostMetrics();
    const two = new HostMetrics();
    one.scimRequest({ connector: 'demo', method: 'GET', status: 200 }, 0.001);
    expect((await two.scrape()).body).not.toContain('connector_host_scim_requests_total{');
  });
});
