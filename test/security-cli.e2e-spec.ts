/**
 * The built command line (`npx connector-host`, `npm test` builds first): `cert generate` writes a
 * pair the host serves, `token hash` reads standard input, and `start` with unusable TLS files
 * stops at once naming the key and the file.
 */
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createTempDir, type TempDir } from '@connector-host/testing';

const CLI = resolve(__dirname, '..', 'bin', 'connector-host.js');
const BUILT = resolve(__dirname, '..', 'dist', 'apps', 'cli', 'main.js');

describe('connector-host cert generate, token hash, and start with TLS (built CLI)', () => {
  let dir: TempDir;
  const cli = (args: string[], input?: string) => spawnSync(process.execPath, [CLI, ...args], { cwd: dir.path, input, encoding: 'utf8', timeout: 60000 });

  beforeAll(() => {
    if (!existsSync(BUILT)) throw new Error(`${BUILT} is missing: run npm run build first (npm test does)`);
    dir = createTempDir('connector-host-cert-cli-');
  });
  afterAll(() => dir?.remove());

  it('cert generate writes cert.pem and a 0600 key.pem for --host, and prints the paths and the config', () => {
    const result = cli(['cert', 'generate', '--host', 'ecma.contoso.test', '--san', '127.0.0.1']);
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
    const certFile = join(dir.path, 'data', 'tls', 'cert.pem');
    const keyFile = join(dir.path, 'data', 'tls', 'key.pem');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const x509 = new X509Certificate(readFileSync(certFile));
    expect(x509.subjectAltName).toBe('DNS:ecma.contoso.test, IP Address:127.0.0.1');
    expect(x509.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(result.stdout).toContain(`    cert: ${certFile}\n    key: ${keyFile}\n`);
    expect(result.stdout).toContain('https://ecma.contoso.test:8585/ecma2host_<connector>/scim');
    // a second run must not clobber the pair a host may be serving
    const again = cli(['cert', 'generate', '--host', 'ecma.contoso.test']);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('exist already; pass --force to replace');
  });

  it('token hash reads the token on standard input and prints only the hash', () => {
    const result = cli(['token', 'hash'], 'Tok_3f9a1c77e2b4.Secret\n');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^secretTokenHash: sha256:[0-9a-f]{64}\n$/);
    expect(result.stdout + result.stderr).not.toContain('Tok_3f9a1c77e2b4');
  });

  it('start refuses a missing certificate file before serving, naming the key and the file', () => {
    const config = join(dir.path, 'host.yaml');
    writeFileSync(
      config,
      [
        'server: { port: 0, metricsPort: 0, tls: { cert: tls/missing.pem, key: data/tls/key.pem } }',
        'redis: { url: "redis://127.0.0.1:1" }',
        'connectors:',
        '  demo: { type: sql, secretToken: "0123456789abcdef", connection: { dialect: sqlite, file: demo.sqlite }, objectTypes: { User: { anchor: ContosoLogin, target: { table: Employees } } } }',
      ].join('\n'),
    );
    const result = cli(['start', 'scim-api', '--config', config]);
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toBe(`server.tls.cert: ${join(dir.path, 'tls', 'missing.pem')}: does not exist`);
  });
});
