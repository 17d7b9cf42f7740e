/**
 * Invariants 5 and 8 over HTTP: bad input gets an RFC 7644 §3.12 error and writes nothing (the
 * target tables are compared whole, before and after), the host keeps serving, and a token opens
 * only its own connector. Two connectors, `demo` and `other`, each on its own SQLite file.
 */
import {
  CORE_USER_URN,
  E2eHost,
  ECMA_USER_URN,
  expectScimError,
  PATCH_OP_URN,
  type EmployeeRow,
  type ScimClient,
  type ScimResponse,
} from './support/host';

const ext = (attribute: string) => `${ECMA_USER_URN}:${attribute}`;
const BODY_LIMIT_BYTES = 4 * 1024;

interface Clients {
  host: E2eHost;
  demo: ScimClient;
  other: ScimClient;
}

interface BadCase {
  name: string;
  send(c: Clients): Promise<ScimResponse>;
  status: number;
  /** Expected scimType; `null` = none may be given; undefined = not checked (none applies in RFC 7644). */
  scimType?: string | null;
}

const patchTo = (c: Clients, operations: unknown) => c.demo.request('PATCH', '/Users/alice', { body: { schemas: [PATCH_OP_URN], Operations: operations } });
const filterOn = (c: Clients, filter: string) => c.demo.filter(filter);

/** A valid create, for the cases that break only one thing about it. */
const goodCreate = (login: string) => ({
  schemas: [CORE_USER_URN, ECMA_USER_URN],
  active: true,
  [ECMA_USER_URN]: { ContosoLogin: login, FirstName: 'Eve', LastName: 'Bad' },
});

