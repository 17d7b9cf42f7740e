import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { parseConfig } from '@connector-host/config';
import { createConnectorAuthenticator, readTlsMaterial } from '@connector-host/security';
import { addSecurityCommands, type CommandIo } from './security.commands';

/** RSA key generation takes a second or more on a busy machine. */
const KEYGEN_TIMEOUT_MS = 60000;

/** The real commands, on a fresh program, with standard streams captured. */
async function run(args: string[], stdin = ''): Promise<{ stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CommandIo = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), stdin: async () => stdin, stdinIsTty: false };
  const program = new Command('connector-host').exitOverride();
  addSecurityCommands(program, io);
  await program.parseAsync(['node', 'connector-host', ...args]);
  return { stdout, stderr };
}

describe('connector-host cert generate', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'connector-host-cli-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a self-signed RSA 2048 pair for the host name, the key 0600, and prints a config that serves it', async () => {
    const out = join(dir, 'tls');
    const { stdout } = await run(['cert', 'generate', '--out', out]);
    const certFile = join(out, 'cert.pem');
    const keyFile = join(out, 'key.pem');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const x509 = new X509Certificate(readFileSync(certFile));
    expect(x509.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(x509.subjectAltName).toBe(`DNS:${hostname()}`);
    const years = (Date.parse(x509.validTo) - Date.parse(x509.validFrom)) / (365.25 * 86_400_000);
    expect(years).toBeGreaterThan(1.99);
    expect(years).toBeLessThan(2.01);
    expect(x509.checkPrivateKey(createPrivateKey(readFileSync(keyFile)))).toBe(true);
    expect(stdout).toContain(`certificate:  ${certFile}`);
    expect(stdout).toContain(`private key:  ${keyFile}  (mode 0600)`);
    expect(stdout).toContain(x509.fingerprint256);

    // the printed snippet is a valid server block naming the files, and the host can load them
    const snippet = stdout.slice(stdout.indexOf('server:'), stdout.indexOf('\n\n', stdout.indexOf('server:')));
    expect(parseYaml(snippet)).toEqual({ server: { tls: { cert: certFile, key: keyFile } } });
    const config = parseConfig(`${snippet}\nconnectors:\n  demo: { type: sql, secretToken: '0123456789abc', objectTypes: { User: { anchor: Id } } }\n`, { env: {} });
    expect(readTlsMaterial(config.server.tls!).certificate.fingerprint256).toBe(x509.fingerprint256);
  }, KEYGEN_TIMEOUT_MS);

  it('takes --host and extra names, and refuses to overwrite without --force', async () => {
    await run(['cert', 'generate', '--host', 'ecma.contoso.test', '--san', 'localhost', '--san', '127.0.0.1', '--out', dir]);
    const first = new X509Certificate(readFileSync(join(dir, 'cert.pem')));
    expect(first.subjectAltName).toBe('DNS:ecma.contoso.test, DNS:localhost, IP Address:127.0.0.1');
    await expect(run(['cert', 'generate', '--out', dir])).rejects.toThrow('exist already; pass --force to replace');
    expect(new X509Certificate(readFileSync(join(dir, 'cert.pem'))).fingerprint256).toBe(first.fingerprint256);
    await run(['cert', 'generate', '--out', dir, '--force']);
    expect(new X509Certificate(readFileSync(join(dir, 'cert.pem'))).fingerprint256).not.toBe(first.fingerprint256);
    await expect(run(['cert', 'generate', '--host', 'not a host', '--out', join(dir, 'x')])).rejects.toThrow('"not a host" is neither a DNS name nor an IP address');
  }, KEYGEN_TIMEOUT_MS);
});

describe('connector-host token hash', () => {
  const TOKEN = 'Tok_3f9a1c77e2b4.Secret';

  it.each([[[]], [['--scrypt']]])('prints a secretTokenHash line (%j) the config accepts and the host verifies', async (flags) => {
    const { stdout } = await run(['token', 'hash', ...flags], `${TOKEN}\n`);
    expect(stdout).toMatch(/^secretTokenHash: (sha256|scrypt):\S+\n$/);
    expect(stdout).not.toContain(TOKEN);
    const config = parseConfig(`connectors:\n  demo:\n    type: sql\n    ${stdout.trim()}\n    objectTypes: { User: { anchor: Id } }\n`, { env: {} });
    const check = createConnectorAuthenticator(config.connectors[0]!);
    expect(await check(TOKEN)).toEqual({ ok: true });
    expect(await check(`${TOKEN}\n`)).toMatchObject({ ok: false });
  }, 30000); // scrypt

  it('refuses a short token and several lines', async () => {
    await expect(run(['token', 'hash'], 'short\n')).rejects.toThrow('the token must be at least 12 characters long (got 5)');
    await expect(run(['token', 'hash'], `${TOKEN}\n${TOKEN}\n`)).rejects.toThrow('the token spans several lines');
  });
});
