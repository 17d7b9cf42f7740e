/**
 * `connector-host cert generate`: a self-signed server certificate as Microsoft's ECMA Connector
 * Host makes one — RSA 2048, SAN = the host name, valid two years — for the provisioning agent to
 * trust. A certificate from your CA is better for production (Microsoft says the same).
 */
import { X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import { generate } from 'selfsigned';

export interface SelfSignedOptions {
  /** The name the provisioning agent connects to: the subject CN and the first SAN. */
  host: string;
  /** Further SANs (DNS names or IP addresses), e.g. `localhost`, `127.0.0.1`; none unless asked. */
  extraNames?: string[];
  /** Start of validity; default now. The certificate is valid for two years from it. */
  notBefore?: Date;
}

export interface SelfSignedCertificate {
  certPem: string;
  keyPem: string;
  /** SHA-256 fingerprint, `AB:CD:…`, to compare with what a client shows. */
  fingerprint256: string;
  notBefore: Date;
  notAfter: Date;
  /** Every SAN, in order: `DNS:host`, `IP Address:127.0.0.1`. */
  subjectAltNames: string[];
}

export const CERTIFICATE_KEY_BITS = 2048;
export const CERTIFICATE_VALIDITY_YEARS = 2;

const DNS_NAME = /^(?=.{1,253}$)(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** A DNS name or an IP address a certificate can name; throws naming the bad one. */
export function checkSubjectName(name: string): void {
  if (isIP(name) === 0 && !DNS_NAME.test(name)) throw new Error(`"${name}" is neither a DNS name nor an IP address`);
}

export async function generateSelfSignedCertificate(options: SelfSignedOptions): Promise<SelfSignedCertificate> {
  const names = [options.host, ...(options.extraNames ?? [])].filter((name, index, all) => all.indexOf(name) === index);
  names.forEach(checkSubjectName);
  const notBefore = options.notBefore ?? new Date();
  const notAfter = new Date(notBefore);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + CERTIFICATE_VALIDITY_YEARS);
  const pems = await generate([{ name: 'commonName', value: options.host }], {
    keyType: 'rsa',
    keySize: CERTIFICATE_KEY_BITS,
    algorithm: 'sha256',
    notBeforeDate: notBefore,
    notAfterDate: notAfter,
    extensions: [
      // self-signed end entity: the agent's machine trusts it as its own root, as with Microsoft's host
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: names.map((name) => (isIP(name) ? { type: 7 as const, ip: name } : { type: 2 as const, value: name })) },
    ],
  });
  const x509 = new X509Certificate(pems.cert);
  return {
    certPem: pems.cert,
    keyPem: pems.private,
    fingerprint256: x509.fingerprint256,
    notBefore: new Date(x509.validFrom),
    notAfter: new Date(x509.validTo),
    subjectAltNames: (x509.subjectAltName ?? '').split(', ').filter(Boolean),
  };
}

export interface CertificateFiles {
  certFile: string;
  keyFile: string;
}

/**
 * Writes `cert.pem` (0644) and `key.pem` (0600) into `dir`, creating it (0700 when new). Refuses
 * to replace existing files unless `overwrite`: a running host would pick the new pair up at once.
 */
export function writeCertificateFiles(dir: string, certificate: Pick<SelfSignedCertificate, 'certPem' | 'keyPem'>, options: { overwrite?: boolean } = {}): CertificateFiles {
  const folder = resolve(dir);
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const files = { certFile: join(folder, 'cert.pem'), keyFile: join(folder, 'key.pem') };
  const existing = [files.certFile, files.keyFile].filter((file) => existsSync(file));
  if (existing.length > 0 && !options.overwrite) throw new Error(`${existing.join(' and ')} exist${existing.length === 1 ? 's' : ''} already; pass --force to replace`);
  // the key first: a watcher that sees the new certificate then finds its key already there
  writeAtomically(files.keyFile, certificate.keyPem, 0o600);
  writeAtomically(files.certFile, certificate.certPem, 0o644);
  return files;
}

/** A fresh file with its final mode from the start, renamed over the old one: never a half-written or world-readable key. */
function writeAtomically(file: string, text: string, mode: number): void {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, text, { mode, flag: 'wx' });
    chmodSync(temporary, mode); // the umask may have taken bits away
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