const CASES: BadCase[] = [
  // --- bodies ---
  { name: 'POST with broken JSON', send: (c) => c.demo.request('POST', '/Users', { raw: '{"schemas": ["urn:x", ' }), status: 400, scimType: 'invalidSyntax' },
  { name: 'POST with JSON that ends early', send: (c) => c.demo.request('POST', '/Users', { raw: '{"userName": "eve"' }), status: 400, scimType: 'invalidSyntax' },
  { name: 'PATCH with broken JSON', send: (c) => c.demo.request('PATCH', '/Users/alice', { raw: "{'Operations': [}" }), status: 400, scimType: 'invalidSyntax' },
  { name: 'PUT with broken JSON', send: (c) => c.demo.request('PUT', '/Users/alice', { raw: '{"userName": alice}' }), status: 400, scimType: 'invalidSyntax' },
  { name: 'POST with a JSON array body', send: (c) => c.demo.request('POST', '/Users', { body: [goodCreate('eve')] }), status: 400, scimType: 'invalidSyntax' },
  { name: 'PATCH with a JSON array body', send: (c) => c.demo.request('PATCH', '/Users/alice', { body: [{ op: 'replace', path: 'active', value: false }] }), status: 400, scimType: 'invalidSyntax' },
  { name: 'POST with a JSON string body', send: (c) => c.demo.request('POST', '/Users', { body: 'eve' }), status: 400, scimType: 'invalidSyntax' },
  { name: 'POST with a JSON null body', send: (c) => c.demo.request('POST', '/Users', { raw: 'null' }), status: 400, scimType: 'invalidSyntax' },
  { name: 'POST with an empty body', send: (c) => c.demo.request('POST', '/Users', { raw: '' , contentType: 'application/scim+json' }), status: 400, scimType: 'invalidSyntax' },
  { name: 'POST as text/plain', send: (c) => c.demo.request('POST', '/Users', { raw: JSON.stringify(goodCreate('eve')), contentType: 'text/plain' }), status: 415 },
  { name: 'POST as application/xml', send: (c) => c.demo.request('POST', '/Users', { raw: '<user><userName>eve</userName></user>', contentType: 'application/xml' }), status: 415 },
  {
    name: 'POST a user as form data',
    send: (c) => c.demo.request('POST', '/Users', { raw: 'userName=eve&active=true', contentType: 'application/x-www-form-urlencoded' }),
    status: 415,
  },
  { name: 'PATCH as form data', send: (c) => c.demo.request('PATCH', '/Users/alice', { raw: 'active=false', contentType: 'application/x-www-form-urlencoded' }), status: 415 },
  {
    name: 'POST larger than server.bodyLimit',
    send: (c) => c.demo.post('/Users', { ...goodCreate('eve'), [ECMA_USER_URN]: { ContosoLogin: 'eve', FirstName: 'x'.repeat(BODY_LIMIT_BYTES * 2) } }),
    status: 413,
  },
  {
    name: 'PATCH larger than server.bodyLimit',
    send: (c) => c.demo.patch('/Users/alice', [{ op: 'replace', path: ext('LastName'), value: 'y'.repeat(BODY_LIMIT_BYTES * 4) }]),
    status: 413,
  },

  // --- filters ---
  { name: 'filter `userName eq` (no value)', send: (c) => filterOn(c, 'userName eq'), status: 400, scimType: 'invalidFilter' },
  { name: 'filter `userName xx "a"` (unknown operator)', send: (c) => filterOn(c, 'userName xx "a"'), status: 400, scimType: 'invalidFilter' },
  { name: 'filter with an unclosed parenthesis', send: (c) => filterOn(c, '(userName eq "alice" or userName eq "bob"'), status: 400, scimType: 'invalidFilter' },
  { name: 'filter with an extra closing parenthesis', send: (c) => filterOn(c, 'userName eq "alice")'), status: 400, scimType: 'invalidFilter' },
  { name: 'filter with an unterminated string', send: (c) => filterOn(c, 'userName eq "alice'), status: 400, scimType: 'invalidFilter' },
  { name: 'filter with an unclosed value filter', send: (c) => filterOn(c, 'emails[type eq "work" and value eq "a"'), status: 400, scimType: 'invalidFilter' },
  { name: 'filter `and` with nothing after it', send: (c) => filterOn(c, 'userName eq "alice" and'), status: 400, scimType: 'invalidFilter' },
  { name: 'a 6000-character filter', send: (c) => filterOn(c, `userName eq "${'a'.repeat(6000)}"`), status: 400, scimType: 'invalidFilter' },
  {
    name: 'a filter nested 500 parentheses deep',
    send: (c) => filterOn(c, `${'('.repeat(500)}userName eq "alice"${')'.repeat(500)}`),
    status: 400,
    scimType: 'invalidFilter',
  },
  {
    name: 'a filter nested 200 `not (` deep',
    send: (c) => filterOn(c, `${'not ('.repeat(200)}userName eq "alice"${')'.repeat(200)}`),
    status: 400,
    scimType: 'invalidFilter',
  },
  { name: 'count that is not a number', send: (c) => c.demo.get('/Users?count=ten'), status: 400, scimType: 'invalidValue' },
  { name: 'startIndex that is not a number', send: (c) => c.demo.get('/Users?startIndex=1;DROP'), status: 400, scimType: 'invalidValue' },

  // --- PATCH ---
  { name: 'PATCH without Operations', send: (c) => c.demo.request('PATCH', '/Users/alice', { body: { schemas: [PATCH_OP_URN] } }), status: 400, scimType: 'invalidSyntax' },
  { name: 'PATCH with empty Operations', send: (c) => patchTo(c, []), status: 400, scimType: 'invalidSyntax' },
  { name: 'PATCH with Operations as an object', send: (c) => patchTo(c, { op: 'replace', path: 'active', value: false }), status: 400, scimType: 'invalidSyntax' },
  {
    name: 'PATCH without the PatchOp schema',
    send: (c) => c.demo.request('PATCH', '/Users/alice', { body: { Operations: [{ op: 'replace', path: 'active', value: false }] } }),
    status: 400,
    scimType: 'invalidSyntax',
  },
  { name: 'PATCH with an unknown op', send: (c) => patchTo(c, [{ op: 'Move', path: 'active', value: false }]), status: 400, scimType: 'invalidSyntax' },
  { name: 'PATCH with no op', send: (c) => patchTo(c, [{ path: 'active', value: false }]), status: 400, scimType: 'invalidSyntax' },
  { name: 'PATCH whose operation is a string', send: (c) => patchTo(c, ['replace active false']), status: 400, scimType: 'invalidSyntax' },
  { name: 'PATCH with path `emails[type eq`', send: (c) => patchTo(c, [{ op: 'replace', path: 'emails[type eq', value: 'x' }]), status: 400, scimType: 'invalidPath' },
  { name: 'PATCH with path `name..givenName`', send: (c) => patchTo(c, [{ op: 'replace', path: 'name..givenName', value: 'x' }]), status: 400, scimType: 'invalidPath' },
  { name: 'PATCH with a numeric path', send: (c) => patchTo(c, [{ op: 'replace', path: 5, value: 'x' }]), status: 400, scimType: 'invalidPath' },
  { name: 'PATCH to an unknown core attribute', send: (c) => patchTo(c, [{ op: 'replace', path: 'shoeSize', value: '42' }]), status: 400, scimType: 'invalidPath' },
  { name: 'PATCH to an unknown ECMA2Host attribute', send: (c) => patchTo(c, [{ op: 'replace', path: ext('Salary'), value: '1' }]), status: 400, scimType: 'invalidPath' },
  {
    name: 'PATCH, a good operation followed by one to an unknown attribute (all or nothing)',
    send: (c) => patchTo(c, [{ op: 'replace', path: ext('FirstName'), value: 'Changed' }, { op: 'replace', path: ext('Salary'), value: '1' }]),
    status: 400,
    scimType: 'invalidPath',
  },
  { name: 'PATCH Enabled: "maybe"', send: (c) => patchTo(c, [{ op: 'replace', path: ext('Enabled'), value: 'maybe' }]), status: 400, scimType: 'invalidValue' },
  { name: 'PATCH active: "maybe"', send: (c) => patchTo(c, [{ op: 'Replace', path: 'active', value: 'maybe' }]), status: 400, scimType: 'invalidValue' },
  { name: 'PATCH active: 1', send: (c) => patchTo(c, [{ op: 'replace', path: 'active', value: 1 }]), status: 400, scimType: 'invalidValue' },
  { name: 'PATCH path-less { Enabled: "maybe" }', send: (c) => patchTo(c, [{ op: 'Replace', value: { [ext('Enabled')]: 'maybe' } }]), status: 400, scimType: 'invalidValue' },
  {
    name: 'PATCH a single-valued attribute with two values',
    send: (c) => patchTo(c, [{ op: 'replace', path: ext('FirstName'), value: ['One', 'Two'] }]),
    status: 400,
    scimType: 'invalidValue',
  },
  { name: 'PATCH a string attribute with an object', send: (c) => patchTo(c, [{ op: 'replace', path: ext('textID'), value: { nested: { deep: 1 } } }]), status: 400, scimType: 'invalidValue' },
  { name: 'PATCH remove without a path', send: (c) => patchTo(c, [{ op: 'remove' }]), status: 400, scimType: 'noTarget' },
  { name: 'PATCH replace without a path and with a string value', send: (c) => patchTo(c, [{ op: 'replace', value: 'x' }]), status: 400, scimType: 'invalidSyntax' },
  { name: 'PATCH replace with a path and no value', send: (c) => patchTo(c, [{ op: 'replace', path: 'name.givenName' }]), status: 400, scimType: 'invalidSyntax' },

  // --- read-only id ---
  { name: 'PATCH replacing id', send: (c) => patchTo(c, [{ op: 'replace', path: 'id', value: 'mallory' }]), status: 400, scimType: 'mutability' },
  { name: 'PATCH path-less replacing id', send: (c) => patchTo(c, [{ op: 'Replace', value: { id: 'mallory' } }]), status: 400, scimType: 'mutability' },
  { name: 'PATCH removing id', send: (c) => patchTo(c, [{ op: 'remove', path: 'id' }]), status: 400, scimType: 'mutability' },
  {
    name: 'PUT whose body id differs from the URL',
    send: (c) => c.demo.put('/Users/alice', { schemas: [CORE_USER_URN], id: 'mallory', userName: 'alice', active: true }),
    status: 400,
    scimType: 'mutability',
  },

  // --- creates with bad values ---
  { name: 'POST active: "maybe"', send: (c) => c.demo.post('/Users', { ...goodCreate('eve'), active: 'maybe' }), status: 400, scimType: 'invalidValue' },
  {
    name: 'POST Enabled: "maybe"',
    send: (c) => c.demo.post('/Users', { ...goodCreate('eve'), [ECMA_USER_URN]: { ContosoLogin: 'eve', Enabled: 'maybe' } }),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'POST two values for single-valued FirstName',
    send: (c) => c.demo.post('/Users', { ...goodCreate('eve'), [ECMA_USER_URN]: { ContosoLogin: 'eve', FirstName: ['A', 'B'] } }),
    status: 400,
    scimType: 'invalidValue',
  },
  { name: 'POST userName as an object', send: (c) => c.demo.post('/Users', { schemas: [CORE_USER_URN], userName: { first: 'eve' } }), status: 400, scimType: 'invalidValue' },
  {
    name: 'POST without the anchor (no ContosoLogin, no userName)',
    send: (c) => c.demo.post('/Users', { schemas: [CORE_USER_URN, ECMA_USER_URN], active: true, [ECMA_USER_URN]: { FirstName: 'Nobody' } }),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'POST with the ECMA2Host extension as a string',
    send: (c) => c.demo.post('/Users', { schemas: [CORE_USER_URN, ECMA_USER_URN], userName: 'eve', [ECMA_USER_URN]: 'ContosoLogin=eve' }),
    status: 400,
    scimType: 'invalidValue',
  },
  { name: 'POST a duplicate of alice', send: (c) => c.demo.post('/Users', goodCreate('alice')), status: 409, scimType: 'uniqueness' },
  { name: 'POST a duplicate of alice by userName', send: (c) => c.demo.post('/Users', { schemas: [CORE_USER_URN], userName: 'alice', active: true }), status: 409, scimType: 'uniqueness' },

  // --- tokens ---
  { name: 'GET without a token', send: (c) => c.demo.get('/Users/alice', { token: null }), status: 401, scimType: null },
  { name: 'GET with a wrong token', send: (c) => c.demo.get('/Users/alice', { token: 'not-the-token-at-all' }), status: 401, scimType: null },
  { name: 'GET with a token one character short', send: (c) => c.demo.get('/Users/alice', { token: c.demo.token.slice(0, -1) }), status: 401, scimType: null },
  { name: 'GET with the token in a Basic header', send: (c) => c.demo.get('/Users/alice', { authorization: `Basic ${c.demo.token}` }), status: 401, scimType: null },
  { name: 'GET with an empty Bearer', send: (c) => c.demo.get('/Users/alice', { authorization: 'Bearer ' }), status: 401, scimType: null },
  { name: "GET demo's user with other's token", send: (c) => c.demo.get('/Users/alice', { token: c.other.token }), status: 401, scimType: null },
  { name: "filter demo with other's token", send: (c) => c.demo.filter('userName eq "alice"', 'Users', { token: c.other.token }), status: 401, scimType: null },
  { name: "GET other's user with demo's token", send: (c) => c.other.get('/Users/ozzy', { token: c.demo.token }), status: 401, scimType: null },
  { name: "demo's /Schemas with other's token", send: (c) => c.demo.get('/Schemas', { token: c.other.token }), status: 401, scimType: null },
  { name: "demo's cache view with other's token", send: (c) => c.host.request('GET', '/ecma2host_demo/cache', { token: c.other.token }), status: 401, scimType: null },
  { name: 'the cache view without a token', send: (c) => c.host.request('GET', '/ecma2host_other/cache', { token: null }), status: 401, scimType: null },
  { name: 'POST without a token', send: (c) => c.demo.post('/Users', goodCreate('eve'), { token: null }), status: 401, scimType: null },
  { name: "POST to demo with other's token", send: (c) => c.demo.post('/Users', goodCreate('eve'), { token: c.other.token }), status: 401, scimType: null },
  {
    name: "PATCH demo's user with other's token",
    send: (c) => c.demo.patch('/Users/alice', [{ op: 'replace', path: 'active', value: false }], { token: c.other.token }),
    status: 401,
    scimType: null,
  },
  { name: "PUT demo's user with other's token", send: (c) => c.demo.put('/Users/alice', goodCreate('alice'), { token: c.other.token }), status: 401, scimType: null },
  { name: "DELETE demo's user with other's token", send: (c) => c.demo.delete('/Users/alice', { token: c.other.token }), status: 401, scimType: null },
  { name: "DELETE other's user with demo's token", send: (c) => c.other.delete('/Users/ozzy', { token: c.demo.token }), status: 401, scimType: null },
  { name: "an unknown connector with demo's token", send: (c) => c.host.request('GET', '/ecma2host_nosuch/scim/Users', { token: c.demo.token }), status: 401, scimType: null },
  {
    name: 'an unknown connector differing only in case',
    send: (c) => c.host.request('GET', '/ecma2host_DEMO/scim/Users/alice', { token: c.demo.token }),
    status: 401,
    scimType: null,
  },

  // --- endpoints ---
  { name: 'an unknown SCIM endpoint', send: (c) => c.demo.get('/Widgets'), status: 404, scimType: null },
  { name: 'a path below a user', send: (c) => c.demo.get('/Users/alice/manager'), status: 404, scimType: null },
  { name: 'a path outside any connector', send: (c) => c.host.request('GET', '/scim/Users', { token: c.demo.token }), status: 404, scimType: null },
  { name: 'the root', send: (c) => c.host.request('GET', '/', { token: c.demo.token }), status: 404, scimType: null },
  { name: 'a connector name with a dash', send: (c) => c.host.request('GET', '/ecma2host_de-mo/scim/Users', { token: c.demo.token }), status: 404, scimType: null },
  { name: 'DELETE on the Users collection (the path takes GET and POST)', send: (c) => c.demo.delete('/Users'), status: 405, scimType: null },
  { name: 'Groups, which the connector does not provision', send: (c) => c.demo.get('/Groups'), status: 404, scimType: null },
  { name: 'POST to /Schemas', send: (c) => c.demo.post('/Schemas', { schemas: ['urn:x'] }), status: 405 },
  { name: 'GET an unknown user', send: (c) => c.demo.get('/Users/nobody'), status: 404, scimType: null },
  { name: 'PATCH an unknown user', send: (c) => c.demo.patch('/Users/nobody', [{ op: 'replace', path: 'active', value: false }]), status: 404, scimType: null },
  { name: 'DELETE an unknown user', send: (c) => c.demo.delete('/Users/nobody'), status: 404, scimType: null },
];

