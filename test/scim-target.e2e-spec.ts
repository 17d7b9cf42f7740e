/**
 * The host as a proxy in front of another SCIM service: Entra's sequence over HTTP against a host
 * running the `scim` connector of examples/scim-target.yaml, whose target is a second host (SQLite
 * Employees). The target's table is checked after every step.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFaultProxy, type FaultProxy } from '@connector-host/testing';
import { CORE_USER_URN, E2eHost, ECMA_USER_URN, expectScimError, expectStatus, waitFor, type ScimClient } from './support/host';

const EXAMPLE = readFileSync(join(__dirname, '..', 'examples', 'scim-target.yaml'), 'utf8');

function entraUser(userName: string) {
  return {
    schemas: [CORE_USER_URN],
    externalId: `aad-${userName}`,
    userName,
    active: true,
    name: { givenName: 'Adele', familyName: 'Vance' },
    emails: [{ type: 'work', value: `${userName}@contoso.com`, primary: true }],
  };
}

describe('Entra ID through the host to a SCIM application (scim connector → second host)', () => {
  let target: E2eHost;
  let faults: FaultProxy;
  let proxy: E2eHost;
  let scim: ScimClient;
  const row = (login: string) => target.row(login, 'target');
  const posts = () => faults.requests.filter((r) => r.method === 'POST').length;

  beforeAll(async () => {
    target = await E2eHost.start({ connectors: ['target'] });
    // the target is reached through a real proxy that plays the failure paths
    faults = await startFaultProxy(target.url);
    const text = EXAMPLE.replace('https://scim.example.com/scim/v2', `${faults.url}/ecma2host_target/scim`);
    proxy = await E2eHost.start({ connectors: ['app'], deadlineSeconds: 4, connectorsYaml: { text, env: { APP_SCIM_TOKEN: target.tokenOf('target') } } });
    scim = proxy.scim('app');
  });
  afterEach(() => faults.clearFaults());
  afterAll(async () => {
    await proxy?.close();
    await faults?.stop();
    await target?.close();
  });

  it('test connection and schema discovery: the target’s attributes, flattened', async () => {
    expectStatus(await scim.filter('userName eq "nobody"'), 200);
    const schema = await scim.get(`/Schemas/${ECMA_USER_URN}`);
    expectStatus(schema, 200);
    // besides the host's own virtual attributes (-dn-, export_password)
    const names = (schema.body.attributes as Array<{ name: string }>).map((a) => a.name).filter((n) => !['-dn-', 'export_password'].includes(n));
    expect(names.sort()).toEqual(['active', 'emails_work', 'externalId', 'id', 'name_familyName', 'name_givenName', 'userName']);
  });

  it('match, create: the target row is written and its id is the SCIM id', async () => {
    expect((await scim.filter('userName eq "adele"')).body.totalResults).toBe(0);
    const created = await scim.post('/Users', entraUser('adele'));
    expectStatus(created, 201);
    expect(created.body.id).toBe('adele');
    expect(row('adele')).toEqual({ ContosoLogin: 'adele', FirstName: 'Adele', LastName: 'Vance', Email: 'adele@contoso.com', AzureID: 'aad-adele', textID: null, Enabled: 1 });
    const found = await scim.filter('userName eq "ADELE"');
    expect(found.body.Resources.map((r: { id: string }) => r.id)).toEqual(['adele']);
    // the target itself answers the same
    const direct = await target.scim('target').get('/Users/adele');
    expect(direct.body).toEqual(expect.objectContaining({ userName: 'adele', name: expect.objectContaining({ givenName: 'Adele' }) }));
  });

  it('PATCH in both dialects reaches the target as value-level operations', async () => {
    expectStatus(await scim.patch('/Users/adele', [{ op: 'Replace', path: 'name.familyName', value: 'Vance-Smith' }]), 200);
    expectStatus(await scim.patch('/Users/adele', [{ op: 'replace', value: { 'name.givenName': 'Adela', 'emails[type eq "work"].value': 'adela@contoso.com' } }]), 200);
    expect(row('adele')).toEqual(expect.objectContaining({ FirstName: 'Adela', LastName: 'Vance-Smith', Email: 'adela@contoso.com', Enabled: 1 }));
  });

  it('disable and enable flip active on the target', async () => {
    expectStatus(await scim.patch('/Users/adele', [{ op: 'Replace', path: 'active', value: 'False' }]), 200);
    expect(row('adele')?.Enabled).toBe(0);
    expectStatus(await scim.patch('/Users/adele', [{ op: 'replace', path: 'active', value: true }]), 200);
    expect(row('adele')?.Enabled).toBe(1);
  });

  it('a retried create is 409 at the proxy; a user only the target has is 409 from the target, with its detail', async () => {
    expectScimError(await scim.post('/Users', entraUser('adele')), 409, 'uniqueness');
    target.execute("INSERT INTO Employees (ContosoLogin, FirstName, Enabled) VALUES ('bob', 'Bob', 1)", [], 'target');
    const duplicate = await scim.post('/Users', entraUser('bob'));
    expectScimError(duplicate, 409, 'uniqueness');
    expect(duplicate.body.detail).toMatch(/answered 409 \(uniqueness\)/);
    expect(row('bob')).toEqual(expect.objectContaining({ FirstName: 'Bob', Email: null }));
  });

  it('bad input is refused at the proxy and never reaches the target', async () => {
    const before = target.table('target');
    expectScimError(await scim.patch('/Users/adele', [{ op: 'replace', path: 'active', value: 'maybe' }]), 400, 'invalidValue');
    expectScimError(await scim.patch('/Users/adele', [{ op: 'replace', path: `${ECMA_USER_URN}:id`, value: 'other' }]), 400, 'mutability');
    expectScimError(await scim.post('/Users', { schemas: [CORE_USER_URN], userName: 'x', active: 'perhaps' }), 400, 'invalidValue');
    expect(target.table('target')).toEqual(before);
  });

  it('a full import of the proxy brings in what the target holds', async () => {
    // bob went into the target's table behind its back: the target serves it after its own import
    await target.fullImport('target');
    await proxy.fullImport('app');
    const bob = await scim.filter('userName eq "bob"');
    expect(bob.body.Resources).toEqual([expect.objectContaining({ id: 'bob', userName: 'bob' })]);
  });

  it('a weak target: 429 with Retry-After and a 503 are absorbed; the user is created once', async () => {
    const before = posts();
    faults.inject({ method: 'POST', path: /\/Users$/, fault: { kind: 'answer', answer: { status: 429, headers: { 'retry-after': '1' }, body: '{"detail":"too many requests"}' } } });
    faults.inject({ method: 'POST', path: /\/Users$/, fault: { kind: 'answer', answer: { status: 503, body: '{"detail":"overloaded"}' } } });
    expectStatus(await scim.post('/Users', entraUser('carol')), 201);
    expect(posts() - before).toBe(3);
    expect(target.table('target').filter((r) => r.ContosoLogin === 'carol')).toHaveLength(1);
  });

  it('a slow target past the deadline: 503, the late answer lands, a retried POST does not add twice', async () => {
    faults.inject({ method: 'POST', path: /\/Users$/, fault: { kind: 'slow', delayMs: 6000 } });
    expectScimError(await scim.post('/Users', entraUser('dave')), 503);
    await waitFor('the late create to reach the cache', 30000, async () => (await scim.filter('userName eq "dave"')).body.totalResults === 1);
    expectScimError(await scim.post('/Users', entraUser('dave')), 409, 'uniqueness');
    expect(target.table('target').filter((r) => r.ContosoLogin === 'dave')).toHaveLength(1);
  });

  it('a malformed answer to a create: looked up by userName, not added twice', async () => {
    faults.inject({ method: 'POST', path: /\/Users$/, fault: { kind: 'malformed', body: '<html>proxy error</html>' } });
    const created = await scim.post('/Users', entraUser('erin'));
    expectStatus(created, 201);
    expect(created.body.id).toBe('erin');
    expect(target.table('target').filter((r) => r.ContosoLogin === 'erin')).toHaveLength(1);
  });

  it('the target unreachable: 503 and nothing written; back, the create succeeds', async () => {
    const port = faults.port;
    await faults.stop();
    try {
      const response = await scim.post('/Users', entraUser('frank'));
      expectScimError(response, 503);
      expect(response.body.detail).not.toContain(target.tokenOf('target'));
    } finally {
      faults = await startFaultProxy(target.url, { port });
    }
    expect(row('frank')).toBeUndefined();
    expectStatus(await scim.post('/Users', entraUser('frank')), 201);
    expect(row('frank')).toEqual(expect.objectContaining({ FirstName: 'Adele' }));
  });

  it('DELETE removes the row from the target', async () => {
    expectStatus(await scim.delete('/Users/adele'), 204);
    expect(row('adele')).toBeUndefined();
    expectScimError(await scim.get('/Users/adele'), 404);
  });
});
