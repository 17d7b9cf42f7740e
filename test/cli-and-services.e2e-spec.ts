/**
 * The command line and the four services as separate processes, as a platform team runs them:
 * `connector-host validate | test | discover | import | cache`, and scim-api, export-worker,
 * import-worker and cache each started on its own from the same file, meeting in one Redis.
 * Runs the built CLI (`npm test` builds first).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { createTempDir, findFreePort, startRedis, type RedisServer, type TempDir } from '@connector-host/testing';
import { waitFor } from './support/host';

const CLI = resolve(__dirname, '..', 'dist', 'apps', 'cli', 'main.js');
const TOKEN = 'staff-token-0123456789';
const EXT = 'urn:ietf:params:scim:schemas:extension:ECMA2Host:2.0:User';

describe('the CLI and the services as separate processes', () => {
  let redis: RedisServer;
  let dir: TempDir;
  let db: Database.Database;
  let port: number;
  let configFile: string;
  const services: ChildProcess[] = [];

  const env = () => ({ ...process.env, STAFF_TOKEN: TOKEN, REDIS_URL: redis.url, HOST_PORT: String(port) });
  const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { env: env(), encoding: 'utf8', timeout: 60000 });
  const scim = (method: string, path: string, body?: unknown) =>
    fetch(`http://127.0.0.1:${port}/ecma2host_staff/scim${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30000),
    });

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first (npm test does)`);
    redis = await startRedis();
    dir = createTempDir('connector-host-cli-');
    port = await findFreePort();
    db = new Database(join(dir.path, 'staff.sqlite'));
    db.exec(`CREATE TABLE Staff (Login TEXT PRIMARY KEY NOT NULL, GivenName TEXT, Surname TEXT, Active BOOLEAN NOT NULL DEFAULT 1, UpdatedAt INTEGER NOT NULL DEFAULT 0)`);
    configFile = join(dir.path, 'staff.yaml');
    writeFileSync(
      configFile,
      `server: { host: 127.0.0.1 }
logging: { level: warn }
connectors:
  staff:
    type: sql
    secretToken: \${STAFF_TOKEN}
    autosyncMinutes: 0
    runProfiles: { export: true, fullImport: true, deltaImport: true }
    connection: { dialect: sqlite, file: staff.sqlite }
    objectTypes:
      User:
        anchor: Login
        attributes: [Login, GivenName, Surname, Active]
        scim: { userName: Login, name.givenName: GivenName, name.familyName: Surname }
        deprovisioning: { disable: { setAttribute: Active }, delete: delete }
        target: { table: Staff, watermarkColumn: UpdatedAt }
`,
    );
  });

  afterEach(() => {
    const state = expect.getState();
    if (state.assertionCalls > 0 && state.numPassingAsserts < state.assertionCalls) {
      for (const name of ['cache', 'import-worker', 'export-worker', 'scim-api']) {
        const file = join(dir.path, `${name}.log`);
        if (existsSync(file)) process.stderr.write(`--- ${name}.log\n${readFileSync(file, 'utf8').slice(-4000)}\n`);
      }
    }
  });

  afterAll(async () => {
    for (const child of services) if (child.exitCode === null) child.kill('SIGKILL');
    db?.close();
    await redis?.stop();
    dir?.remove();
  });

  it('validate prints the config with secrets redacted, and names the key and line of a mistake', () => {
    const ok = cli('validate', '--config', configFile);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('valid');
    expect(ok.stdout).not.toContain(TOKEN);
    const bad = join(dir.path, 'bad.yaml');
    writeFileSync(bad, 'connectors:\n  staff:\n    type: sql\n    secretToken: short\n    connection: { dialect: sqlite, file: x.sqlite }\n    objectTypes:\n      User:\n        anchr: Login\n        target: { table: Staff }\n');
    const wrong = cli('validate', '--config', bad);
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toMatch(/bad\.yaml:4: connectors\.staff\.secretToken/);
    expect(wrong.stderr).toMatch(/bad\.yaml:8: .*anchr/);
  });

  it('test and discover reach the target', () => {
    const tested = cli('test', '--config', configFile, '--connector', 'staff');
    expect(tested.stdout).toContain('staff: connection OK');
    expect(tested.status).toBe(0);
    const discovered = cli('discover', '--config', configFile, '--connector', 'staff');
    expect(discovered.status).toBe(0);
    const schema = JSON.parse(discovered.stdout) as { objectTypes: Array<{ name: string; attributes: Array<{ name: string; type: string }> }> };
    // the selected attributes, typed from the table's columns
    expect(schema.objectTypes[0].attributes.map((a) => [a.name, a.type])).toEqual([
      ['Login', 'string'],
      ['GivenName', 'string'],
      ['Surname', 'string'],
      ['Active', 'boolean'],
    ]);
  });

  it('runs scim-api, export-worker, import-worker and cache as four processes that serve Entra together', async () => {
    for (const [service, ...extra] of [['cache'], ['import-worker'], ['export-worker', '--connector-type', 'sql'], ['scim-api']]) {
      const log = openSync(join(dir.path, `${service}.log`), 'w');
      const child = spawn(process.execPath, [CLI, 'start', service, ...extra, '--config', configFile], { env: env(), stdio: ['ignore', log, log] });
      services.push(child);
    }
    // 200 once the export-worker has shared the schema and the import-worker's first import is in
    await waitFor('scim-api to answer after the first import', 60000, async () => {
      try {
        return (await scim('GET', '/Users?count=1')).status === 200;
      } catch {
        return false;
      }
    });
    const created = await scim('POST', '/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'grace', name: { givenName: 'Grace', familyName: 'Hopper' } });
    expect(created.status).toBe(201);
    expect(db.prepare('SELECT Login, GivenName, Surname, Active FROM Staff').all()).toEqual([{ Login: 'grace', GivenName: 'Grace', Surname: 'Hopper', Active: 1 }]);
    const patched = await scim('PATCH', '/Users/grace', { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] });
    expect(patched.status).toBe(200);
    expect(db.prepare("SELECT Active FROM Staff WHERE Login = 'grace'").get()).toEqual({ Active: 0 });
  });

  it('import --delta brings rows changed in the target since the watermark, and cache shows them', async () => {
    db.prepare("INSERT INTO Staff (Login, GivenName, UpdatedAt) VALUES ('ada', 'Ada', ?)").run(Date.now());
    expect((await scim('GET', '/Users?filter=userName eq "ada"')).status).toBe(200);
    expect(((await (await scim('GET', '/Users?filter=userName eq "ada"')).json()) as { totalResults: number }).totalResults).toBe(0);
    const imported = cli('import', '--delta', '--config', configFile, '--connector', 'staff', '--timeout', '60');
    expect({ status: imported.status, signal: imported.signal, stderr: imported.stderr }).toEqual({ status: 0, signal: null, stderr: '' });
    // at least the changed row: a delta may re-read rows at its watermark (at-least-once by contract)
    expect(JSON.parse(imported.stdout)).toMatchObject({ connector: 'staff', kind: 'delta' });
    expect(JSON.parse(imported.stdout).objects).toBeGreaterThanOrEqual(1);
    const found = (await (await scim('GET', '/Users?filter=userName eq "ada"')).json()) as { totalResults: number; Resources: Array<Record<string, unknown>> };
    expect(found.totalResults).toBe(1);
    expect(found.Resources[0][EXT]).toMatchObject({ Login: 'ada', GivenName: 'Ada' });
    const cache = cli('cache', '--config', configFile, '--connector', 'staff');
    expect(cache.status).toBe(0);
    const view = JSON.parse(cache.stdout) as { User: { count: number } };
    expect(view.User.count).toBe(2);
  });

  it('every service stops gracefully on SIGTERM', async () => {
    const exits = services.map((child) => new Promise<number | null>((done) => (child.exitCode !== null ? done(child.exitCode) : child.once('exit', (code) => done(code)))));
    for (const child of services) child.kill('SIGTERM');
    const codes = await Promise.race([Promise.all(exits), new Promise<never>((_, fail) => setTimeout(() => fail(new Error('a service did not stop within 30 s')), 30000))]);
    expect(codes).toEqual([0, 0, 0, 0]);
  });
});
