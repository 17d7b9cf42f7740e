/**
 * The dashboards, alert rules, Prometheus and collector configuration as code, checked with what
 * runs here: they parse, every PromQL expression reads only metrics the code exports (the list
 * comes from the telemetry constants and a live registry), and promtool (Debian's `prometheus`
 * package) checks the rules' and the dashboard queries' syntax and runs the alert unit tests.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { exportedSeriesNames, HostMetrics, METRIC } from '@connector-host/telemetry';
import { metricNamesIn, substituteGrafanaVariables } from '../support/promql';

const root = join(__dirname, '..', '..');
const deploy = (...path: string[]) => join(root, 'deploy', ...path);
const yamlOf = (...path: string[]) => parse(readFileSync(deploy(...path), 'utf8')) as any;

/** Every series a scrape of the host can show, from the code: our metrics and the process metrics. */
async function knownSeries(): Promise<Set<string>> {
  const names = new Set<string>(exportedSeriesNames());
  for (const metric of await new HostMetrics().registry.getMetricsAsJSON()) {
    const type = String(metric.type);
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(metric.name + suffix);
    else if (type === 'summary') for (const suffix of ['', '_sum', '_count']) names.add(metric.name + suffix);
    else names.add(metric.name);
  }
  names.add('up'); // Prometheus' own, per scrape target
  return names;
}

interface Panel {
  type: string;
  title: string;
  targets?: Array<{ expr: string }>;
  panels?: Panel[];
}

function dashboardExpressions(): Array<{ where: string; expr: string }> {
  const dashboard = JSON.parse(readFileSync(deploy('grafana', 'dashboards', 'connector-host.json'), 'utf8')) as {
    panels: Panel[];
    templating: { list: Array<{ name: string; query: { query: string } | string }> };
  };
  const out: Array<{ where: string; expr: string }> = [];
  const walk = (panels: Panel[]) => {
    for (const panel of panels) {
      for (const target of panel.targets ?? []) out.push({ where: `panel "${panel.title}"`, expr: target.expr });
      walk(panel.panels ?? []);
    }
  };
  walk(dashboard.panels);
  for (const variable of dashboard.templating.list) {
    const query = typeof variable.query === 'string' ? variable.query : variable.query.query;
    const inner = /^label_values\((.+),\s*\w+\)$/.exec(query);
    out.push({ where: `variable ${variable.name}`, expr: inner ? inner[1] : query });
  }
  return out;
}

function alertRules(): Array<{ group: string; alert: string; expr: string }> {
  const rules = yamlOf('prometheus', 'alerts.yml') as { groups: Array<{ name: string; rules: Array<{ alert: string; expr: string }> }> };
  return rules.groups.flatMap((g) => g.rules.map((r) => ({ group: g.name, alert: r.alert, expr: r.expr })));
}

function promtool(...args: string[]) {
  const run = spawnSync('promtool', args, { encoding: 'utf8', timeout: 60000 });
  if (run.error) throw new Error(`promtool is missing (${run.error.message}): apt-get install -y prometheus`);
  return run;
}

