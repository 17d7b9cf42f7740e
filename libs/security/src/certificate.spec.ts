import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSelfSignedCertificate, writeCertificateFiles } from './certificate';

const DAY = 86_400_000;
/** RSA key generation takes a second or more on a busy machine. */
const KEYGEN_TIMEOUT_MS = 60000;

describe('generateSelfSignedCertificate', () => {
  it('is RSA 2048, self-signed, valid two years, with the host name as its only SAN', async () => {
    const notBefore = new Date('2026-03-01T12:00:00Z');
    const generated = await generateSelfSignedCertificate({ host: 'ecma.contoso.test', notBefore });
    const x509 = new X509Certificate(generated.certPem);
    expect(x509.publicKey.asymmetricKeyType).toBe('rsa');
    expect(x509.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(x509.subject).toBe('CN=ecma.contoso.test');
    expect(x509.issuer).toBe(x509.subject);
    expect(x509.verify(x509.publicKey)).toBe(true);
    expect(x509.subjectAltName).toBe('DNS:ecma.contoso.test');
    expect(x509.checkHost('ecma.contoso.test')).toBe('ecma.contoso.test');
    expect(x509.checkHost('localhost')).toBeUndefined();
    expect(x509.checkIP('127.0.0.1')).toBeUndefined();
    expect(new Date(x509.validFrom).toISOString()).toBe('2026-03-01T12:00:00.000Z');
    expect(new Date(x509.validTo).toISOString()).toBe('2028-03-01T12:00:00.000Z');
    expect(x509.ca).toBe(false);
    expect(x509.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']); // serverAuth
    expect(x509.checkPrivateKey(createPrivateKey(generated.keyPem))).toBe(true);
    expect(generated.fingerprint256).toBe(x509.fingerprint256);
    expect(generated.notAfter.getTime() - generated.notBefore.getTime()).toBeGreaterThanOrEqual(730 * DAY);
  }, KEYGEN_TIMEOUT_MS);

  it('adds localhost and 127.0.0.1 only when asked', async () => {
    const generated = await generateSelfSignedCertificate({ host: 'ecma', extraNames: ['localhost', '127.0.0.1', 'ecma'] });
    expect(generated.subjectAltNames).toEqual(['DNS:ecma', 'DNS:localhost', 'IP Address:127.0.0.1']);
    const x509 = new X509Certificate(generated.certPem);
    expect(x509.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(x509.checkHost('localhost')).toBe('localhost');
  }, KEYGEN_TIMEOUT_MS);

  it('refuses a name that is neither a DNS name nor an IP address', async () => {
    await expect(generateSelfSignedCertificate({ host: 'bad host' })).rejects.toThrow('"bad host" is neither a DNS name nor an IP address');
    await expect(generateSelfSignedCertificate({ host: 'ok', extraNames: ['-x.example'] })).rejects.toThrow('"-x.example"');
  });
});

describe('writeCertificateFiles', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'connector-host-cert-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes cert.pem 0644 and key.pem 0600, even under a permissive umask', () => {
    const previous = process.umask(0o000);
    try {
      const files = writeCertificateFiles(join(dir, 'tls'), { certPem: 'CERT\n', keyPem: 'KEY\n' });
      expect(files).toEqual({ certFile: join(dir, 'tls', 'cert.pem'), keyFile: join(dir, 'tls', 'key.pem') });
      expect(statSync(files.keyFile).mode & 0o777).toBe(0o600);
      expect(statSync(files.certFile).mode & 0o777).toBe(0o644);
      expect(statSync(join(dir, 'tls')).mode & 0o777).toBe(0o700);
      expect(readFileSync(files.keyFile, 'utf8')).toBe('KEY\n');
    } finally {
      process.umask(previous);
    }
  });

  it('never replaces existing files unless told to, and then leaves no temporary file', () => {
    writeFileSync(join(dir, 'cert.pem'), 'OLD');
    expect(() => writeCertificateFiles(dir, { certPem: 'NEW', keyPem: 'NEWKEY' })).toThrow(`${join(dir, 'cert.pem')} exists already; pass --force to replace`);
    expect(readFileSync(join(dir, 'cert.pem'), 'utf8')).toBe('OLD');
    expect(() => statSync(join(dir, 'key.pem'))).toThrow();
    writeCertificateFiles(dir, { certPem: 'NEW', keyPem: 'NEWKEY' }, { overwrite: true });
    expect(readFileSync(join(dir, 'cert.pem'), 'utf8')).toBe('NEW');
    expect(statSync(join(dir, 'key.pem')).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir).sort()).toEqual(['cert.pem', 'key.pem']);
  });
});
