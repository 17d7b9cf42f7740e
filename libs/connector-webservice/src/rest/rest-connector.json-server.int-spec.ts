/**
 * The rest connector against json-server (a third-party REST application from npm) on loopback,
 * with a middleware that makes it act like a user API (updatedAt stamps, 422 / 409 with messages).
 * Every check reads json-server's own db.json afterwards.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { ConnectorError, type ExportChange } from '@connector-host/connector-sdk';
import { createTempDir, JSON_SERVER_APP_MIDDLEWARE, startFaultProxy, startJsonServer, type FaultProxy, type JsonServer } from '@connector-host/testing';
import { RestConnector } from './rest.connector';
import { collect, contextOf, RecordingLogger } from '../testing/connector-context';


const ATTRIBUTES = {
  id: { path: '/id', type: 'integer', readOnly: true },
  userName: '/userName',
  firstName: '/firstName',
  lastName: '/lastName',
  email: '/email',
  active: '/active',
  groups: { path: '/groups', multiValued: true },
  updatedAt: { path: '/updatedAt', readOnly: true },
};
const SAMPLE = { id: 1, userName: 'adele', firstName: 'Adele', lastName: 'Vance', email: 'a@x', active: true, groups: ['staff'], updatedAt: 1 };

function operations(overrides: Record<string, unknown> = {}) {
  return {
    list: { url: '/users', paging: { type: 'page', pageParam: '_page', sizeParam: '_limit' }, since: { param: 'updatedAt_gte', format: 'epochMs', overlapSeconds: 0 } },
    get: { url: '/users/{id}' },
    create: { url: '/users' },
    update: { url: '/users/{id}' },
    delete: { url: '/users/{id}' },
    find: { url: '/users?userName={userName}' },
    ...overrides,
  };
}

function connectorFor(baseUrl: string, extra: { connection?: Record<string, unknown>; operations?: Record<string, unknown>; logger?: RecordingLogger } = {}) {
  return new RestConnector(
    contextOf(
      { baseUrl, timeoutMs: 5000, ...extra.connection },
      { anchor: 'id', target: { attributes: ATTRIBUTES, schema: { sample: SAMPLE }, operations: operations(extra.operations) } },
      extra.logger,
    ),
  );
}

const add = (userName: string, more: Record<string, unknown[]> = {}): ExportChange => ({
  kind: 'add',
  objectType: 'User',
  attributes: { userName: [userName], firstName: ['Adele'], lastName: ['Vance'], email: [`${userName}@contoso.com`], active: [true], ...more },
});

async function expectConnectorError(promise: Promise<unknown>, reason: string, message?: RegExp): Promise<ConnectorError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConnectorError);
  expect((error as ConnectorError).reason).toBe(reason);
  if (message) expect((error as ConnectorError).message).toMatch(message);
  return error as ConnectorError;
}

describe('rest connector against json-server', () => {
  let server: JsonServer;
  let connector: RestConnector;
  const users = async () => (await server.read()).users ?? [];

  beforeAll(async () => {
    server = await startJsonServer({ middlewares: [JSON_SERVER_APP_MIDDLEWARE] });
    connector = connectorFor(server.url);
  });
  afterAll(async () => {
    await connector?.close();
    await server?.stop();
  });

  it('tests the connection and discovers typed attributes from the sample', async () => {
    await connector.test();
    const schema = await connector.discoverSchema();
    const user = schema.objectTypes[0]!;
    expect(user).toEqual(expect.objectContaining({ name: 'User', targetName: '/users', anchor: 'id' }));
    const byName = Object.fromEntries(user.attributes.map((a) => [a.name, a]));
    expect(byName.id).toEqual(expect.objectContaining({ type: 'integer', readOnly: true }));
    expect(byName.active).toEqual(expect.objectContaining({ type: 'boolean', multiValued: false }));
    expect(byName.groups).toEqual(expect.objectContaining({ type: 'string', multiValued: true }));
    expect(byName.userName).toEqual(expect.objectContaining({ type: 'string', readOnly: false }));
  });

  it('adds a user: json-server assigns the id, which becomes the anchor', async () => {
    const result = await connector.export(add('adele', { groups: ['staff', 'sales'] }));
    const stored = (await users()).find((u) => u.userName === 'adele');
    expect(stored).toEqual(expect.objectContaining({ firstName: 'Adele', lastName: 'Vance', email: 'adele@contoso.com', active: true, groups: ['staff', 'sales'] }));
    expect(result.anchor).toBe(String(stored!.id));
    expect(result.dn).toBe(`CN=${stored!.id},OBJECT=USER`);
    expect(result.attributes).toEqual(expect.objectContaining({ id: [stored!.id], userName: ['adele'], active: [true] }));
    const read = await connector.get('User', result.anchor);
    expect(read?.attributes).toEqual(expect.objectContaining({ userName: ['adele'], groups: ['staff', 'sales'] }));
    expect(await connector.get('User', '999999')).toBeNull();
  });

  it('updates with PATCH and only the changed attributes; a cleared attribute becomes null', async () => {
    const anchor = String((await users()).find((u) => u.userName === 'adele')!.id);
    const before = (await users()).find((u) => u.userName === 'adele')!;
    const result = await connector.export({
      kind: 'update',
      objectType: 'User',
      anchor,
      dn: `CN=${anchor},OBJECT=USER`,
      deltas: [
        { attribute: 'lastName', op: 'replace', values: ['Vance-Smith'] },
        { attribute: 'email', op: 'replace', values: [] },
        { attribute: 'groups', op: 'add', values: ['admins'] },
        { attribute: 'groups', op: 'remove', values: ['staff'] },
      ],
    });
    const after = (await users()).find((u) => u.userName === 'adele')!;
    expect(after).toEqual({ ...before, lastName: 'Vance-Smith', email: null, groups: ['sales', 'admins'], updatedAt: expect.any(Number) });
    expect(result.anchor).toBe(anchor);
    expect(result.attributes).toEqual(expect.objectContaining({ lastName: ['Vance-Smith'], groups: ['sales', 'admins'] }));
    expect(result.attributes).not.toHaveProperty('email');
  });

  it('updates with PUT and the whole object (read first, deltas applied)', async () => {
    const put = connectorFor(server.url, { operations: { update: { url: '/users/{id}', method: 'PUT' } } });
    try {
      const added = await put.export(add('putter'));
      await put.export({
        kind: 'update',
        objectType: 'User',
        anchor: added.anchor,
        dn: added.dn,
        deltas: [{ attribute: 'firstName', op: 'replace', values: ['Pat'] }],
      });
      expect((await users()).find((u) => u.userName === 'putter')).toEqual({
        id: Number(added.anchor),
        userName: 'putter',
        firstName: 'Pat',
        lastName: 'Vance',
        email: 'putter@contoso.com',
        active: true,
        updatedAt: expect.any(Number),
      });
    } finally {
      await put.close();
    }
  });

  it("carries the application's message: 409 already taken, 422 required, 404 unknown", async () => {
    await expectConnectorError(connector.export(add('ADELE')), 'alreadyExists', /answered 409: userName ADELE is already taken/);
    await expectConnectorError(
      connector.export({ kind: 'add', objectType: 'User', attributes: { firstName: ['No'], userName: [] } }),
      'invalidValue',
      /answered 422: userName is required/,
    );
    await expectConnectorError(
      connector.export({ kind: 'update', objectType: 'User', anchor: '424242', dn: 'x', deltas: [{ attribute: 'lastName', op: 'replace', values: ['x'] }] }),
      'notFound',
    );
    await expectConnectorError(
      connector.export({ kind: 'update', objectType: 'User', anchor: '1', dn: 'x', deltas: [{ attribute: 'id', op: 'replace', values: [5] }] }),
      'schemaViolation',
      /read-only/,
    );
    expect((await users()).filter((u) => String(u.userName).toLowerCase() === 'adele')).toHaveLength(1);
  });

  it('deletes; a second delete is notFound', async () => {
    const added = await connector.export(add('deleteme'));
    await connector.export({ kind: 'delete', objectType: 'User', anchor: added.anchor, dn: added.dn });
    expect((await users()).some((u) => u.userName === 'deleteme')).toBe(false);
    await expectConnectorError(connector.export({ kind: 'delete', objectType: 'User', anchor: added.anchor, dn: added.dn }), 'notFound');
  });

  it('percent-encodes every value put into a URL: no path or query injection', async () => {
    const proxy = await startFaultProxy(server.url);
    const through = connectorFor(proxy.url);
    try {
      expect(await through.get('User', '../users')).toBeNull();
      expect(await through.get('User', '1?_embed=x')).toBeNull();
      expect(await through.get('User', '1/../2')).toBeNull();
      expect(proxy.requests.map((r) => r.path)).toEqual(['/users/..%2Fusers', '/users/1%3F_embed%3Dx', '/users/1%2F..%2F2']);
      // path navigation and empty segments are refused before anything is sent
      await expectConnectorError(through.get('User', '..'), 'invalidValue', /cannot name an object/);
      await expectConnectorError(through.get('User', ''), 'invalidValue', /needs a value/);
      expect(proxy.requests).toHaveLength(3);
      // a query value is one value: the find after a lost answer asks for a userName holding & and =
      const change = add('a&b=c d');
      proxy.inject({ method: 'POST', fault: { kind: 'malformed', body: 'lost' } });
      await expectConnectorError(through.export(change), 'unavailable');
      const recovered = await through.export(change);
      expect(proxy.requests.slice(-1)[0]!.path).toBe('/users?userName=a%26b%3Dc%20d');
      expect((await users()).filter((u) => u.userName === 'a&b=c d')).toEqual([expect.objectContaining({ id: Number(recovered.anchor) })]);
    } finally {
      await through.close();
      await proxy.stop();
    }
  });

  describe('full import, paging and delta import', () => {
    let paging: JsonServer;
    beforeAll(async () => {
      const rows = Array.from({ length: 7 }, (_, i) => ({ id: i + 1, userName: `u${i + 1}`, firstName: `F${i + 1}`, active: i % 2 === 0, updatedAt: 1000 + i }));
      paging = await startJsonServer({ db: { users: rows }, middlewares: [JSON_SERVER_APP_MIDDLEWARE] });
    });
    afterAll(async () => {
      await paging?.stop();
    });

    async function fullImport(ops: Record<string, unknown>, baseUrl = paging.url, pageSize = 3) {
      const c = connectorFor(baseUrl, { operations: ops });
      try {
        const pages = await collect(c.fullImport('User', { pageSize }));
        return pages;
      } finally {
        await c.close();
      }
    }

    it.each([
      ['page number', { type: 'page', pageParam: '_page', sizeParam: '_limit' }],
      ['offset', { type: 'offset', offsetParam: '_start', sizeParam: '_limit' }],
      ['Link header', { type: 'link', pageParam: '_page', sizeParam: '_limit' }],
    ])('reads every object in pages of 3 (%s paging)', async (_label, pagingSettings) => {
      const pages = await fullImport({ list: { url: '/users', paging: pagingSettings } });
      const anchors = pages.flatMap((p) => p.objects.map((o) => o.anchor));
      expect(anchors).toEqual(['1', '2', '3', '4', '5', '6', '7']);
      expect(pages.filter((p) => p.objects.length).map((p) => p.objects.length)).toEqual([3, 3, 1]);
      expect(pages[0]!.objects[0]).toEqual({ objectType: 'User', anchor: '1', dn: 'CN=1,OBJECT=USER', attributes: { id: [1], userName: ['u1'], firstName: ['F1'], active: [true], updatedAt: [1000] } });
    });

    it('reads every object with cursor paging (next cursor in the answer)', async () => {
      const proxy = await startFaultProxy(paging.url, { cursorEnvelope: /^\/users$/ });
      try {
        const pages = await fullImport(
          { list: { url: '/users', items: '/data', paging: { type: 'cursor', cursorParam: 'cursor', sizeParam: 'limit', nextCursor: '/next' } } },
          proxy.url,
        );
        expect(pages.flatMap((p) => p.objects.map((o) => o.anchor))).toEqual(['1', '2', '3', '4', '5', '6', '7']);
        expect(proxy.requests.map((r) => r.path)).toEqual(['/users?limit=3', '/users?limit=3&cursor=3', '/users?limit=3&cursor=6']);
      } finally {
        await proxy.stop();
      }
    });

    it('maps items and attributes with JSONPath', async () => {
      const proxy = await startFaultProxy(paging.url, { cursorEnvelope: /^\/users$/ });
      const c = new RestConnector(
        contextOf(
          { baseUrl: proxy.url },
          {
            anchor: 'id',
            target: {
              attributes: { id: { path: '$.id', type: 'integer' }, login: '$.userName', flags: { path: '$[active,firstName]', multiValued: true } },
              operations: { list: { url: '/users', items: '$.data[*]', paging: { type: 'cursor', cursorParam: 'cursor', sizeParam: 'limit', nextCursor: '$.next' } } },
            },
          },
        ),
      );
      try {
        const objects = (await collect(c.fullImport('User', { pageSize: 4 }))).flatMap((p) => p.objects);
        expect(objects.map((o) => o.anchor)).toEqual(['1', '2', '3', '4', '5', '6', '7']);
        expect(objects[1]!.attributes).toEqual({ id: [2], login: ['u2'], flags: ['false', 'F2'] });
      } finally {
        await c.close();
        await proxy.stop();
      }
    });

    it('a full import ends with a watermark; a delta import returns only what changed since', async () => {
      const c = connectorFor(paging.url);
      try {
        const full = await collect(c.fullImport('User', { pageSize: 3 }));
        const watermark = full[full.length - 1]!.watermark!;
        expect(Number(watermark)).toBeGreaterThan(1006);
        // another system changes u4 behind the host's back (the app stamps updatedAt)
        const response = await fetch(`${paging.url}/users/4`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ firstName: 'Changed' }) });
        expect(response.status).toBe(200);
        const delta = await collect(c.deltaImport('User', watermark, { pageSize: 3 }));
        const changes = delta.flatMap((p) => p.changes);
        expect(changes).toEqual([{ kind: 'upsert', object: expect.objectContaining({ anchor: '4', attributes: expect.objectContaining({ firstName: ['Changed'] }) }) }]);
        expect(Number(delta[delta.length - 1]!.watermark)).toBeGreaterThanOrEqual(Number(watermark));
        // an empty watermark asks for everything
        const all = await collect(c.deltaImport('User', '', { pageSize: 3 }));
        expect(all.flatMap((p) => p.changes)).toHaveLength(7);
      } finally {
        await c.close();
      }
    });

    it('fails an import whose answer is not a list of objects, or an object without its anchor', async () => {
      const proxy = await startFaultProxy(paging.url);
      const c = connectorFor(proxy.url);
      try {
        proxy.inject({ method: 'GET', fault: { kind: 'malformed', body: '<html>oops</html>' } });
        await expectConnectorError(collect(c.fullImport('User', { pageSize: 3 })), 'unavailable', /malformed body/);
        proxy.inject({ method: 'GET', fault: { kind: 'malformed', body: '[{"userName":"no-id"}]' } });
        await expectConnectorError(collect(c.fullImport('User', { pageSize: 3 })), 'unavailable', /has no id \(the anchor\)/);
        proxy.inject({ method: 'GET', fault: { kind: 'malformed', body: '"just text"' } });
        await expectConnectorError(collect(c.fullImport('User', { pageSize: 3 })), 'unavailable', /not a list of objects/);
      } finally {
        await c.close();
        await proxy.stop();
      }
    });
  });

  describe('authentication', () => {
    const cases: Array<[string, Parameters<typeof startFaultProxy>[1], Record<string, unknown>]> = [
      ['bearer', { auth: { type: 'bearer', token: 'bearer-secret-123' } }, { type: 'bearer', token: 'bearer-secret-123' }],
      ['basic', { auth: { type: 'basic', username: 'svc', password: 'basic-secret-123' } }, { type: 'basic', username: 'svc', password: 'basic-secret-123' }],
      ['apiKey', { auth: { type: 'apiKey', header: 'X-Api-Key', key: 'api-key-secret-123' } }, { type: 'apiKey', header: 'X-Api-Key', key: 'api-key-secret-123' }],
    ];

    it.each(cases)('%s: sends the credentials; wrong ones are permissionDenied', async (_label, proxyOptions, auth) => {
      const proxy = await startFaultProxy(server.url, proxyOptions);
      const good = connectorFor(proxy.url, { connection: { auth } });
      const wrongAuth = { ...auth, ...(auth.token ? { token: 'wrong-token' } : {}), ...(auth.password ? { password: 'wrong' } : {}), ...(auth.key ? { key: 'wrong' } : {}) };
      const wrong = connectorFor(proxy.url, { connection: { auth: wrongAuth } });
      try {
        await good.test();
        const error = await expectConnectorError(wrong.test(), 'permissionDenied', /answered 401/);
        expect(error.message).not.toMatch(/secret/);
      } finally {
        await good.close();
        await wrong.close();
        await proxy.stop();
      }
    });

    it('oauth2: one token for many calls, refreshed when it expires or is refused', async () => {
      const proxy = await startFaultProxy(server.url, { auth: { type: 'oauth2', clientId: 'host', clientSecret: 'client-secret-123', expiresInSeconds: 3600 } });
      const auth = { type: 'oauth2', tokenUrl: `${proxy.url}/oauth/token`, clientId: 'host', clientSecret: 'client-secret-123', scope: 'users' };
      const logger = new RecordingLogger();
      const c = connectorFor(proxy.url, { connection: { auth }, logger });
      try {
        await Promise.all([c.test(), c.test(), c.get('User', '1')]);
        expect(proxy.issuedTokens).toHaveLength(1);
        proxy.expireTokens();
        await c.test();
        expect(proxy.issuedTokens).toHaveLength(2);
        const outcomes = proxy.requests.map((r) => r.outcome);
        expect(outcomes.filter((o) => o === 'unauthorized')).toHaveLength(1);
        const bad = connectorFor(proxy.url, { connection: { auth: { ...auth, clientSecret: 'wrong-secret' } } });
        const error = await expectConnectorError(bad.test(), 'permissionDenied', /invalid_client|unknown client/);
        expect(error.message).not.toContain('wrong-secret');
        await bad.close();
        expect(logger.text()).not.toMatch(/client-secret-123|Bearer /);
      } finally {
        await c.close();
        await proxy.stop();
      }
    });
  });

  describe('failure paths', () => {
    let proxy: FaultProxy;
    let c: RestConnector;
    beforeAll(async () => {
      proxy = await startFaultProxy(server.url);
      c = connectorFor(proxy.url, { connection: { timeoutMs: 1500 } });
    });
    afterAll(async () => {
      await c?.close();
      await proxy?.stop();
    });
    afterEach(() => proxy.clearFaults());

    it('429 with Retry-After is retryable busy and carries the wait', async () => {
      proxy.inject({ method: 'POST', fault: { kind: 'answer', answer: { status: 429, headers: { 'retry-after': '2' }, body: '{"message":"slow down"}' } } });
      const error = await expectConnectorError(c.export(add('throttled')), 'busy', /429: slow down/);
      expect(error.retryable).toBe(true);
      expect(error.retryAfterMs).toBe(2000);
    });

    it('500 and 503 are retryable unavailable', async () => {
      proxy.inject({ method: 'GET', fault: { kind: 'answer', answer: { status: 500, body: 'Internal Server Error' } } });
      expect((await expectConnectorError(c.get('User', '1'), 'unavailable', /answered 500: Internal Server Error/)).retryable).toBe(true);
      proxy.inject({ method: 'GET', fault: { kind: 'answer', answer: { status: 503, headers: { 'retry-after': 'Wed, 21 Oct 2099 07:28:00 GMT' } } } });
      expect((await expectConnectorError(c.get('User', '1'), 'unavailable')).retryAfterMs).toBe(3_600_000);
    });

    it('a slow answer past the timeout is a retryable timeout', async () => {
      proxy.inject({ method: 'GET', fault: { kind: 'slow', delayMs: 4000 } });
      expect((await expectConnectorError(c.get('User', '1'), 'timeout', /no answer in time/)).retryable).toBe(true);
    });

    it('an add whose answer was lost is found by the retry, not sent twice', async () => {
      const change = add('lostanswer');
      const postsBefore = proxy.requests.filter((r) => r.method === 'POST').length;
      proxy.inject({ method: 'POST', fault: { kind: 'malformed', body: '<<garbage' } });
      await expectConnectorError(c.export(change), 'unavailable', /malformed body/);
      expect((await users()).filter((u) => u.userName === 'lostanswer')).toHaveLength(1);
      // the host retries the same change: the connector looks it up first
      const result = await c.export(change);
      expect((await users()).filter((u) => u.userName === 'lostanswer')).toHaveLength(1);
      expect(result.anchor).toBe(String((await users()).find((u) => u.userName === 'lostanswer')!.id));
      expect(proxy.requests.filter((r) => r.method === 'POST').length - postsBefore).toBe(1);
      expect(proxy.requests.slice(-1)[0]).toEqual(expect.objectContaining({ method: 'GET', path: '/users?userName=lostanswer' }));
    });

    it('an add that timed out after the target created it is found by the retry', async () => {
      const change = add('slowcreate');
      proxy.inject({ method: 'POST', fault: { kind: 'slow', delayMs: 4000 } });
      await expectConnectorError(c.export(change), 'timeout');
      const result = await c.export(change);
      expect((await users()).filter((u) => u.userName === 'slowcreate')).toHaveLength(1);
      expect(result.anchor).toBe(String((await users()).find((u) => u.userName === 'slowcreate')!.id));
    });

    it('a delete whose answer was cut off counts as done when the retry finds nothing', async () => {
      const added = await c.export(add('cutoff'));
      const change: ExportChange = { kind: 'delete', objectType: 'User', anchor: added.anchor, dn: added.dn };
      proxy.inject({ method: 'DELETE', fault: { kind: 'reset' } });
      await expectConnectorError(c.export(change), 'unavailable');
      await expect(c.export(change)).resolves.toEqual({ anchor: added.anchor, dn: added.dn });
      expect((await users()).some((u) => u.userName === 'cutoff')).toBe(false);
    });

    it('a target that is down is retryable unavailable', async () => {
      const down = await startJsonServer();
      const url = down.url;
      await down.stop();
      const c2 = connectorFor(url);
      try {
        expect((await expectConnectorError(c2.test(), 'unavailable', /ECONNREFUSED/)).retryable).toBe(true);
      } finally {
        await c2.close();
      }
    });
  });

  it('https: trusts the CA in connection.caFile, refuses an unknown certificate', async () => {
    const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
      keySize: 2048,
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
    });
    const temp = createTempDir('connector-host-rest-tls-');
    const caFile = join(temp.path, 'ca.pem');
    writeFileSync(caFile, pems.cert);
    const tls = await startFaultProxy(server.url, { tls: { key: pems.private, cert: pems.cert } });
    const trusting = connectorFor(tls.url, { connection: { caFile } });
    const untrusting = connectorFor(tls.url);
    const careless = connectorFor(tls.url, { connection: { tls: { rejectUnauthorized: false } } });
    try {
      expect(tls.url).toMatch(/^https:/);
      await trusting.test();
      await careless.test();
      const error = await expectConnectorError(untrusting.test(), 'unavailable', /TLS failed/);
      expect(error.retryable).toBe(true);
      expect(tls.requests.length).toBe(2);
    } finally {
      await Promise.all([trusting.close(), untrusting.close(), careless.close()]);
      await tls.stop();
      temp.remove();
    }
  });

  it('discovers attribute types from an OpenAPI document (YAML file)', async () => {
    const c = new RestConnector(
      contextOf(
        { baseUrl: server.url, openApiFile: join(__dirname, '..', 'testing', 'fixtures', 'users.openapi.yaml') },
        { anchor: 'id', target: { schema: { openApi: 'User' }, operations: operations() } },
      ),
    );
    try {
      const [user] = (await c.discoverSchema()).objectTypes;
      const byName = Object.fromEntries(user!.attributes.map((a) => [a.name, a]));
      expect(Object.keys(byName).sort()).toEqual(['active', 'email', 'firstName', 'groups', 'id', 'lastName', 'manager_id', 'updatedAt', 'userName']);
      expect(byName.id).toEqual(expect.objectContaining({ type: 'integer', readOnly: true }));
      expect(byName.userName).toEqual(expect.objectContaining({ type: 'string', required: true }));
      expect(byName.groups).toEqual(expect.objectContaining({ multiValued: true }));
      expect(byName.updatedAt).toEqual(expect.objectContaining({ type: 'integer', readOnly: true }));
      expect(byName.manager_id).toEqual(expect.objectContaining({ type: 'string' }));
      // the discovered attributes work end to end
      const added = await c.export({ kind: 'add', objectType: 'User', attributes: { userName: ['openapi'], manager_id: ['42'] } });
      expect((await users()).find((u) => u.userName === 'openapi')).toEqual(expect.objectContaining({ manager: { id: '42' } }));
      expect(added.attributes).toEqual(expect.objectContaining({ manager_id: ['42'] }));
    } finally {
      await c.close();
    }
  });
});
