/**
 * The scim connector against a real SCIM 2.0 service: a second Connector Host with its SQLite
 * Employees table, started in this process. Checks read the target's table afterwards; a proxy in
 * front of it records what the connector sent and plays the failure paths.
 */
import { ConnectorError, type ExportChange } from '@connector-host/connector-sdk';
import { startFaultProxy, type FaultProxy } from '@connector-host/testing';
import { ScimConnector } from './scim.connector';
import { collect, contextOf } from '../testing/connector-context';
import { startScimTargetHost, type ScimTargetHost } from '../testing/scim-target-host';

const ECMA = 'urn:ietf:params:scim:schemas:extension:ECMA2Host:2.0:User';

async function expectConnectorError(promise: Promise<unknown>, reason: string, message?: RegExp): Promise<ConnectorError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConnectorError);
  expect({ reason: (error as ConnectorError).reason, message: (error as ConnectorError).message }).toEqual({ reason, message: message ? expect.stringMatching(message) : expect.any(String) });
  return error as ConnectorError;
}

describe('scim connector against a second Connector Host', () => {
  let target: ScimTargetHost;
  let proxy: FaultProxy;
  let connector: ScimConnector;
  const make = (target_: Record<string, unknown> = {}, connection: Record<string, unknown> = {}, anchor = 'id') =>
    new ScimConnector(
      contextOf(
        { baseUrl: proxy.url + '/ecma2host_app/scim', auth: { type: 'bearer', token: target.token }, timeoutMs: 10000, ...connection },
        { anchor, target: target_ },
      ),
    );
  const row = (login: string) => target.table().find((r) => r.ContosoLogin === login);
  const add = (login: string): ExportChange => ({
    kind: 'add',
    objectType: 'User',
    attributes: { userName: [login], name_givenName: ['Adele'], name_familyName: ['Vance'], emails_work: [`${login}@contoso.com`], externalId: [`aad-${login}`], active: [true], id: [] },
  });

  beforeAll(async () => {
    target = await startScimTargetHost();
    proxy = await startFaultProxy(new URL(target.scimUrl).origin);
    connector = make();
  });
  afterEach(() => proxy.clearFaults());
  afterAll(async () => {
    await connector?.close();
    await proxy?.stop();
    await target?.close();
  });

  it("discovers flat attributes from the target's /Schemas and /ResourceTypes", async () => {
    await connector.test();
    const [user] = (await connector.discoverSchema()).objectTypes;
    expect(user).toEqual(expect.objectContaining({ name: 'User', targetName: '/Users', anchor: 'id' }));
    const byName = Object.fromEntries(user!.attributes.map((a) => [a.name, a]));
    expect(byName.id).toEqual(expect.objectContaining({ type: 'string', readOnly: true }));
    expect(byName.userName).toEqual(expect.objectContaining({ type: 'string', required: true }));
    expect(byName.name_givenName).toEqual(expect.objectContaining({ type: 'string', multiValued: false }));
    expect(byName.emails_work).toEqual(expect.objectContaining({ type: 'string', multiValued: false }));
    expect(byName.active).toEqual(expect.objectContaining({ type: 'boolean' }));
    // the target's own extension attributes are there too
    expect(byName.ContosoLogin).toEqual(expect.objectContaining({ type: 'string' }));
    expect(byName.Enabled).toEqual(expect.objectContaining({ type: 'boolean' }));
    expect(byName).not.toHaveProperty('password');
  });

  it('adds: POSTs a structured SCIM resource; the target id becomes the anchor', async () => {
    const result = await connector.export(add('adele'));
    expect(row('adele')).toEqual({ ContosoLogin: 'adele', FirstName: 'Adele', LastName: 'Vance', Email: 'adele@contoso.com', AzureID: 'aad-adele', textID: null, Enabled: 1 });
    expect(result).toEqual({ anchor: 'adele', dn: 'CN=adele,OBJECT=USER', attributes: expect.objectContaining({ id: ['adele'], userName: ['adele'], emails_work: ['adele@contoso.com'], active: [true] }) });
    const post = proxy.requests.find((r) => r.method === 'POST')!;
    expect(JSON.parse(post.body)).toEqual({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'adele',
      name: { givenName: 'Adele', familyName: 'Vance' },
      emails: [{ type: 'work', value: 'adele@contoso.com' }],
      externalId: 'aad-adele',
      active: true,
    });
    expect(await connector.get('User', 'adele')).toEqual(expect.objectContaining({ anchor: 'adele', attributes: expect.objectContaining({ name_familyName: ['Vance'] }) }));
    expect(await connector.get('User', 'nobody')).toBeNull();
  });

  it('updates with PATCH and value-level operations', async () => {
    const before = proxy.requests.length;
    const result = await connector.export({
      kind: 'update',
      objectType: 'User',
      anchor: 'adele',
      dn: 'CN=adele,OBJECT=USER',
      deltas: [
        { attribute: 'name_familyName', op: 'replace', values: ['Vance-Smith'] },
        { attribute: 'emails_work', op: 'replace', values: [] },
        { attribute: 'textID', op: 'replace', values: ['1001'] },
      ],
    });
    expect(row('adele')).toEqual(expect.objectContaining({ LastName: 'Vance-Smith', Email: null, textID: '1001', FirstName: 'Adele' }));
    const patch = proxy.requests.slice(before).find((r) => r.method === 'PATCH')!;
    expect(patch.path).toBe('/ecma2host_app/scim/Users/adele');
    expect(JSON.parse(patch.body)).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [
        { op: 'replace', path: 'name.familyName', value: 'Vance-Smith' },
        { op: 'remove', path: 'emails[type eq "work"]' },
        { op: 'replace', path: `${ECMA}:textID`, value: '1001' },
      ],
    });
    expect(result.attributes).toEqual(expect.objectContaining({ name_familyName: ['Vance-Smith'], textID: ['1001'] }));
  });

  it('updates with PUT of the whole resource when configured', async () => {
    const put = make({ update: 'put' });
    try {
      // the whole resource as read, one value changed (the target's own extension attribute)
      await put.export({ kind: 'update', objectType: 'User', anchor: 'adele', dn: 'x', deltas: [{ attribute: 'FirstName', op: 'replace', values: ['Adela'] }] });
      expect(row('adele')).toEqual(expect.objectContaining({ FirstName: 'Adela', LastName: 'Vance-Smith', textID: '1001', AzureID: 'aad-adele' }));
      expect(proxy.requests.filter((r) => r.method === 'PUT')).toHaveLength(1);
    } finally {
      await put.close();
    }
  });

  it("carries the target's SCIM errors: 409 uniqueness, 404, 400 invalidValue", async () => {
    await expectConnectorError(connector.export(add('ADELE')), 'alreadyExists', /answered 409 \(uniqueness\)/);
    await expectConnectorError(
      connector.export({ kind: 'update', objectType: 'User', anchor: 'ghost', dn: 'x', deltas: [{ attribute: 'title', op: 'replace', values: ['x'] }] }),
      'notFound',
    );
    await expectConnectorError(
      connector.export({ kind: 'add', objectType: 'User', attributes: { userName: ['badbool'], Enabled: ['maybe'] } }),
      'invalidValue',
      /answered 400 \(invalidValue\)/,
    );
    expect(row('badbool')).toBeUndefined();
    await expectConnectorError(connector.export({ kind: 'update', objectType: 'User', anchor: 'adele', dn: 'x', deltas: [{ attribute: 'id', op: 'replace', values: ['x'] }] }), 'schemaViolation', /read-only/);
  });

  it('reads everything in pages (startIndex / count)', async () => {
    for (const login of ['b1', 'b2', 'b3', 'b4']) await connector.export(add(login));
    const c = make({ pageSize: 2 });
    try {
      const pages = await collect(c.fullImport('User', { pageSize: 100 }));
      expect(pages.flatMap((p) => p.objects.map((o) => o.anchor)).sort()).toEqual(['adele', 'b1', 'b2', 'b3', 'b4']);
      expect(pages.filter((p) => p.objects.length).map((p) => p.objects.length)).toEqual([2, 2, 1]);
    } finally {
      await c.close();
    }
  });

  it('finds by a filter on a non-id anchor, with the value escaped (no filter injection)', async () => {
    const byUserName = make({}, {}, 'userName');
    try {
      expect(await byUserName.get('User', 'B1')).toEqual(expect.objectContaining({ anchor: 'b1' }));
      expect(await byUserName.get('User', 'x" or userName pr "')).toBeNull();
      const last = proxy.requests[proxy.requests.length - 1]!;
      expect(new URL(last.path, 'http://x').searchParams.get('filter')).toBe('userName eq "x\\" or userName pr \\""');
      await byUserName.export({ kind: 'delete', objectType: 'User', anchor: 'b4', dn: 'x' });
      expect(row('b4')).toBeUndefined();
    } finally {
      await byUserName.close();
    }
  });

  it('deletes; a second delete is notFound', async () => {
    await connector.export({ kind: 'delete', objectType: 'User', anchor: 'b3', dn: 'x' });
    expect(row('b3')).toBeUndefined();
    await expectConnectorError(connector.export({ kind: 'delete', objectType: 'User', anchor: 'b3', dn: 'x' }), 'notFound');
  });

  it('a wrong token is permissionDenied; the token never shows in the error', async () => {
    const wrong = make({}, { auth: { type: 'bearer', token: 'wrong-token-123456' } });
    try {
      const error = await expectConnectorError(wrong.test(), 'permissionDenied', /401/);
      expect(error.message).not.toContain('wrong-token-123456');
    } finally {
      await wrong.close();
    }
  });

  it('429 with Retry-After and 503 are retryable; a malformed list fails the import', async () => {
    proxy.inject({ method: 'POST', fault: { kind: 'answer', answer: { status: 429, headers: { 'retry-after': '3' } } } });
    const busy = await expectConnectorError(connector.export(add('throttled')), 'busy');
    expect(busy.retryAfterMs).toBe(3000);
    proxy.inject({ method: 'GET', fault: { kind: 'answer', answer: { status: 503, body: '{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"503","detail":"down for maintenance"}' } } });
    await expectConnectorError(connector.get('User', 'adele'), 'unavailable', /down for maintenance/);
    proxy.inject({ method: 'GET', path: /startIndex/, fault: { kind: 'malformed', body: '{"Resources": "nope"}' } });
    await expectConnectorError(collect(connector.fullImport('User', { pageSize: 10 })), 'unavailable', /not a SCIM ListResponse/);
  });

  it('an add whose answer was lost is looked up by userName, not sent twice', async () => {
    const change = add('lost');
    proxy.inject({ method: 'POST', fault: { kind: 'malformed', body: '<html>' } });
    await expectConnectorError(connector.export(change), 'unavailable', /malformed/);
    const result = await connector.export(change);
    expect(result.anchor).toBe('lost');
    expect(target.table().filter((r) => r.ContosoLogin === 'lost')).toHaveLength(1);
    expect(proxy.requests.filter((r) => r.method === 'POST' && r.body.includes('"lost"'))).toHaveLength(1);
  });
});
