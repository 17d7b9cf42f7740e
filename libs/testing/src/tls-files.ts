import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireBinary, runToCompletion } from './server-process';

/** A throw-away certificate authority with one server and one client certificate, as PEM files. */
export interface TestTlsFiles {
  caFile: string;
  serverCertFile: string;
  serverKeyFile: string;
  clientCertFile: string;
  clientKeyFile: string;
  /** Subject of the client certificate, as the server sees it (for SASL EXTERNAL mappings). */
  clientSubject: string;
  /** The CA certificate's PEM text. */
  caPem: string;
}

/**
 * Generates, with the `openssl` CLI, a CA and a server certificate for 127.0.0.1 / localhost
 * (plus extra DNS names) and a client certificate `CN=<clientName>,O=connector-host-test`.
 * P-256 keys: fast to make, accepted by OpenSSL and GnuTLS builds of the servers.
 */
export async function createTestTlsFiles(dir: string, options: { clientName?: string; dnsNames?: string[] } = {}): Promise<TestTlsFiles> {
  const openssl = requireBinary(['openssl'], 'openssl');
  const log = join(dir, 'openssl.log');
  const run = (args: string[]): Promise<void> => runToCompletion(openssl, args, { logFile: log, cwd: dir, timeoutMs: 60000 });
  const file = (name: string): string => join(dir, name);
  const clientName = options.clientName ?? 'connector-host';
  const dns = ['localhost', ...(options.dnsNames ?? [])].map((name) => `DNS:${name}`).join(',');
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

  await run(['req', '-x509', ...ec, '-keyout', file('ca.key'), '-out', file('ca.pem'), '-days', '2', '-subj', '/O=connector-host-test/CN=Test CA']);
  await run(['req', ...ec, '-keyout', file('server.key'), '-out', file('server.csr'), '-subj', '/O=connector-host-test/CN=localhost']);
  await run([
    'x509', '-req', '-in', file('server.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial',
    '-out', file('server.pem'), '-days', '2', '-extfile', writeExt(dir, 'server.ext', `subjectAltName=IP:127.0.0.1,${dns}\nextendedKeyUsage=serverAuth\n`),
  ]);
  await run(['req', ...ec, '-keyout', file('client.key'), '-out', file('client.csr'), '-subj', `/O=connector-host-test/CN=${clientName}`]);
  await run([
    'x509', '-req', '-in', file('client.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial',
    '-out', file('client.pem'), '-days', '2', '-extfile', writeExt(dir, 'client.ext', 'extendedKeyUsage=clientAuth\n'),
  ]);
  return {
    caFile: file('ca.pem'),
    serverCertFile: file('server.pem'),
    serverKeyFile: file('server.key'),
    clientCertFile: file('client.pem'),
    clientKeyFile: file('client.key'),
    clientSubject: `cn=${clientName},o=connector-host-test`,
    caPem: readFileSync(file('ca.pem'), 'utf8'),
  };
}

function writeExt(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