/** Filter values that try to break out of their string: each must match nothing and write nothing. */
const INJECTIONS: Array<{ filter: string; status: 200 | 400 }> = [
  { filter: 'userName eq "x\\" or \\"1\\" eq \\"1"', status: 200 },
  { filter: `${ext('ContosoLogin')} eq "x\\" or \\"1\\" eq \\"1"`, status: 200 },
  { filter: 'userName eq "x" or "1" eq "1"', status: 400 },
  { filter: 'userName eq "x" or 1 eq 1', status: 400 },
  { filter: 'userName eq "\'; DROP TABLE Employees; --"', status: 200 },
  { filter: `${ext('ContosoLogin')} eq "'; DROP TABLE Employees; --"`, status: 200 },
  { filter: `${ext('FirstName')} eq "'; DROP TABLE Employees; --"`, status: 200 },
  { filter: `userName eq "alice'; DELETE FROM Employees; --"`, status: 200 },
  { filter: 'userName eq "*)(uid=*"', status: 200 },
  { filter: 'userName co "*)(uid=*"', status: 200 },
  { filter: `${ext('ContosoLogin')} eq "*)(uid=*"`, status: 200 },
  { filter: 'userName eq "*"', status: 200 },
  { filter: 'userName sw "*"', status: 200 },
  { filter: 'userName eq "%"', status: 200 },
  { filter: 'userName co "%"', status: 200 },
  { filter: 'userName co "_"', status: 200 },
  { filter: 'userName eq ".*"', status: 200 },
  { filter: 'userName eq "alice\\u0000"', status: 200 },
];

