/**
 * Entra ID's request sequence over HTTP against the whole host with the `soap` connector of
 * examples/soap.yaml, in front of the SOAP test service (soap package, WS-Security checked); then
 * the service's own store is checked. The connector reaches the service through a real proxy that
 * plays the failure paths.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as soap from 'soap';
import { startFaultProxy, startSoapUsersService, type FaultProxy, type SoapUsersService } from '@connector-host/testing';
import { CORE_USER_URN, E2eHost, ECMA_USER_URN, expectScimError, expectStatus, waitFor, type ScimClient } from './support/host';

const EXAMPLE = readFileSync(join(__dirname, '..', 'examples', 'soap.yaml'), 'utf8');
const CREDENTIALS = { username: 'host-svc', password: 'ws-password-e2e-1' };

function entraUser(userName: string) {
  return {
    schemas: [CORE_USER_URN, ECMA_USER_URN],
    userName,
    active: true,
    name: { givenName: 'Adele', familyName: 'Vance' },
    emails: [{ type: 'work', value: `${userName}@contoso.com`, primary: true }],
    [ECMA_USER_URN]: { employeeNumber: 1001, role: ['staff'] },
  };
}

const SERVER_FAULT =
  '<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault><faultcode>soap:Server</faultcode><faultstring>database busy</faultstring></soap:Fault></soap:Body></soap:Envelope>';

describe('Entra ID against a SOAP application through the soap connector', () => {
  let service: SoapUsersService;
  let proxy: FaultProxy;
  let host: E2eHost;
  let scim: ScimClient;
  const stored = (userName: string) => service.users().filter((u) => u.userName === userName);
  const posts = () => proxy.requests.filter((r) => r.method === 'POST').length;

  beforeAll(async () => {
    service = await startSoapUsersService(CREDENTIALS);
    proxy = await startFaultProxy(service.url);
    const text = EXAMPLE.replace('wsdlUrl: http://127.0.0.1:8080/users?wsdl', `wsdlUrl: ${service.endpoint}?wsdl`)
      .replace('endpoint: http://127.0.0.1:8080/users', `endpoint: ${proxy.url}/users`)
      .replace('timeoutMs: 10000', 'timeoutMs: 10000\n    exportRetries: 3');
    host = await E2eHost.start({
      connectors: ['erp'],
      deadlineSeconds: 4,
      connectorsYaml: { text, env: { ERP_WS_USERNAME: CREDENTIALS.username, ERP_WS_PASSWORD: CREDENTIALS.password } },
    });
    scim = host.scim('erp');
  });
  afterEach(() => proxy.clearFaults());
  afterAll(async () => {
    await host?.close();
    await proxy?.stop();
    await service?.stop();
  });

  it('test connection and schema discovery from the WSDL', async () => {
    expectStatus(await scim.filter('userName eq "nobody"'), 200);
    const schema = await scim.get(`/Schemas/${ECMA_USER_URN}`);
    const attributes = Object.fromEntries((schema.body.attributes as Array<{ name: string }>).map((a) => [a.name, a]));
    expect(attributes.active).toEqual(expect.objectContaining({ type: 'boolean' }));
    expect(attributes.employeeNumber).toEqual(expect.objectContaining({ type: 'integer' }));
    expect(attributes.role).toEqual(expect.objectContaining({ type: 'string', multiValued: true }));
  });

  it('match then create: the user is in the SOAP service, anchored by userName', async () => {
    expect((await scim.filter('userName eq "adele"')).body.totalResults).toBe(0);
    const created = await scim.post('/Users', entraUser('adele'));
    expectStatus(created, 201);
    expect(created.body.id).toBe('adele');
    expect(stored('adele')).toEqual([
      { userName: 'adele', givenName: 'Adele', familyName: 'Vance', email: 'adele@contoso.com', active: true, employeeNumber: 1001, role: ['staff'], changedAt: expect.any(String) },
    ]);
    expect((await scim.filter('userName eq "ADELE"')).body.Resources.map((r: { id: string }) => r.id)).toEqual(['adele']);
  });

  it('PATCH in both dialects changes only those fields in the service', async () => {
    expectStatus(await scim.patch('/Users/adele', [{ op: 'Replace', path: 'name.familyName', value: 'Vance-Smith' }]), 200);
    expectStatus(await scim.patch('/Users/adele', [{ op: 'add', path: `${ECMA_USER_URN}:role`, value: ['admins'] }]), 200);
    expect(stored('adele')[0]).toEqual(expect.objectContaining({ familyName: 'Vance-Smith', givenName: 'Adele', role: ['staff', 'admins'], email: 'adele@contoso.com' }));
  });

  it('disable sets active false; enable sets it back', async () => {
    expectStatus(await scim.patch('/Users/adele', [{ op: 'Replace', path: 'active', value: 'False' }]), 200);
    expect(stored('adele')[0]!.active).toBe(false);
    expectStatus(await scim.patch('/Users/adele', [{ op: 'replace', path: 'active', value: true }]), 200);
    expect(stored('adele')[0]!.active).toBe(true);
  });

  it("a duplicate is 409: the host's own check, and the application's fault for a user only it knows", async () => {
    expectScimError(await scim.post('/Users', entraUser('adele')), 409, 'uniqueness');
    // another system adds bob to the directory directly, over SOAP
    const client = await soap.createClientAsync(`${service.endpoint}?wsdl`, { endpoint: service.endpoint });
    client.setSecurity(new soap.WSSecurity(CREDENTIALS.username, CREDENTIALS.password));
    await client.AddUserAsync({ user: { userName: 'bob', givenName: 'Bob' } });
    const duplicate = await scim.post('/Users', entraUser('BOB'));
    expectScimError(duplicate, 409, 'uniqueness');
    expect(duplicate.body.detail).toContain('UserExists: userName BOB is already taken');
    expect(duplicate.body.detail).not.toContain(CREDENTIALS.password);
    expect(service.users().filter((u) => u.userName.toLowerCase() === 'bob')).toHaveLength(1);
    // the next import brings bob into the cache
    await host.fullImport('erp');
    expect((await scim.filter('userName eq "bob"')).body.Resources).toEqual([expect.objectContaining({ id: 'bob', name: expect.objectContaining({ givenName: 'Bob' }) })]);
  });

  it('a Server fault and a 503 with Retry-After are retried: created once', async () => {
    const before = proxy.requests.length;
    proxy.inject({ method: 'POST', fault: { kind: 'answer', answer: { status: 500, headers: { 'content-type': 'text/xml' }, body: SERVER_FAULT } } });
    proxy.inject({ method: 'POST', fault: { kind: 'answer', answer: { status: 503, headers: { 'retry-after': '1' } } } });
    expectStatus(await scim.post('/Users', entraUser('retried')), 201);
    // AddUser (Server fault) · GetUser, as the add may have landed (503) · GetUser (none) · AddUser
    const calls = proxy.requests.slice(before).map((r) => `${/<(\w+)Request/.exec(r.body)?.[1]}:${r.outcome}`);
    expect(calls).toEqual(['AddUser:answer', 'GetUser:answer', 'GetUser:forwarded', 'AddUser:forwarded']);
    expect(stored('retried')).toHaveLength(1);
  });

  it('a malformed answer to AddUser: the retry finds the user (GetUser) instead of adding twice', async () => {
    proxy.inject({ method: 'POST', fault: { kind: 'malformed', body: '<not-soap' } });
    expectStatus(await scim.post('/Users', entraUser('garbled')), 201);
    expect(stored('garbled')).toHaveLength(1);
  });

  it('a slow service past the deadline: 503, the late answer lands, a retried POST does not add twice', async () => {
    proxy.inject({ method: 'POST', fault: { kind: 'slow', delayMs: 6000 } });
    expectScimError(await scim.post('/Users', entraUser('latecomer')), 503);
    await waitFor('the late add to reach the cache', 30000, async () => (await scim.filter('userName eq "latecomer"')).body.totalResults === 1);
    expectScimError(await scim.post('/Users', entraUser('latecomer')), 409, 'uniqueness');
    expect(stored('latecomer')).toHaveLength(1);
  });

  it('bad input is refused before the service sees it', async () => {
    const before = posts();
    expectScimError(await scim.patch('/Users/adele', [{ op: 'replace', path: `${ECMA_USER_URN}:employeeNumber`, value: 'twelve' }]), 400, 'invalidValue');
    expectScimError(await scim.post('/Users', { schemas: [CORE_USER_URN], userName: 'x', active: 'perhaps' }), 400, 'invalidValue');
    expect(posts()).toBe(before);
    expect(stored('x')).toEqual([]);
  });

  it('the service unreachable: 503, nothing written; back, the create succeeds', async () => {
    const port = proxy.port;
    await proxy.stop();
    try {
      const response = await scim.post('/Users', entraUser('whiledown'));
      expectScimError(response, 503);
      expect(response.body.detail).not.toContain(CREDENTIALS.password);
    } finally {
      proxy = await startFaultProxy(service.url, { port });
    }
    expect(stored('whiledown')).toEqual([]);
    expectStatus(await scim.post('/Users', entraUser('whiledown')), 201);
    expect(stored('whiledown')).toHaveLength(1);
  });

  it('DELETE removes the user from the service', async () => {
    expectStatus(await scim.delete('/Users/adele'), 204);
    expect(stored('adele')).toEqual([]);
  });
});
