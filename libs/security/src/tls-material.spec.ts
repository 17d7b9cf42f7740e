import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TlsConfig } from '@connector-host/config';
import { generateSelfSignedCertificate, writeCertificateFiles, type SelfSignedCertificate } from './certificate';
import { readTlsMaterial, TlsSetupError } from './tls-material';

describe('readTlsMaterial', () => {
  let dir: string;
  let first: SelfSignedCertificate;
  let second: SelfSignedCertificate;
  let tls: TlsConfig;

  beforeAll(async () => {
    [first, second] = await Promise.all([generateSelfSignedCertificate({ host: 'one.test' }), generateSelfSignedCertificate({ host: 'two.test' })]);
  }, 60000); // RSA key generation
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'connector-host-tls-'));
    const files = writeCertificateFiles(dir, first);
    tls = { certFile: files.certFile, keyFile: files.keyFile, minVersion: 'TLSv1.2' };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const failure = (config: TlsConfig): TlsSetupError => {
    try {
      readTlsMaterial(config);
    } catch (error) {
      expect(error).toBeInstanceOf(TlsSetupError);
      return error as TlsSetupError;
    }
    throw new Error('expected a TlsSetupError');
  };

  it('reads a matching pair into a secure context with the minimum version', () => {
    const material = readTlsMaterial(tls);
    expect(material.context).toMatchObject({ key: first.keyPem, cert: first.certPem.trim(), minVersion: 'TLSv1.2' });
    expect(material.certificate).toMatchObject({ subject: 'CN=one.test', subjectAltNames: ['DNS:one.test'], fingerprint256: first.fingerprint256 });
    expect(readTlsMaterial(tls).revision).toBe(material.revision);
  });

  it('sends the CA chain after the server certificate', () => {
    const ca = join(dir, 'chain.pem');
    writeFileSync(ca, second.certPem);
    const material = readTlsMaterial({ ...tls, caFile: ca });
    expect(material.context.cert).toBe(`${first.certPem.trim()}\n${second.certPem.trim()}`);
  });

  it('names the key and the file that is missing', () => {
    const error = failure({ ...tls, certFile: join(dir, 'nope.pem') });
    expect(error.message).toBe(`server.tls.cert: ${join(dir, 'nope.pem')}: does not exist`);
    expect(error.key).toBe('server.tls.cert');
    expect(failure({ ...tls, caFile: join(dir, 'ca.pem') }).message).toBe(`server.tls.ca: ${join(dir, 'ca.pem')}: does not exist`);
  });

  it('names an unreadable key', () => {
    if (process.getuid?.() === 0) {
      // root reads any file: a folder stands in for an unreadable file
      expect(failure({ ...tls, keyFile: dir }).message).toBe(`server.tls.key: ${dir}: is a folder`);
      return;
    }
    chmodSync(tls.keyFile, 0o000);
    expect(failure(tls).message).toBe(`server.tls.key: ${tls.keyFile}: cannot be read (permission denied)`);
  });

  it('refuses files that are not PEM, and a key of another certificate', () => {
    writeFileSync(join(dir, 'junk.pem'), 'not a certificate');
    expect(failure({ ...tls, certFile: join(dir, 'junk.pem') }).message).toBe(`server.tls.cert: ${join(dir, 'junk.pem')}: holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
    expect(failure({ ...tls, keyFile: join(dir, 'junk.pem') }).message).toMatch(new RegExp(`^server\\.tls\\.key: ${join(dir, 'junk.pem')}: is not a PEM private key`));
    expect(failure({ ...tls, caFile: join(dir, 'junk.pem') }).message).toMatch(/^server\.tls\.ca: .*holds no PEM certificate/);
    writeFileSync(join(dir, 'other.key'), second.keyPem);
    expect(failure({ ...tls, keyFile: join(dir, 'other.key') }).message).toBe(`server.tls.key: ${join(dir, 'other.key')}: is not the private key of the certificate in ${tls.certFile}`);
  });
});