describe('bad input (whole host, two connectors)', () => {
  let host: E2eHost;
  const clients = {} as Clients;
  const tables = (): { demo: EmployeeRow[]; other: EmployeeRow[] } => ({ demo: host.table('demo'), other: host.table('other') });
  /** Both targets and both connector spaces, once every queued export ran: "nothing written anywhere". */
  const everything = async () => {
    await host.exportsDrained();
    return { tables: tables(), demoSpace: await host.cachedObjects('demo'), otherSpace: await host.cachedObjects('other') };
  };

  beforeAll(async () => {
    host = await E2eHost.start({ connectors: ['demo', 'other'], bodyLimit: `${BODY_LIMIT_BYTES / 1024}kb` });
    Object.assign(clients, { host, demo: host.scim('demo'), other: host.scim('other') });
    for (const [client, login, first] of [
      [clients.demo, 'alice', 'Alice'],
      [clients.demo, 'bob', 'Bob'],
      [clients.other, 'ozzy', 'Ozzy'],
    ] as const) {
      const created = await client.post('/Users', {
        schemas: [CORE_USER_URN, ECMA_USER_URN],
        active: true,
        [ECMA_USER_URN]: { ContosoLogin: login, FirstName: first, LastName: 'Seed', Email: `${login}@contoso.com` },
      });
      expect({ login, status: created.status }).toEqual({ login, status: 201 });
    }
  });
  afterAll(async () => {
    await host?.close();
  });

  it('starts from the seeded tables', () => {
    expect(tables().demo.map((r) => r.ContosoLogin)).toEqual(['alice', 'bob']);
    expect(tables().other.map((r) => r.ContosoLogin)).toEqual(['ozzy']);
  });

  it.each(CASES)('$name → $status, nothing written, host still serving', async (badCase) => {
    const before = await everything();
    const response = await badCase.send(clients);
    expectScimError(response, badCase.status, badCase.scimType);
    // secrets and other connectors' data never appear in an error
    for (const token of [clients.demo.token, clients.other.token]) expect(response.text).not.toContain(token);
    if (response.status === 401) {
      for (const leak of ['Alice', 'alice@contoso.com', 'Ozzy', 'ozzy@contoso.com', 'Resources']) expect(response.text).not.toContain(leak);
    }
    expect(await everything()).toEqual(before);
    const good = await clients.demo.get('/Users/alice');
    expect({ status: good.status, id: good.body?.id }).toEqual({ status: 200, id: 'alice' });
  });

  it('answers an unknown connector exactly as a wrong token, so names cannot be probed', async () => {
    const unknown = await clients.host.request('GET', '/ecma2host_nosuch/scim/Users', { token: clients.demo.token });
    const wrong = await clients.demo.get('/Users', { token: 'not-the-token-at-all' });
    expect({ status: unknown.status, body: unknown.body }).toEqual({ status: wrong.status, body: wrong.body });
  });

  it.each(INJECTIONS)('filter $filter matches nothing ($status) and writes nothing', async ({ filter, status }) => {
    const before = await everything();
    const response = await clients.demo.filter(filter);
    if (status === 400) {
      expectScimError(response, 400, 'invalidFilter');
    } else {
      expect({ status: response.status, total: response.body?.totalResults }).toEqual({ status: 200, total: 0 });
      expect(response.body.Resources ?? []).toEqual([]);
    }
    expect(await everything()).toEqual(before);
    const still = await clients.demo.filter('userName eq "alice" or userName eq "bob"');
    expect(still.body.totalResults).toBe(2);
  });

  it('a token opens only its own connector: each reads and writes its own table', async () => {
    const { demo, other } = clients;
    expect((await demo.get('/Users/alice')).status).toBe(200);
    expect((await other.get('/Users/ozzy')).status).toBe(200);
    // connector spaces are separate: neither sees the other's users
    expectScimError(await demo.get('/Users/ozzy'), 404);
    expectScimError(await other.get('/Users/alice'), 404);
    expect((await demo.filter('userName eq "ozzy"')).body.totalResults).toBe(0);

    const before = tables();
    const created = await other.post('/Users', {
      schemas: [CORE_USER_URN, ECMA_USER_URN],
      active: true,
      [ECMA_USER_URN]: { ContosoLogin: 'olga', FirstName: 'Olga' },
    });
    expect(created.status).toBe(201);
    expect(tables().demo).toEqual(before.demo);
    expect(tables().other.map((r) => r.ContosoLogin)).toEqual(['olga', 'ozzy']);
    expect((await other.delete('/Users/olga')).status).toBe(204);
    expect(tables()).toEqual(before);
  });

  it('stores hostile values verbatim through parameters, and finds them by an escaped filter', async () => {
    const before = tables();
    const login = `o'brien"; DROP TABLE Employees; --`;
    const first = `Robert'); DELETE FROM Employees WHERE ('1'='1`;
    const created = await clients.demo.post('/Users', {
      schemas: [CORE_USER_URN, ECMA_USER_URN],
      active: true,
      [ECMA_USER_URN]: { ContosoLogin: login, FirstName: first, LastName: '*)(uid=*' },
    });
    expect({ status: created.status, id: created.body?.id }).toEqual({ status: 201, id: login });
    expect(tables().demo).toEqual([
      ...before.demo,
      { ContosoLogin: login, FirstName: first, LastName: '*)(uid=*', Email: null, AzureID: null, textID: null, Enabled: 1 },
    ]);
    const escaped = login.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
    const found = await clients.demo.filter(`userName eq "${escaped}"`);
    expect({ status: found.status, total: found.body?.totalResults, id: found.body?.Resources?.[0]?.id }).toEqual({ status: 200, total: 1, id: login });
    const byId = await clients.demo.get(`/Users/${encodeURIComponent(login)}`);
    expect(byId.status).toBe(200);
    expect((await clients.demo.delete(`/Users/${encodeURIComponent(login)}`)).status).toBe(204);
    expect(tables()).toEqual(before);
  });
});
