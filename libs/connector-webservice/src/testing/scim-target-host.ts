/**
 * A second Connector Host as the SCIM target of the `scim` connector's tests: the all-in-one host
 * (startServices) with its own Redis and the demo's SQLite Employees table, serving
 * `/ecma2host_app/scim`. Its table is what the target really holds.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { parseConfig } from '@connector-host/config';
import { connectorSettingsSchemas } from '@connector-host/connectors';
import { startServices, type RunningHost } from '@connector-host/services';
import { createTempDir, startRedis, type RedisServer } from '@connector-host/testing';

const REPO_ROOT = resolve(__dirname, '..', '..', '..', '..');

export interface EmployeeRow {
  ContosoLogin: string;
  FirstName: string | null;
  LastName: string | null;
  Email: string | null;
  AzureID: string | null;
  textID: string | null;
  Enabled: number;
}

export interface ScimTargetHost {
  /** `http://127.0.0.1:P/ecma2host_app/scim` */
  scimUrl: string;
  token: string;
  /** Every row of the target's Employees table, by ContosoLogin. */
  table(): EmployeeRow[];
  /** Writes to the target's table behind its host's back. */
  execute(sql: string, params?: unknown[]): void;
  close(): Promise<void>;
}

export async function startScimTargetHost(): Promise<ScimTargetHost> {
  const temp = createTempDir('connector-host-scim-target-');
  let redis: RedisServer | undefined;
  let running: RunningHost | undefined;
  const file = join(temp.path, 'app.sqlite');
  const stop = async (): Promise<void> => {
    try {
      await running?.close();
    } finally {
      await redis?.stop();
      temp.remove();
    }
  };
  try {
    redis = await startRedis();
    const db = new Database(file);
    db.exec(readFileSync(join(REPO_ROOT, 'config', 'demo-employees.sql'), 'utf8'));
    db.close();
    const token = `target-token-${randomUUID()}`;
    const yaml = [
      'server: { host: 127.0.0.1, port: 0, metricsPort: 0 }',
      'logging: { level: error }',
      'connectors:',
      '  app:',
      '    type: sql',
      '    secretToken: ${APP_SECRET_TOKEN}',
      '    autosyncMinutes: 0',
      '    connection: { dialect: sqlite, file: app.sqlite }',
      '    objectTypes:',
      '      User:',
      '        target: { table: Employees }',
      '        anchor: ContosoLogin',
      '        queryAttributes: [ContosoLogin]',
      '        scim:',
      '          userName: ContosoLogin',
      '          name.givenName: FirstName',
      '          name.familyName: LastName',
      `          'emails[type eq "work"].value': Email`,
      '          externalId: AzureID',
      '          active: Enabled',
      '        deprovisioning: { disable: { setAttribute: Enabled }, delete: delete }',
    ].join('\n');
    const config = parseConfig(yaml, { baseDir: temp.path, env: { APP_SECRET_TOKEN: token, REDIS_URL: redis.url }, sourceName: 'scim-target.yaml', connectorSettingsSchemas: connectorSettingsSchemas() });
    running = await startServices(config, { services: ['scim-api', 'export-worker', 'import-worker', 'cache'], embeddedRedisDir: join(temp.path, 'redis') });
    const scimUrl = `${running.url}/ecma2host_app/scim`;
    // serving once the schema is discovered (SCIM answers 200, not 503)
    const deadline = Date.now() + 60000;
    for (;;) {
      const probe = await fetch(`${scimUrl}/Users?filter=${encodeURIComponent('userName eq "probe"')}`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(10000) }).catch(() => undefined);
      if (probe?.status === 200) break;
      if (Date.now() > deadline) throw new Error(`the SCIM target host did not serve within 60 s (last status ${probe?.status})`);
      await new Promise((r) => setTimeout(r, 200));
    }
    return {
      scimUrl,
      token,
      table: () => {
        const read = new Database(file, { readonly: true, fileMustExist: true });
        try {
          return read.prepare('SELECT * FROM Employees ORDER BY ContosoLogin').all() as EmployeeRow[];
        } finally {
          read.close();
        }
      },
      execute: (sql, params = []) => {
        const write = new Database(file, { fileMustExist: true, timeout: 5000 });
        try {
          write.prepare(sql).run(...params);
        } finally {
          write.close();
        }
      },
      close: stop,
    };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}
