/**
 * The HTTPS server's certificate, key and chain, read from the files `server.tls` names and
 * checked before use: a missing or unreadable file, a file that is not PEM, or a key that does not
 * belong to the certificate is a TlsSetupError naming the config key and the file.
 */
import { createHash, createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext, type SecureContextOptions } from 'node:tls';
import type { TlsConfig } from '@connector-host/config';

export class TlsSetupError extends Error {
  override readonly name = 'TlsSetupError';

  constructor(
    /** The config key, e.g. `server.tls.key`. */
    readonly key: string,
    readonly file: string,
    problem: string,
  ) {
    super(`${key}: ${file}: ${problem}`);
  }
}

export interface TlsMaterial {
  /** What `https.createServer` and `setSecureContext` take: key, certificate chain, minVersion. */
  context: SecureContextOptions;
  /** SHA-256 of the three files' contents: tells a real change from a touched file. */
  revision: string;
  /** The server certificate (not the chain). */
  certificate: { subject: string; subjectAltNames: string[]; fingerprint256: string; validTo: Date };
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

export function readTlsMaterial(tls: TlsConfig): TlsMaterial {
  const certText = readPem('server.tls.cert', tls.certFile);
  const keyText = readPem('server.tls.key', tls.keyFile);
  const caText = tls.caFile === undefined ? undefined : readPem('server.tls.ca', tls.caFile);

  const certificates = certText.match(PEM_CERTIFICATE) ?? [];
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(certificates[0] ?? '');
  } catch {
    throw new TlsSetupError('server.tls.cert', tls.certFile, 'holds no PEM certificate (-----BEGIN CERTIFICATE-----)');
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(keyText);
  } catch (error) {
    const encrypted = /ENCRYPTED/.test(keyText) ? ' (encrypted keys are not supported: decrypt it, keep the file 0600)' : '';
    throw new TlsSetupError('server.tls.key', tls.keyFile, `is not a PEM private key${encrypted}: ${(error as Error).message}`);
  }
  if (!certificate.checkPrivateKey(key)) {
    throw new TlsSetupError('server.tls.key', tls.keyFile, `is not the private key of the certificate in ${tls.certFile}`);
  }
  const chain = caText?.match(PEM_CERTIFICATE) ?? [];
  if (caText !== undefined && chain.length === 0) throw new TlsSetupError('server.tls.ca', tls.caFile!, 'holds no PEM certificate (-----BEGIN CERTIFICATE-----)');
  for (const pem of chain) {
    try {
      new X509Certificate(pem);
    } catch (error) {
      throw new TlsSetupError('server.tls.ca', tls.caFile!, `holds a certificate that cannot be read: ${(error as Error).message}`);
    }
  }

  // the chain is sent after the server certificate, as Node wants it (cert: leaf then intermediates)
  const context: SecureContextOptions = { key: keyText, cert: [...certificates, ...chain].join('\n'), minVersion: tls.minVersion };
  try {
    createSecureContext(context);
  } catch (error) {
    throw new TlsSetupError('server.tls.cert', tls.certFile, `OpenSSL refuses the certificate and key: ${(error as Error).message}`);
  }
  return {
    context,
    revision: createHash('sha256').update(certText).update('\0').update(keyText).update('\0').update(caText ?? '').digest('hex'),
    certificate: {
      subject: certificate.subject,
      subjectAltNames: (certificate.subjectAltName ?? '').split(', ').filter(Boolean),
      fingerprint256: certificate.fingerprint256,
      validTo: new Date(certificate.validTo),
    },
  };
}

function readPem(key: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'cannot be read (permission denied)' : code === 'EISDIR' ? 'is a folder' : `cannot be read (${code ?? (error as Error).message})`;
    throw new TlsSetupError(key, file, why);
  }
}
