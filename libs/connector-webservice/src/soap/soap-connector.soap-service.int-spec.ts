/**
 * The soap connector against the SOAP test service (built with the soap package from the WSDL in
 * libs/testing/fixtures/soap-users, run as its own process, WS-Security UsernameToken checked).
 * Every check reads the service's own store afterwards.
 */
import { ConnectorError, type ExportChange } from '@connector-host/connector-sdk';
import { SOAP_USERS_WSDL, startFaultProxy, startSoapUsersService, type FaultProxy, type SoapUsersService } from '@connector-host/testing';
import { SoapConnector } from './soap.connector';
import { collect, contextOf, RecordingLogger } from '../testing/connector-context';

const USER_FIELDS = { userName: '{userName}', givenName: '{givenName}', familyName: '{familyName}', email: '{email}', active: '{active}', employeeNumber: '{employeeNumber}', role: '{role}' };
const OPERATIONS = {
  list: {
    operation: 'ListUsers',
    request: { offset: '{$offset}', limit: '{$pageSize}', changedSince: '{$since}' },
    items: '/users/user',
    paging: { type: 'offset' },
    since: { format: 'iso', overlapSeconds: 0 },
  },
  get: { operation: 'GetUser', request: { userName: '{$anchor}' }, response: '/user' },
  create: { operation: 'AddUser', request: { user: USER_FIELDS }, response: '/user' },
  update: { operation: 'UpdateUser', request: { userName: '{$anchor}', changes: USER_FIELDS }, response: '/user' },
  delete: { operation: 'DeleteUser', request: { userName: '{$anchor}' } },
};
const FAULTS = [
  { match: 'UserNotFound', reason: 'notFound' },
  { match: 'UserExists', reason: 'alreadyExists' },
];
const CREDENTIALS = { username: 'svc-host', password: 'ws-secret-password-1' };

async function expectConnectorError(promise: Promise<unknown>, reason: string, message?: RegExp): Promise<ConnectorError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConnectorError);
  expect({ reason: (error as ConnectorError).reason, message: (error as ConnectorError).message }).toEqual({ reason, message: message ? expect.stringMatching(message) : expect.any(String) });
  return error as ConnectorError;
}

