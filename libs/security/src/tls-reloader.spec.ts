import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SecureContextOptions } from 'node:tls';
import type { TlsConfig } from '@connector-host/config';
import { generateSelfSignedCertificate, writeCertificateFiles, type SelfSignedCertificate } from './certificate';
import { readTlsMaterial } from './tls-material';
import { TlsReloader } from './tls-reloader';

describe('TlsReloader', () => {
  let dir: string;
  let tls: TlsConfig;
  let first: SelfSignedCertificate;
  let second: SelfSignedCertificate;
  let contexts: SecureContextOptions[];
  let failures: string[];
  let reloader: TlsReloader;

  beforeAll(async () => {
    [first, second] = await Promise.all([generateSelfSignedCertificate({ host: 'a.test' }), generateSelfSignedCertificate({ host: 'a.test' })]);
  }, 60000); // RSA key generation
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'connector-host-reload-'));
    const files = writeCertificateFiles(dir, first);
    tls = { certFile: files.certFile, keyFile: files.keyFile, minVersion: 'TLSv1.3' };
    contexts = [];
    failures = [];
    // pollMs 0 and a long settle: only the explicit reload() calls below act
    reloader = new TlsReloader(tls, { setSecureContext: (options) => contexts.push(options) }, readTlsMaterial(tls), {
      reloaded: () => undefined,
      failed: (error) => failures.push(error.message),
    }, { pollMs: 0, settleMs: 60_000 });
  });
  afterEach(() => {
    reloader.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('leaves the context alone while the files are unchanged', () => {
    reloader.reload();
    expect(contexts).toEqual([]);
    expect(failures).toEqual([]);
  });

  it('refuses a key that does not belong to the certificate, says so once, and keeps serving the old pair', () => {
    writeFileSync(tls.keyFile, second.keyPem);
    reloader.reload();
    reloader.reload();
    expect(contexts).toEqual([]);
    expect(failures).toEqual([`server.tls.key: ${tls.keyFile}: is not the private key of the certificate in ${tls.certFile}`]);
    expect(reloader.material.certificate.fingerprint256).toBe(first.fingerprint256);
  });

  it('swaps in a complete new pair with the same minimum version', () => {
    writeFileSync(tls.keyFile, second.keyPem);
    reloader.reload();
    writeCertificateFiles(dir, second, { overwrite: true });
    reloader.reload();
    expect(contexts).toEqual([{ key: second.keyPem, cert: second.certPem.trim(), minVersion: 'TLSv1.3' }]);
    expect(reloader.material.certificate.fingerprint256).toBe(second.fingerprint256);
  });

  it('does nothing once closed', () => {
    reloader.close();
    writeCertificateFiles(dir, second, { overwrite: true });
    reloader.reload();
    expect(contexts).toEqual([]);
  });
});
