/**
 * Issue 11 item 3: a create without a value for a matching attribute (queryAttributes) is 400
 * invalidValue naming it, refused at the HTTP edge (no export job, so no provisioning log entry)
 * and nothing is written, on every connector type: SQL (SQLite demo), LDAP (examples/openldap.yaml
 * on slapd), REST (examples/rest-json-server.yaml on a plain json-server, which accepted such a
 * POST with 201), SOAP (examples/soap.yaml) and SCIM (examples/scim-target.yaml, in front of the
 * SQL host). Each target's own contents are read afterwards.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'ldapts';
import { startJsonServer, startSlapd, startSoapUsersService, type JsonServer, type SlapdServer, type SoapUsersService } from '@connector-host/testing';
import { ldapEnv } from './support/ldap';
import { CORE_USER_URN, E2eHost, ECMA_USER_URN, expectScimError, expectStatus } from './support/host';

const example = (name: string): string => readFileSync(join(__dirname, '..', 'examples', name), 'utf8');
/** The connector blocks of an example, below its `connectors:` line. */
const connectorsOf = (text: string): string => text.slice(text.search(/^connectors:[ \t]*$/m)).replace(/^connectors:[ \t]*\n/, '');
const SOAP_CREDENTIALS = { username: 'host-svc', password: 'ws-password-e2e-1' };

/** What Entra would send, less the matching attribute (userName / uid). */
const withoutUserName = {
  schemas: [CORE_USER_URN, ECMA_USER_URN],
  externalId: 'aad-orphan',
  active: true,
  name: { givenName: 'Orphan', familyName: 'Nobody' },
  displayName: 'Orphan Nobody',
  emails: [{ type: 'work', value: 'orphan@contoso.com', primary: true }],
  [ECMA_USER_URN]: { cn: 'Orphan Nobody', sn: 'Nobody' },
};

describe('a create without its matching attribute is refused at the edge, on every connector type', () => {
  let sql: E2eHost;
  let host: E2eHost;
  let json: JsonServer;
  let soap: SoapUsersService;
  let slapd: SlapdServer;
  let admin: Client;

  beforeAll(async () => {
    [sql, json, soap, slapd] = await Promise.all([
      E2eHost.start({ connectors: ['target'] }),
      startJsonServer({ db: { users: [] } }),
      startSoapUsersService(SOAP_CREDENTIALS),
      startSlapd(),
    ]);
    admin = new Client({ url: slapd.url, timeout: 20000 });
    await admin.bind(slapd.bindDn, slapd.bindPassword);
    const rest = connectorsOf(example('rest-json-server.yaml')).replace('http://127.0.0.1:3000', json.url);
    const soapYaml = connectorsOf(example('soap.yaml'))
      .replace('wsdlUrl: http://127.0.0.1:8080/users?wsdl', `wsdlUrl: ${soap.endpoint}?wsdl`)
      .replace('endpoint: http://127.0.0.1:8080/users', `endpoint: ${soap.endpoint}`);
    const scimYaml = connectorsOf(example('scim-target.yaml'))
      .replace(/^ {2}app:$/m, '  proxied:')
      .replace('${APP_SECRET_TOKEN}', '${PROXIED_SECRET_TOKEN}')
      .replace('https://scim.example.com/scim/v2', `${sql.url}/ecma2host_target/scim`);
    const ldap = connectorsOf(example('openldap.yaml'));
    host = await E2eHost.start({
      connectors: ['app', 'erp', 'proxied', 'openldap'],
      connectorsYaml: {
        text: `connectors:\n${rest}\n${soapYaml}\n${scimYaml}\n${ldap}\n`,
        env: {
          APP_API_TOKEN: 'app-api-token-123',
          ERP_WS_USERNAME: SOAP_CREDENTIALS.username,
          ERP_WS_PASSWORD: SOAP_CREDENTIALS.password,
          APP_SCIM_TOKEN: sql.tokenOf('target'),
          ...ldapEnv(slapd),
        },
      },
    });
  });
  afterAll(async () => {
    await admin?.unbind().catch(() => undefined);
    await host?.close();
    await sql?.close();
    await Promise.all([json?.stop(), soap?.stop(), slapd?.stop()]);
  });

  /** POST without the matching attribute: 400 invalidValue naming it, and no export job ran (none logged). */
  async function refused(client: E2eHost, connector: string, named: RegExp): Promise<void> {
    const response = await client.scim(connector).post('/Users', withoutUserName);
    expectScimError(response, 400, 'invalidValue');
    expect(response.body.detail).toMatch(named);
    expect(response.body.detail).toMatch(/matching attribute/);
    const log = await client.provisioningLog(connector, { operation: 'create' });
    expectStatus(log, 200);
    expect(log.body.entries).toEqual([]);
  }

  it('SQL (SQLite Employees): names userName / ContosoLogin; no row', async () => {
    await refused(sql, 'target', /userName .*ContosoLogin/);
    expect(sql.table('target')).toEqual([]);
  });

  it('REST (json-server, which would take it): names userName; json-server holds no user', async () => {
    await refused(host, 'app', /userName/);
    expect((await json.read()).users).toEqual([]);
  });

  it('SOAP: names userName; the service stores no user', async () => {
    await refused(host, 'erp', /userName/);
    expect(soap.users()).toEqual([]);
  });

  it('SCIM target (a second host): names userName; the target host holds no row', async () => {
    await refused(host, 'proxied', /userName/);
    expect(sql.table('target')).toEqual([]);
  });

  it('LDAP (examples/openldap.yaml): names userName / uid; no entry under ou=People', async () => {
    await refused(host, 'openldap', /userName .*ECMA2Host:2\.0:User:uid/);
    const { searchEntries } = await admin.search(slapd.peopleDn, { scope: 'one', filter: '(objectClass=*)', attributes: ['1.1'] });
    expect(searchEntries).toEqual([]);
  });

  it('with the matching attribute the same create is taken (REST): the check asks for nothing more', async () => {
    const created = await host.scim('app').post('/Users', { ...withoutUserName, userName: 'orphan' });
    expectStatus(created, 201);
    expect((await json.read()).users).toEqual([expect.objectContaining({ userName: 'orphan' })]);
  });
});
