/**
 * Entra ID's request sequence over HTTP against the whole host with the `rest` connector of
 * examples/rest-json-server.yaml, in front of a real json-server; then json-server's own data is
 * checked. The failure paths run through a real proxy in front of the same json-server.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { JSON_SERVER_APP_MIDDLEWARE, startFaultProxy, startJsonServer, type FaultProxy, type JsonServer } from '@connector-host/testing';
import { CORE_USER_URN, E2eHost, ECMA_USER_URN, expectScimError, expectStatus, waitFor, type ScimClient } from './support/host';

const EXAMPLE = readFileSync(join(__dirname, '..', 'examples', 'rest-json-server.yaml'), 'utf8');
const EXAMPLE_BASE_URL = 'http://127.0.0.1:3000';

/** The example's connectors, pointed at this json-server, with these lines changed. */
function exampleYaml(baseUrl: string, replacements: Array<[string, string]> = []): string {
  let text = EXAMPLE.replace(EXAMPLE_BASE_URL, baseUrl);
  for (const [from, to] of replacements) {
    if (!text.includes(from)) throw new Error(`the example no longer holds ${from}`);
    text = text.replace(from, to);
  }
  return text;
}

/** The body Entra sends for a new user with the example's mappings. */
function entraUser(userName: string, overrides: Record<string, unknown> = {}) {
  return {
    schemas: [CORE_USER_URN, ECMA_USER_URN],
    externalId: `aad-${userName}`,
    userName,
    active: true,
    name: { givenName: 'Adele', familyName: 'Vance', formatted: 'Adele Vance' },
    emails: [{ type: 'work', value: `${userName}@contoso.com`, primary: true }],
    ...overrides,
  };
}