describe('soap connector against the SOAP test service', () => {
  let service: SoapUsersService;
  let connector: SoapConnector;
  const make = (connection: Record<string, unknown> = {}, target: Record<string, unknown> = {}, logger?: RecordingLogger) =>
    new SoapConnector(
      contextOf(
        { wsdlUrl: `${service.endpoint}?wsdl`, endpoint: service.endpoint, wsSecurity: { ...CREDENTIALS, passwordType: 'PasswordDigest' }, faults: FAULTS, timeoutMs: 5000, ...connection },
        { anchor: 'userName', target: { operations: OPERATIONS, ...target } },
        logger,
      ),
    );
  const stored = (userName: string) => service.users().find((u) => u.userName === userName);
  const add = (userName: string, more: Record<string, unknown[]> = {}): ExportChange => ({
    kind: 'add',
    objectType: 'User',
    attributes: { userName: [userName], givenName: ['Adele'], familyName: ['Vance'], email: [`${userName}@contoso.com`], active: [true], employeeNumber: [1001], role: ['staff'], ...more },
  });

  beforeAll(async () => {
    service = await startSoapUsersService(CREDENTIALS);
    connector = make();
  });
  afterAll(async () => {
    await connector?.close();
    await service?.stop();
  });

  it('discovers typed attributes from the WSDL (soap describe())', async () => {
    await connector.test();
    const [user] = (await connector.discoverSchema()).objectTypes;
    expect(user).toEqual(expect.objectContaining({ name: 'User', targetName: 'GetUser', anchor: 'userName' }));
    const byName = Object.fromEntries(user!.attributes.map((a) => [a.name, a]));
    expect(Object.keys(byName).sort()).toEqual(['active', 'changedAt', 'email', 'employeeNumber', 'familyName', 'givenName', 'role', 'userName']);
    expect(byName.active).toEqual(expect.objectContaining({ type: 'boolean', multiValued: false }));
    expect(byName.employeeNumber).toEqual(expect.objectContaining({ type: 'integer' }));
    expect(byName.role).toEqual(expect.objectContaining({ type: 'string', multiValued: true }));
    expect(byName.changedAt).toEqual(expect.objectContaining({ type: 'dateTime' }));
  });

  it('adds through AddUser with a WS-Security digest token', async () => {
    const result = await connector.export(add('adele', { role: ['staff', 'sales'] }));
    expect(stored('adele')).toEqual({
      userName: 'adele',
      givenName: 'Adele',
      familyName: 'Vance',
      email: 'adele@contoso.com',
      active: true,
      employeeNumber: 1001,
      role: ['staff', 'sales'],
      changedAt: expect.any(String),
    });
    expect(result).toEqual({
      anchor: 'adele',
      dn: 'CN=adele,OBJECT=USER',
      attributes: expect.objectContaining({ userName: ['adele'], active: [true], employeeNumber: [1001], role: ['staff', 'sales'], changedAt: [expect.any(String)] }),
    });
    expect(await connector.get('User', 'adele')).toEqual(expect.objectContaining({ anchor: 'adele', attributes: expect.objectContaining({ familyName: ['Vance'] }) }));
    expect(await connector.get('User', 'nobody')).toBeNull();
  });

  it('updates only the changed fields; a cleared field is sent as xsi:nil; a new userName renames', async () => {
    const result = await connector.export({
      kind: 'update',
      objectType: 'User',
      anchor: 'adele',
      dn: 'CN=adele,OBJECT=USER',
      deltas: [
        { attribute: 'familyName', op: 'replace', values: ['Vance-Smith'] },
        { attribute: 'email', op: 'replace', values: [] },
        { attribute: 'role', op: 'remove', values: ['staff'] },
        { attribute: 'role', op: 'add', values: ['admins'] },
      ],
    });
    expect(stored('adele')).toEqual(expect.objectContaining({ familyName: 'Vance-Smith', email: null, role: ['sales', 'admins'], givenName: 'Adele', employeeNumber: 1001 }));
    expect(result.attributes).toEqual(expect.objectContaining({ familyName: ['Vance-Smith'], role: ['sales', 'admins'] }));
    expect(result.attributes).not.toHaveProperty('email');

    const renamed = await connector.export({ kind: 'update', objectType: 'User', anchor: 'adele', dn: 'x', deltas: [{ attribute: 'userName', op: 'replace', values: ['adele.vance'] }] });
    expect(renamed.anchor).toBe('adele.vance');
    expect(stored('adele')).toBeUndefined();
    expect(stored('adele.vance')).toEqual(expect.objectContaining({ familyName: 'Vance-Smith' }));
  });

  it('classifies faults: configured rules, else Client = invalidValue', async () => {
    await expectConnectorError(connector.export(add('ADELE.VANCE')), 'alreadyExists', /fault soap:Client: UserExists: userName ADELE.VANCE is already taken/);
    await expectConnectorError(connector.export({ kind: 'add', objectType: 'User', attributes: { givenName: ['No'] } }), 'invalidValue', /InvalidUser: userName is required/);
    await expectConnectorError(
      connector.export({ kind: 'update', objectType: 'User', anchor: 'ghost', dn: 'x', deltas: [{ attribute: 'givenName', op: 'replace', values: ['x'] }] }),
      'notFound',
      /UserNotFound/,
    );
    expect(service.users().filter((u) => u.userName.toLowerCase() === 'adele.vance')).toHaveLength(1);
  });

  it('deletes; a second delete is notFound', async () => {
    await connector.export(add('deleteme'));
    await connector.export({ kind: 'delete', objectType: 'User', anchor: 'deleteme', dn: 'x' });
    expect(stored('deleteme')).toBeUndefined();
    await expectConnectorError(connector.export({ kind: 'delete', objectType: 'User', anchor: 'deleteme', dn: 'x' }), 'notFound');
  });

  it('full import with offset paging; delta import with changedSince', async () => {
    for (const name of ['p1', 'p2', 'p3', 'p4']) await connector.export(add(name));
    const pages = await collect(connector.fullImport('User', { pageSize: 2 }));
    expect(pages.filter((p) => p.objects.length).map((p) => p.objects.map((o) => o.anchor))).toEqual([['adele.vance', 'p1'], ['p2', 'p3'], ['p4']]);
    const watermark = pages[pages.length - 1]!.watermark!;
    expect(new Date(watermark).toISOString()).toBe(watermark);
    await connector.export({ kind: 'update', objectType: 'User', anchor: 'p2', dn: 'x', deltas: [{ attribute: 'givenName', op: 'replace', values: ['Changed'] }] });
    const delta = await collect(connector.deltaImport('User', watermark, { pageSize: 2 }));
    expect(delta.flatMap((p) => p.changes)).toEqual([{ kind: 'upsert', object: expect.objectContaining({ anchor: 'p2', attributes: expect.objectContaining({ givenName: ['Changed'] }) }) }]);
  });

  it('WS-Security: PasswordText works; a wrong password is permissionDenied and never shown', async () => {
    const text = make({ wsSecurity: { ...CREDENTIALS, passwordType: 'PasswordText' } });
    const logger = new RecordingLogger();
    const wrong = make({ wsSecurity: { username: CREDENTIALS.username, password: 'wrong-password-999' } }, {}, logger);
    const none = make({ wsSecurity: undefined });
    try {
      await text.test();
      const error = await expectConnectorError(wrong.test(), 'permissionDenied', /401.*AuthenticationFailure/);
      expect(error.message).not.toContain('wrong-password-999');
      await expectConnectorError(none.test(), 'permissionDenied');
      expect(logger.text()).not.toContain('wrong-password-999');
    } finally {
      await Promise.all([text.close(), wrong.close(), none.close()]);
    }
  });

  it('reads the WSDL from a file', async () => {
    const fromFile = make({ wsdlUrl: undefined, wsdlFile: SOAP_USERS_WSDL });
    try {
      expect(await fromFile.get('User', 'p1')).toEqual(expect.objectContaining({ anchor: 'p1' }));
    } finally {
      await fromFile.close();
    }
  });

  describe('failure paths', () => {
    let proxy: FaultProxy;
    let through: SoapConnector;
    beforeAll(async () => {
      proxy = await startFaultProxy(service.url);
      through = make({ endpoint: `${proxy.url}/users`, timeoutMs: 1500 });
    });
    afterEach(() => proxy.clearFaults());
    afterAll(async () => {
      await through?.close();
      await proxy?.stop();
    });

    it('429 and 503 with Retry-After are retryable and carry the wait', async () => {
      proxy.inject({ method: 'POST', fault: { kind: 'answer', answer: { status: 429, headers: { 'retry-after': '4' } } } });
      const busy = await expectConnectorError(through.get('User', 'p1'), 'busy', /answered 429/);
      expect(busy.retryAfterMs).toBe(4000);
      proxy.inject({ method: 'POST', fault: { kind: 'answer', answer: { status: 503, headers: { 'retry-after': '2' }, body: 'maintenance' } } });
      expect((await expectConnectorError(through.get('User', 'p1'), 'unavailable', /503/)).retryAfterMs).toBe(2000);
    });

    it('a Server fault is retryable; a 500 without a fault too', async () => {
      const serverFault = '<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault><faultcode>soap:Server</faultcode><faultstring>database unavailable</faultstring></soap:Fault></soap:Body></soap:Envelope>';
      proxy.inject({ method: 'POST', fault: { kind: 'answer', answer: { status: 500, headers: { 'content-type': 'text/xml' }, body: serverFault } } });
      expect((await expectConnectorError(through.get('User', 'p1'), 'unavailable', /soap:Server: database unavailable/)).retryable).toBe(true);
      proxy.inject({ method: 'POST', fault: { kind: 'answer', answer: { status: 500, body: 'Internal Server Error' } } });
      expect((await expectConnectorError(through.get('User', 'p1'), 'unavailable', /500/)).retryable).toBe(true);
    });

    it('a slow answer is a retryable timeout; a malformed one is unavailable', async () => {
      proxy.inject({ method: 'POST', fault: { kind: 'slow', delayMs: 4000 } });
      await expectConnectorError(through.get('User', 'p1'), 'timeout');
      proxy.inject({ method: 'POST', fault: { kind: 'malformed', body: 'this is not xml' } });
      await expectConnectorError(through.get('User', 'p1'), 'unavailable');
    });

    it('an add whose answer was lost is found by its userName, not sent twice', async () => {
      const change = add('lostsoap');
      proxy.inject({ method: 'POST', fault: { kind: 'malformed', body: '<oops' } });
      await expectConnectorError(through.export(change), 'unavailable');
      await expect(through.export(change)).resolves.toEqual(expect.objectContaining({ anchor: 'lostsoap' }));
      expect(service.users().filter((u) => u.userName === 'lostsoap')).toHaveLength(1);
    });

    it('the service down is retryable unavailable', async () => {
      const dead = make({ endpoint: 'http://127.0.0.1:9/users', timeoutMs: 1500 });
      try {
        expect((await expectConnectorError(dead.get('User', 'p1'), 'unavailable', /ECONNREFUSED/)).retryable).toBe(true);
      } finally {
        await dead.close();
      }
    });
  });
});