describe('dashboards and alert rules as code', () => {
  let known: Set<string>;
  beforeAll(async () => {
    known = await knownSeries();
  });

  it('the dashboard shows throughput, latency, errors, queue depth, cache size and import freshness per connector', () => {
    const expressions = dashboardExpressions();
    expect(expressions.length).toBeGreaterThan(20);
    const used = new Set(expressions.flatMap((e) => metricNamesIn(e.expr)));
    for (const needed of [
      METRIC.scimRequests,
      `${METRIC.scimRequestDuration}_bucket`,
      METRIC.exports,
      METRIC.queueWaiting,
      METRIC.queueOldestWaiting,
      METRIC.queueFailed,
      METRIC.cacheObjects,
      METRIC.lastImport,
      METRIC.targetErrors,
      METRIC.targetUp,
    ]) {
      expect({ needed, used: used.has(needed) }).toEqual({ needed, used: true });
    }
    // every panel can be filtered to one connector
    for (const { where, expr } of expressions.filter((e) => e.expr.includes('connector_host_') && !/process|nodejs|label_values/.test(e.expr) && !e.where.startsWith('variable'))) {
      expect({ where, filtered: expr.includes('connector=~"$connector"') }).toEqual({ where, filtered: true });
    }
  });

  it('every dashboard and alert expression reads only metrics the code exports', () => {
    const all = [...dashboardExpressions(), ...alertRules().map((r) => ({ where: `alert ${r.alert}`, expr: r.expr }))];
    for (const { where, expr } of all) {
      const names = metricNamesIn(expr);
      expect({ where, names: names.length > 0 }).toEqual({ where, names: true });
      for (const name of names) expect({ where, name, exported: known.has(name) }).toEqual({ where, name, exported: true });
    }
  });

  it('a misspelt metric would be caught (the check can fail)', () => {
    expect(metricNamesIn('sum(rate(connector_host_scim_request_total[5m]))').every((n) => known.has(n))).toBe(false);
  });

  it('the alert rules parse, with the expected groups and alerts', () => {
    const rules = alertRules();
    expect([...new Set(rules.map((r) => r.group))]).toEqual(['connector-host.provisioning', 'connector-host.service']);
    expect(rules.map((r) => r.alert)).toEqual([
      'ConnectorHostQuarantineRisk',
      'ConnectorHostExportQueueGrowing',
      'ConnectorHostExportQueueStalled',
      'ConnectorHostFailedJobs',
      'ConnectorHostImportStale',
      'ConnectorHostImportFailing',
      'ConnectorHostTargetDown',
      'ConnectorHostServiceDown',
    ]);
  });

  describe('with promtool', () => {
    it('checks the Prometheus config and its rule file', () => {
      const run = promtool('check', 'config', deploy('prometheus', 'prometheus.yml'));
      expect({ status: run.status, out: run.stdout + run.stderr }).toEqual({ status: 0, out: expect.stringContaining('SUCCESS: 8 rules found') });
    });

    it('runs the alert unit tests: each alert fires on its series and not on healthy ones', () => {
      const run = promtool('test', 'rules', deploy('prometheus', 'alerts.test.yml'));
      expect({ status: run.status, out: run.stdout + run.stderr }).toEqual({ status: 0, out: expect.stringContaining('SUCCESS') });
    });

    it('parses every dashboard query (as recording rules, Grafana variables filled in)', () => {
      const dir = mkdtempSync(join(tmpdir(), 'dashboard-rules-'));
      try {
        const rules = dashboardExpressions().map((e, i) => ({ record: `dashboard:query_${i}`, expr: substituteGrafanaVariables(e.expr) }));
        const file = join(dir, 'dashboard.rules.yml');
        writeFileSync(file, stringify({ groups: [{ name: 'dashboard', rules }] }));
        const run = promtool('check', 'rules', file);
        expect({ status: run.status, out: run.stdout + run.stderr }).toEqual({ status: 0, out: expect.stringContaining(`SUCCESS: ${rules.length} rules found`) });
        // and a broken query is refused
        writeFileSync(file, stringify({ groups: [{ name: 'dashboard', rules: [{ record: 'x:y', expr: 'sum(rate(x[5m])' }] }] }));
        expect(promtool('check', 'rules', file).status).not.toBe(0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  it('Grafana provisioning loads the dashboards folder and the Prometheus and Jaeger data sources', () => {
    const datasources = yamlOf('grafana', 'provisioning', 'datasources', 'datasources.yaml');
    expect(datasources.datasources.map((d: { uid: string; type: string }) => [d.uid, d.type])).toEqual([
      ['prometheus', 'prometheus'],
      ['jaeger', 'jaeger'],
    ]);
    const dashboards = yamlOf('grafana', 'provisioning', 'dashboards', 'dashboards.yaml');
    expect(dashboards.providers[0].options.path).toBe('/var/lib/grafana/dashboards');
    const dashboard = JSON.parse(readFileSync(deploy('grafana', 'dashboards', 'connector-host.json'), 'utf8'));
    expect(dashboard.uid).toBe('connector-host');
    const uids = new Set(datasources.datasources.map((d: { uid: string }) => d.uid));
    const panels = (dashboard.panels as Array<{ type: string; datasource?: { uid: string } }>).filter((p) => p.type !== 'row');
    for (const panel of panels) expect(uids.has(panel.datasource!.uid)).toBe(true);
  });

  it('the collector receives OTLP and sends traces to Jaeger', () => {
    const collector = yamlOf('otel-collector', 'config.yaml');
    expect(Object.keys(collector.receivers.otlp.protocols).sort()).toEqual(['grpc', 'http']);
    expect(collector.service.pipelines.traces).toEqual({ receivers: ['otlp'], processors: ['memory_limiter', 'batch'], exporters: ['otlp/jaeger'] });
    expect(collector.exporters['otlp/jaeger'].endpoint).toBe('jaeger:4317');
  });
});
