import { createTempDir, createTestTlsFiles, startSlapd, type SlapdServer, type TempDir } from '@connector-host/testing';
import { ldapConnectorFactory } from './ldap-connector.factory';
import type { LdapConnector } from './ldap.connector';
import { RecordingLogger, rejection, userBinding } from './testing/ldap-connector.suite';

describe('ldap connector over TLS (slapd with a throw-away CA)', () => {
  let slapd: SlapdServer;
  let otherCa: TempDir;
  const connectors: LdapConnector[] = [];
  const connectorFor = (connection: Record<string, unknown>): LdapConnector => {
    const connector = ldapConnectorFactory.create({
      name: 'tls',
      connection: { baseDn: slapd.baseDn, connectTimeoutMs: 5000, ...connection },
      objectTypes: [userBinding(slapd.peopleDn)],
      logger: new RecordingLogger(),
    }) as LdapConnector;
    connectors.push(connector);
    return connector;
  };
  const addUser = (connector: LdapConnector, uid: string) =>
    connector.export({ kind: 'add', objectType: 'User', attributes: { uid: [uid], cn: [uid], sn: ['TLS'] } });

  beforeAll(async () => {
    slapd = await startSlapd({ tls: true });
    otherCa = createTempDir('connector-host-other-ca-');
    await createTestTlsFiles(otherCa.path);
  });
  afterEach(async () => {
    await Promise.all(connectors.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await slapd?.stop();
    otherCa?.remove();
  });

  it('LDAPS with the CA bundle and a simple bind', async () => {
    const connector = connectorFor({ url: slapd.ldapsUrl, caFile: slapd.tls!.caFile, bindDn: slapd.bindDn, bindPassword: slapd.bindPassword });
    await connector.test();
    expect((await addUser(connector, 'over.ldaps')).dn).toMatch(/^uid=over\.ldaps,/);
  });

  it('StartTLS on ldap:// with the CA bundle', async () => {
    const connector = connectorFor({ url: slapd.url, startTls: true, caFile: slapd.tls!.caFile, bindDn: slapd.bindDn, bindPassword: slapd.bindPassword });
    await connector.test();
    expect((await addUser(connector, 'over.starttls')).dn).toMatch(/^uid=over\.starttls,/);
  });

  it('SASL EXTERNAL with the client certificate (no bind DN, no password), over LDAPS and over StartTLS', async () => {
    const tls = slapd.tls!;
    const ldaps = connectorFor({ url: slapd.ldapsUrl, caFile: tls.caFile, clientCertFile: tls.clientCertFile, clientKeyFile: tls.clientKeyFile });
    await ldaps.test();
    expect((await addUser(ldaps, 'by.certificate')).dn).toMatch(/^uid=by\.certificate,/);
    const startTls = connectorFor({ url: slapd.url, startTls: true, caFile: tls.caFile, clientCertFile: tls.clientCertFile, clientKeyFile: tls.clientKeyFile });
    expect((await addUser(startTls, 'by.certificate2')).dn).toMatch(/^uid=by\.certificate2,/);
  });

  it('a server certificate from another CA is refused before any bind (unavailable, retryable)', async () => {
    const connector = connectorFor({ url: slapd.ldapsUrl, caFile: `${otherCa.path}/ca.pem`, bindDn: slapd.bindDn, bindPassword: slapd.bindPassword });
    const error = await rejection(connector.test());
    expect(error.reason).toBe('unavailable');
    expect(error.message).toMatch(/certificate/i);
    expect(error.message).not.toContain(slapd.bindPassword);
  });

  it('a server name the certificate does not carry is refused', async () => {
    const connector = connectorFor({
      url: slapd.ldapsUrl,
      caFile: slapd.tls!.caFile,
      tlsServerName: 'ldap.elsewhere.example',
      bindDn: slapd.bindDn,
      bindPassword: slapd.bindPassword,
    });
    expect((await rejection(connector.test())).message).toMatch(/ldap\.elsewhere\.example|altnames|certificate/i);
  });
});