describe('Entra ID against a REST application (json-server) through the rest connector', () => {
  let server: JsonServer;
  let host: E2eHost;
  let scim: ScimClient;
  const users = async () => (await server.read()).users ?? [];
  const userNamed = async (userName: string) => (await users()).filter((u) => u.userName === userName);

  beforeAll(async () => {
    server = await startJsonServer({
      db: { users: [{ id: 1, userName: 'preexisting', firstName: 'Pre', lastName: 'Existing', active: true, updatedAt: 1 }] },
      middlewares: [JSON_SERVER_APP_MIDDLEWARE],
    });
    host = await E2eHost.start({ connectors: ['app'], connectorsYaml: { text: exampleYaml(server.url), env: { APP_API_TOKEN: 'app-api-token-123' } } });
    scim = host.scim('app');
  });
  afterAll(async () => {
    await host?.close();
    await server?.stop();
  });

  it('test connection: a filter on an unknown userName is 200 with an empty list', async () => {
    const response = await scim.filter('userName eq "nobody-here"');
    expectStatus(response, 200);
    expect(response.body.totalResults).toBe(0);
  });

  it('schema discovery: /Schemas shows the application attributes with their types', async () => {
    const response = await scim.get(`/Schemas/${ECMA_USER_URN}`);
    expectStatus(response, 200);
    const attributes = Object.fromEntries((response.body.attributes as Array<{ name: string }>).map((a) => [a.name, a]));
    expect(Object.keys(attributes)).toEqual(expect.arrayContaining(['id', 'userName', 'firstName', 'lastName', 'email', 'externalId', 'active', 'updatedAt']));
    expect(attributes.active).toEqual(expect.objectContaining({ type: 'boolean' }));
    expect(attributes.id).toEqual(expect.objectContaining({ type: 'integer', mutability: 'readOnly' }));
  });

  it('the start import put the application’s existing users in the cache', async () => {
    const found = await scim.filter('userName eq "preexisting"');
    expectStatus(found, 200);
    expect(found.body.Resources).toEqual([expect.objectContaining({ id: '1', userName: 'preexisting', active: true })]);
  });

  let id: string;
  it('match then create: 201 with the id the application assigned, and the user in json-server', async () => {
    expect((await scim.filter('userName eq "adele"')).body.totalResults).toBe(0);
    const created = await scim.post('/Users', entraUser('adele'));
    expectStatus(created, 201);
    const stored = await userNamed('adele');
    expect(stored).toEqual([
      { id: expect.any(Number), userName: 'adele', firstName: 'Adele', lastName: 'Vance', email: 'adele@contoso.com', externalId: 'aad-adele', active: true, updatedAt: expect.any(Number) },
    ]);
    id = String(stored[0]!.id);
    expect(created.body.id).toBe(id);
    expect(created.headers.get('location')).toBe(`${scim.base}/Users/${id}`);
    expect(created.body).toEqual(expect.objectContaining({ userName: 'adele', active: true, externalId: 'aad-adele' }));
    expect(created.body[ECMA_USER_URN]).toEqual(expect.objectContaining({ id: Number(id), firstName: 'Adele' }));
  });

  it('finds the user by userName and by id', async () => {
    const found = await scim.filter('userName eq "adele"');
    expect(found.body.Resources.map((r: { id: string }) => r.id)).toEqual([id]);
    const byId = await scim.get(`/Users/${id}`);
    expectStatus(byId, 200);
    expect(byId.body.emails).toEqual([expect.objectContaining({ type: 'work', value: 'adele@contoso.com' })]);
  });

  it('PATCH in both Entra dialects updates only the changed fields in json-server', async () => {
    const before = (await userNamed('adele'))[0]!;
    const old = await scim.patch(`/Users/${id}`, [{ op: 'Replace', path: 'name.familyName', value: 'Vance-Smith' }]);
    expectStatus(old, 200);
    const modern = await scim.patch(`/Users/${id}`, [
      { op: 'replace', path: 'emails[type eq "work"].value', value: 'adele.smith@contoso.com' },
      { op: 'replace', path: `${ECMA_USER_URN}:firstName`, value: 'Adela' },
    ]);
    expectStatus(modern, 200);
    expect(modern.body.name).toEqual(expect.objectContaining({ givenName: 'Adela', familyName: 'Vance-Smith' }));
    expect((await userNamed('adele'))[0]).toEqual({ ...before, firstName: 'Adela', lastName: 'Vance-Smith', email: 'adele.smith@contoso.com', updatedAt: expect.any(Number) });
  });

  it('disable sets active to false in the application; enable sets it back', async () => {
    expectStatus(await scim.patch(`/Users/${id}`, [{ op: 'Replace', path: 'active', value: 'False' }]), 200);
    expect((await userNamed('adele'))[0]!.active).toBe(false);
    expectStatus(await scim.patch(`/Users/${id}`, [{ op: 'replace', path: 'active', value: true }]), 200);
    expect((await userNamed('adele'))[0]!.active).toBe(true);
  });

  it('a retried create is 409 uniqueness and the application still has one adele', async () => {
    expectScimError(await scim.post('/Users', entraUser('adele')), 409, 'uniqueness');
    expect(await userNamed('adele')).toHaveLength(1);
  });

  it("the application's own refusals reach Entra with its message: 409 taken; a create without userName never reaches it", async () => {
    // a user the host has not imported yet: the application itself refuses the duplicate
    const direct = await fetch(`${server.url}/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userName: 'bob' }) });
    expect(direct.status).toBe(201);
    const duplicate = await scim.post('/Users', entraUser('BOB'));
    expectScimError(duplicate, 409, 'uniqueness');
    expect(duplicate.body.detail).toContain('userName BOB is already taken');

    // userName is the matching attribute: the host refuses before queueing (the application's own
    // 422 reaching Entra as 400 is covered in rest-connector.json-server.int-spec.ts)
    const nameless = await scim.post('/Users', { schemas: [CORE_USER_URN], externalId: 'aad-nameless', active: true });
    expectScimError(nameless, 400, 'invalidValue');
    expect(nameless.body.detail).toMatch(/matching attribute\(s\) userName/);
    expect((await users()).filter((u) => u.externalId === 'aad-nameless')).toEqual([]);
  });

  it('bad input writes nothing to the application: a read-only id, a wrong type', async () => {
    const count = (await users()).length;
    expectScimError(await scim.patch(`/Users/${id}`, [{ op: 'replace', path: `${ECMA_USER_URN}:id`, value: 7 }]), 400, 'mutability');
    expectScimError(await scim.patch(`/Users/${id}`, [{ op: 'replace', path: `${ECMA_USER_URN}:active`, value: 'maybe' }]), 400, 'invalidValue');
    expect((await users()).length).toBe(count);
    expect((await userNamed('adele'))[0]!.id).toBe(Number(id));
  });

  it('a full import brings in users created behind the host’s back', async () => {
    expect((await scim.filter('userName eq "bob"')).body.totalResults).toBe(0);
    await host.fullImport('app');
    const bob = await scim.filter('userName eq "bob"');
    expect(bob.body.Resources).toEqual([expect.objectContaining({ userName: 'bob' })]);
  });

  it('DELETE removes the user from the application', async () => {
    expectStatus(await scim.delete(`/Users/${id}`), 204);
    expect(await userNamed('adele')).toEqual([]);
    expectScimError(await scim.get(`/Users/${id}`), 404);
  });
});

describe('REST failure paths through the whole host (json-server behind a proxy)', () => {
  let server: JsonServer;
  let proxy: FaultProxy;
  let host: E2eHost;
  let scim: ScimClient;
  const userNamed = async (userName: string) => ((await server.read()).users ?? []).filter((u) => u.userName === userName);
  const posts = () => proxy.requests.filter((r) => r.method === 'POST' && r.path === '/users').length;

  beforeAll(async () => {
    server = await startJsonServer({ middlewares: [JSON_SERVER_APP_MIDDLEWARE] });
    proxy = await startFaultProxy(server.url);
    // one exchange may take 10 s, but a request waits at most 4 s: a slow target runs past the deadline
    const text = exampleYaml(proxy.url, [['timeoutMs: 10000', 'timeoutMs: 10000\n    exportRetries: 3']]);
    host = await E2eHost.start({ connectors: ['app'], deadlineSeconds: 4, connectorsYaml: { text, env: { APP_API_TOKEN: 'app-api-token-123' } } });
    scim = host.scim('app');
  });
  afterEach(() => proxy.clearFaults());
  afterAll(async () => {
    await host?.close();
    await proxy?.stop();
    await server?.stop();
  });

  it('429 with Retry-After: the host waits as asked, retries, and the user is created once', async () => {
    const before = posts();
    proxy.inject({ method: 'POST', path: /^\/users$/, fault: { kind: 'answer', answer: { status: 429, headers: { 'retry-after': '1' }, body: '{"message":"rate limited"}' } } });
    const created = await scim.post('/Users', entraUser('throttled'));
    expectStatus(created, 201);
    expect(posts() - before).toBe(2);
    expect(await userNamed('throttled')).toHaveLength(1);
  });

  it('500 once: retried, created once', async () => {
    proxy.inject({ method: 'POST', path: /^\/users$/, fault: { kind: 'answer', answer: { status: 500, body: 'boom' } } });
    expectStatus(await scim.post('/Users', entraUser('fivehundred')), 201);
    expect(await userNamed('fivehundred')).toHaveLength(1);
  });

  it('a malformed answer to a create: the retry finds the user instead of adding a second', async () => {
    proxy.inject({ method: 'POST', path: /^\/users$/, fault: { kind: 'malformed', body: '{"id": oops' } });
    const created = await scim.post('/Users', entraUser('garbled'));
    expectStatus(created, 201);
    const stored = await userNamed('garbled');
    expect(stored).toHaveLength(1);
    expect(created.body.id).toBe(String(stored[0]!.id));
  });

  it('429 without end: 503 within the deadline, nothing written', async () => {
    proxy.inject({ method: 'POST', path: /^\/users$/, times: 100, fault: { kind: 'answer', answer: { status: 429, headers: { 'retry-after': '1' } } } });
    const response = await scim.post('/Users', entraUser('neverlet'));
    expectScimError(response, 503);
    expect(await userNamed('neverlet')).toEqual([]);
  });

  it('a slow target past the deadline: 503, then the late answer lands and a retried POST does not add twice', async () => {
    proxy.inject({ method: 'POST', path: /^\/users$/, fault: { kind: 'slow', delayMs: 6000 } });
    expectScimError(await scim.post('/Users', entraUser('latecomer')), 503);
    // the application created it; once its answer arrives the host records it
    await waitFor('the late create to reach the cache', 30000, async () => (await scim.filter('userName eq "latecomer"')).body.totalResults === 1);
    expectScimError(await scim.post('/Users', entraUser('latecomer')), 409, 'uniqueness');
    expect(await userNamed('latecomer')).toHaveLength(1);
  });

  it('the application unreachable: 503 and nothing cached; back up, the same create succeeds', async () => {
    const port = proxy.port;
    await proxy.stop();
    try {
      const response = await scim.post('/Users', entraUser('whiledown'));
      expectScimError(response, 503);
      expect(response.body.detail).not.toContain('app-api-token-123');
      expect((await scim.filter('userName eq "whiledown"')).body.totalResults).toBe(0);
      expect(await userNamed('whiledown')).toEqual([]);
    } finally {
      proxy = await startFaultProxy(server.url, { port });
    }
    expectStatus(await scim.post('/Users', entraUser('whiledown')), 201);
    expect(await userNamed('whiledown')).toHaveLength(1);
  });
});
