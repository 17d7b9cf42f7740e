// `connector-host cert generate` and `connector-host token hash`: the files and values the TLS and
// auth settings of the config file take.
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { generateSelfSignedCertificate, hashToken, writeCertificateFiles, type TokenHashAlgorithm } from '@connector-host/security';

export interface CommandIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** All of standard input, as text. */
  stdin(): Promise<string>;
  /** Whether standard input is a terminal (a person typing). */
  stdinIsTty: boolean;
}

export const processIo: CommandIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Buffer));
    return Buffer.concat(chunks).toString('utf8');
  },
  get stdinIsTty() {
    return Boolean(process.stdin.isTTY);
  },
};

/** Microsoft's rule for the Secret Token, which the config schema enforces too. */
const MIN_TOKEN_LENGTH = 12;

export function addSecurityCommands(program: Command, io: CommandIo = processIo): void {
  const cert = program.command('cert').description('TLS certificates for the HTTPS server');
  cert
    .command('generate')
    .description('make a self-signed certificate as Microsoft\'s ECMA host does (RSA 2048, two years, SAN = host name) and print the config to use it')
    .option('--host <name>', 'the name the provisioning agent connects to (subject and SAN)', hostname())
    .option('--san <name>', 'a further DNS name or IP address to include, e.g. localhost or 127.0.0.1 (repeatable)', (value: string, all: string[]) => [...all, value], [] as string[])
    .option('--out <dir>', 'folder for cert.pem and key.pem', 'data/tls')
    .option('--force', 'replace existing files (a running host picks the new pair up at once)')
    .action(async (options: { host: string; san: string[]; out: string; force?: boolean }) => {
      const certificate = await generateSelfSignedCertificate({ host: options.host, extraNames: options.san });
      const files = writeCertificateFiles(resolve(options.out), certificate, { overwrite: options.force === true });
      io.stdout(
        [
          `Self-signed certificate for ${options.host} (RSA 2048, valid until ${certificate.notAfter.toISOString().slice(0, 10)}):`,
          `  certificate:  ${files.certFile}`,
          `  private key:  ${files.keyFile}  (mode 0600)`,
          `  names (SAN):  ${certificate.subjectAltNames.join(', ')}`,
          `  SHA-256:      ${certificate.fingerprint256}`,
          '',
          'Add to the config file:',
          '',
          'server:',
          '  tls:',
          `    cert: ${files.certFile}`,
          `    key: ${files.keyFile}`,
          '',
          `Then use https://${options.host}:8585/ecma2host_<connector>/scim as the Tenant URL, and make the`,
          "provisioning agent's machine trust the certificate: import cert.pem into its Trusted Root",
          'Certification Authorities store. Prefer a certificate from your own CA for production.',
          '',
        ].join('\n'),
      );
    });

  const token = program.command('token').description('secret tokens');
  token
    .command('hash')
    .description('read a secret token on standard input and print the secretTokenHash to put in the config instead of it')
    .option('--scrypt', 'a slow, salted hash: for a token a person chose rather than a generated one')
    .action(async (options: { scrypt?: boolean }) => {
      if (io.stdinIsTty) io.stderr('Type the secret token, then Enter and Ctrl-D:\n');
      // one trailing line break is the end of the line, not part of the token (echo, a heredoc, a file)
      const secret = (await io.stdin()).replace(/\r?\n$/, '');
      if (secret.length < MIN_TOKEN_LENGTH) throw new Error(`the token must be at least ${MIN_TOKEN_LENGTH} characters long (got ${secret.length})`);
      if (/[\r\n]/.test(secret)) throw new Error('the token spans several lines; give one token on one line');
      const algorithm: TokenHashAlgorithm = options.scrypt ? 'scrypt' : 'sha256';
      io.stdout(`secretTokenHash: ${await hashToken(secret, algorithm)}\n`);
    });
}
