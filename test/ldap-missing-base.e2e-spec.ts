/**
 * Issue 11 item 2: examples/openldap.yaml against a directory set up as Microsoft's tutorial does
 * (the users' container only, no ou=Groups). The host, started with the built CLI as an operator
 * would, serves users; a group create answers at once with a SCIM error naming the missing base;
 * `connector-host test` and the start-up log name the base and how to create it, as a
 * configuration problem, never "target not reachable". Once the base exists, groups work without
 * a restart. Runs the built CLI (`npm test` builds first).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client } from 'ldapts';
import { createTempDir, findFreePort, startRedis, startSlapd, type RedisServer, type SlapdServer, type TempDir } from '@connector-host/testing';
import { entryOf, ldapEnv, values } from './support/ldap';
import { waitFor } from './support/host';

const CLI = resolve(__dirname, '..', 'dist', 'apps', 'cli', 'main.js');
const TOKEN = 'openldap-token-0123456789';
const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const CORE_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const EXT = 'urn:ietf:params:scim:schemas:extension:ECMA2Host:2.0:User';

describe('examples/openldap.yaml on a directory without ou=Groups', () => {
  let slapd: SlapdServer;
  let redis: RedisServer;
  let admin: Client;
  let dir: TempDir;
  let port: number;
  let configFile: string;
  let host: ChildProcess | undefined;
  let output = '';
  const groupsDn = (): string => `ou=Groups,${slapd.baseDn}`;

  const env = () => ({ ...process.env, ...ldapEnv(slapd), OPENLDAP_SECRET_TOKEN: TOKEN, REDIS_URL: redis.url, HOST_PORT: String(port) });
  const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { env: env(), encoding: 'utf8', timeout: 60000 });
  const scim = async (method: string, path: string, body?: unknown): Promise<{ status: number; headers: Headers; body: any }> => {
    const response = await fetch(`http://127.0.0.1:${port}/ecma2host_openldap/scim${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30000),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  };

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first (npm test does)`);
    [slapd, redis] = await Promise.all([startSlapd(), startRedis()]);
    admin = new Client({ url: slapd.url, timeout: 20000 });
    await admin.bind(slapd.bindDn, slapd.bindPassword);
    // Microsoft's tutorial makes the users' container only
    await admin.del(groupsDn());
    dir = createTempDir('connector-host-missing-base-');
    port = await findFreePort();
    configFile = join(dir.path, 'openldap.yaml');
    const example = readFileSync(join(__dirname, '..', 'examples', 'openldap.yaml'), 'utf8');
    writeFileSync(configFile, `server: { host: 127.0.0.1, metricsPort: 0 }\nlogging: { level: info }\n${example.slice(example.search(/^connectors:/m))}`);
    host = spawn(process.execPath, [CLI, 'start', '--config', configFile, '--data-dir', join(dir.path, 'data')], { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    host.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    host.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitFor('the host to serve users', 60000, async () => {
      try {
        return (await scim('GET', '/Users?count=1')).status === 200;
      } catch {
        return false;
      }
    });
  });
  afterAll(async () => {
    if (host && host.exitCode === null) {
      const exited = new Promise((done) => host!.once('exit', done));
      host.kill('SIGTERM');
      await Promise.race([exited, new Promise((done) => setTimeout(done, 30000))]);
    }
    host?.stdout?.destroy();
    host?.stderr?.destroy();
    await admin?.unbind().catch(() => undefined);
    await Promise.all([slapd?.stop(), redis?.stop()]);
    dir?.remove();
  });

  it('the start-up log names the missing base and how to create it, as a configuration problem; never "target not reachable"', async () => {
    await waitFor('the configuration problem in the log', 30000, async () => output.includes('configuration problem'));
    const line = output.split('\n').find((l) => l.includes('object type not served: configuration problem'));
    expect(line).toBeDefined();
    expect(line).toContain(groupsDn());
    expect(line).toContain('objectClass: organizationalUnit');
    expect(line).toContain('objectTypes.Group.target.base');
    expect(output).not.toContain('target not reachable');
  });

  it('users are served: create, read back, in the directory', async () => {
    const created = await scim('POST', '/Users', { schemas: [CORE_USER], userName: 'adele', name: { givenName: 'Adele', familyName: 'Vance' }, [EXT]: { cn: 'Adele Vance', sn: 'Vance' } });
    expect({ status: created.status, detail: created.body?.detail }).toEqual({ status: 201, detail: undefined });
    expect(values(await entryOf(admin, `uid=adele,${slapd.peopleDn}`), 'uid')).toEqual(['adele']);
    expect((await scim('GET', `/Users/${created.body.id}`)).status).toBe(200);
    expect((await scim('GET', `/Groups?filter=${encodeURIComponent('displayName eq "Sales"')}`)).body.totalResults).toBe(0);
  });

  it('a group create answers at once with a SCIM error naming the missing base; nothing is written', async () => {
    const refused = await scim('POST', '/Groups', { schemas: [CORE_GROUP], displayName: 'Sales' });
    expect(refused.status).toBe(503);
    expect(refused.body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
    expect(refused.body.detail).toContain(`the base ${groupsDn()} of object type Group does not exist`);
    expect(refused.body.detail).not.toMatch(/did not answer within/);
    expect(refused.headers.get('retry-after')).not.toBeNull();
    expect(await entryOf(admin, groupsDn())).toBeUndefined();
  });

  it('`connector-host test` says the connection is fine and which base is missing and how to create it', () => {
    const tested = cli('test', '--config', configFile, '--connector', 'openldap');
    expect(tested.stdout).toContain('openldap: connection OK');
    expect(tested.stderr).toContain(`object type Group: configuration problem: the base ${groupsDn()}`);
    expect(tested.stderr).toContain(`"dn: ${groupsDn()}", "objectClass: organizationalUnit", "ou: Groups"`);
    expect(tested.stderr).not.toMatch(/not reachable|unavailable/);
    expect(tested.status).toBe(1);
  });

  it('once the base exists, groups are created without a restart', async () => {
    await admin.add(groupsDn(), { objectClass: ['organizationalUnit'], ou: 'Groups' });
    const created = await scim('POST', '/Groups', { schemas: [CORE_GROUP], displayName: 'Sales' });
    expect({ status: created.status, detail: created.body?.detail }).toEqual({ status: 201, detail: undefined });
    expect(values(await entryOf(admin, `cn=Sales,${groupsDn()}`), 'cn')).toEqual(['Sales']);
    expect(cli('test', '--config', configFile, '--connector', 'openldap').status).toBe(0);
  });
});
