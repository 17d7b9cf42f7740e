/**
 * scim-api over HTTPS with real handshakes (node:tls): protocol versions, the served certificate
 * and its SAN, a CA-signed certificate with its chain, a certificate replaced on disk while the
 * host runs, body limits and SCIM errors over TLS, and start-up errors naming key and file.
 */
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer, type ConnectionOptions, type PeerCertificate, type Server as TlsServer } from 'node:tls';
import { parseConfig } from '@connector-host/config';
import { connectorSettingsSchemas } from '@connector-host/connectors';
import { generateSelfSignedCertificate, writeCertificateFiles, type SelfSignedCertificate } from '@connector-host/security';
import { createTestTlsFiles, startRedis, type RedisServer, type TestTlsFiles } from '@connector-host/testing';
import { startServices, type RunningHost } from './bootstrap';

const TOKEN = 'tls-test-token-0123456789';
const HOST_NAME = 'connector-host.test';
const TIMEOUT_MS = 20000;

function hostConfig(dir: string, redisUrl: string, tlsLines: string[], level = 'error') {
  return parseConfig(
    [
      'server:',
      '  host: 127.0.0.1',
      '  port: 0',
      '  metricsPort: 0',
      '  bodyLimit: 4kb',
      ...tlsLines.map((line) => `  ${line}`),
      `redis: { url: "${redisUrl}" }`,
      `logging: { level: ${level} }`,
      'connectors:',
      '  hr:',
      '    type: sql',
      '    secretToken: ${TOKEN}',
      '    autosyncMinutes: 0',
      '    connection: { dialect: sqlite, file: hr.sqlite }',
      '    objectTypes: { User: { anchor: ContosoLogin, target: { table: Employees } } }',
    ].join('\n'),
    { baseDir: dir, env: { TOKEN }, sourceName: 'tls.yaml', connectorSettingsSchemas: connectorSettingsSchemas() },
  );
}

interface Handshake {
  protocol: string | null;
  authorized: boolean;
  authorizationError?: string;
  certificate: PeerCertificate;
  chain: string[];
}

/** One TLS handshake with 127.0.0.1:port; rejects with the error code on failure. */
function handshake(port: number, options: ConnectionOptions): Promise<Handshake> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, ...options });
    socket.setTimeout(TIMEOUT_MS, () => socket.destroy(new Error('handshake timed out')));
    socket.once('secureConnect', () => {
      const certificate = socket.getPeerCertificate(true);
      const chain: string[] = [];
      for (let c: PeerCertificate | undefined = certificate; c && !chain.includes(c.fingerprint256); c = (c as { issuerCertificate?: PeerCertificate }).issuerCertificate) chain.push(c.fingerprint256);
      resolve({ protocol: socket.getProtocol(), authorized: socket.authorized, authorizationError: socket.authorizationError?.toString(), certificate, chain });
      socket.end();
    });
    socket.once('error', (error: NodeJS.ErrnoException) => reject(Object.assign(new Error(`${error.code}: ${error.message}`), { code: error.code })));
  });
}

function portOf(host: RunningHost): number {
  return Number(new URL(host.url!).port);
}

/** A request over HTTPS trusting `ca`, for `servername`. */
function https(host: RunningHost, ca: string, method: string, path: string, options: { token?: string; body?: string } = {}) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: any }>((resolve, reject) => {
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        port: portOf(host),
        method,
        path,
        ca,
        servername: HOST_NAME,
        headers: {
          host: `${HOST_NAME}:${portOf(host)}`,
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          ...(options.body !== undefined ? { 'content-type': 'application/scim+json' } : {}),
        },
        timeout: TIMEOUT_MS,
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text ? JSON.parse(text) : undefined }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

async function waitFor(what: string, condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 30000;
  while (!(await condition().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('scim-api over HTTPS', () => {
  let redis: RedisServer;
  let dir: string;
  let certificate: SelfSignedCertificate;
  let host: RunningHost;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'connector-host-tls-'));
    redis = await startRedis();
    // what `connector-host cert generate --host connector-host.test` writes
    certificate = await generateSelfSignedCertificate({ host: HOST_NAME });
    writeCertificateFiles(join(dir, 'tls'), certificate);
    host = await startServices(hostConfig(dir, redis.url, ['tls: { cert: tls/cert.pem, key: tls/key.pem }']), { services: ['scim-api'], embeddedRedisDir: join(dir, 'redis') });
  });

  afterAll(async () => {
    await host?.close();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves https:// on its port', () => {
    expect(host.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it.each(['TLSv1.2', 'TLSv1.3'] as const)('completes a %s handshake, serving the generated certificate whose SAN is the host name', async (version) => {
    const result = await handshake(portOf(host), { servername: HOST_NAME, ca: certificate.certPem, minVersion: version, maxVersion: version });
    expect(result.protocol).toBe(version);
    // verified against the certificate itself as trust anchor (as the agent's machine trusts it), name included
    expect({ authorized: result.authorized, error: result.authorizationError }).toEqual({ authorized: true, error: undefined });
    expect(result.certificate.fingerprint256).toBe(certificate.fingerprint256);
    expect(result.certificate.subjectaltname).toBe(`DNS:${HOST_NAME}`);
    expect(result.certificate.bits).toBe(2048);
  });

  it('fails verification for a name the certificate does not carry', async () => {
    await expect(handshake(portOf(host), { servername: 'other.test', ca: certificate.certPem })).rejects.toMatchObject({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
  });

  describe('TLS 1.0 and 1.1', () => {
    let permissive: TlsServer;
    beforeAll(async () => {
      // a server that does accept old versions: proof that this client can speak them
      permissive = createServer({ key: certificate.keyPem, cert: certificate.certPem, minVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' }, (socket) => socket.end());
      await new Promise<void>((resolve) => permissive.listen(0, '127.0.0.1', resolve));
    });
    afterAll(() => new Promise<void>((resolve) => permissive.close(() => resolve())));

    it.each(['TLSv1', 'TLSv1.1'] as const)('%s is refused by the host with a protocol_version alert', async (version) => {
      const old = { rejectUnauthorized: false, minVersion: version, maxVersion: version, ciphers: 'DEFAULT@SECLEVEL=0' } as const;
      const control = await handshake((permissive.address() as { port: number }).port, old);
      expect(control.protocol).toBe(version);
      await expect(handshake(portOf(host), old)).rejects.toMatchObject({ code: 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION' });
    });
  });

  it('answers SCIM errors over HTTPS: 401 without the token, 413 over the body limit, nothing else', async () => {
    const unauthorized = await https(host, certificate.certPem, 'GET', '/ecma2host_hr/scim/Users');
    expect(unauthorized).toMatchObject({ status: 401, body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '401' } });
    expect(unauthorized.headers['www-authenticate']).toBe('Bearer');
    const body = JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'big', displayName: 'x'.repeat(8 * 1024) });
    const tooLarge = await https(host, certificate.certPem, 'POST', '/ecma2host_hr/scim/Users', { token: TOKEN, body });
    expect(tooLarge).toMatchObject({ status: 413, body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '413', scimType: 'invalidValue' } });
    expect(String(tooLarge.headers['content-type'])).toMatch(/^application\/scim\+json/);
    const config = await https(host, certificate.certPem, 'GET', '/ecma2host_hr/scim/ServiceProviderConfig', { token: TOKEN });
    expect(config.status).toBe(200);
    expect(config.body.meta.location).toBe(`https://${HOST_NAME}:${portOf(host)}/ecma2host_hr/scim/ServiceProviderConfig`);
  });

  it('serves a certificate replaced on disk without a restart (a refused half-pair on the way does not stop it)', async () => {
    const renewed = await generateSelfSignedCertificate({ host: HOST_NAME });
    const stranger = await generateSelfSignedCertificate({ host: HOST_NAME });
    // first a key that matches no certificate (the reloader refuses it; see tls-reloader.spec.ts), then the renewed pair
    writeFileSync(join(dir, 'tls', 'key.pem'), stranger.keyPem, { mode: 0o600 });
    writeCertificateFiles(join(dir, 'tls'), renewed, { overwrite: true });
    await waitFor('the renewed certificate to be served', async () => (await handshake(portOf(host), { servername: HOST_NAME, ca: renewed.certPem })).certificate.fingerprint256 === renewed.fingerprint256);
    const after = await handshake(portOf(host), { servername: HOST_NAME, ca: renewed.certPem, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' });
    expect({ authorized: after.authorized, fingerprint: after.certificate.fingerprint256 }).toEqual({ authorized: true, fingerprint: renewed.fingerprint256 });
    // the minimum version survives the swap of the secure context
    await expect(handshake(portOf(host), { rejectUnauthorized: false, minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' })).rejects.toMatchObject({
      code: 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION',
    });
  });
});

describe('scim-api with a CA-signed certificate and its chain', () => {
  let redis: RedisServer;
  let dir: string;
  let files: TestTlsFiles;
  let host: RunningHost;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'connector-host-tls-ca-'));
    redis = await startRedis();
    files = await createTestTlsFiles(dir);
    host = await startServices(
      hostConfig(dir, redis.url, [`tls: { cert: ${files.serverCertFile}, key: ${files.serverKeyFile}, ca: ${files.caFile}, minVersion: TLSv1.3 }`]),
      { services: ['scim-api'], embeddedRedisDir: join(dir, 'redis') },
    );
  });

  afterAll(async () => {
    await host?.close();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is trusted through the CA alone, sends the chain, and holds to minVersion TLSv1.3', async () => {
    const trusted = await handshake(portOf(host), { servername: 'localhost', ca: files.caPem });
    expect({ authorized: trusted.authorized, protocol: trusted.protocol }).toEqual({ authorized: true, protocol: 'TLSv1.3' });
    // without trusting anything, the chain the client sees is what the server sent: leaf, then the CA
    const sent = await handshake(portOf(host), { servername: 'localhost', rejectUnauthorized: false });
    expect(sent.chain).toEqual([new X509Certificate(readFileSync(files.serverCertFile)).fingerprint256, new X509Certificate(files.caPem).fingerprint256]);
    await expect(handshake(portOf(host), { ca: files.caPem, servername: 'localhost', maxVersion: 'TLSv1.2' })).rejects.toMatchObject({ code: 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION' });
  });
});

describe('scim-api start-up with unusable TLS files', () => {
  let dir: string;
  let certificate: SelfSignedCertificate;
  let other: SelfSignedCertificate;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'connector-host-tls-bad-'));
    [certificate, other] = await Promise.all([generateSelfSignedCertificate({ host: HOST_NAME }), generateSelfSignedCertificate({ host: HOST_NAME })]);
    writeCertificateFiles(join(dir, 'tls'), certificate);
    writeFileSync(join(dir, 'tls', 'other.key'), other.keyPem);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // the Redis URL is never reached: the files are read before anything starts
  const start = (tlsLine: string) => startServices(hostConfig(dir, 'redis://127.0.0.1:1', [tlsLine]), { services: ['scim-api'], embeddedRedisDir: join(dir, 'redis') });

  it.each([
    ['tls: { cert: tls/missing.pem, key: tls/key.pem }', (tls: string) => `server.tls.cert: ${tls}/missing.pem: does not exist`],
    ['tls: { cert: tls/cert.pem, key: tls/other.key }', (tls: string) => `server.tls.key: ${tls}/other.key: is not the private key of the certificate in ${tls}/cert.pem`],
    ['tls: { cert: tls/key.pem, key: tls/key.pem }', (tls: string) => `server.tls.cert: ${tls}/key.pem: holds no PEM certificate (-----BEGIN CERTIFICATE-----)`],
  ])('%s stops the start naming the key and the file', async (line, message) => {
    await expect(start(line)).rejects.toMatchObject({ name: 'TlsSetupError', message: message(join(dir, 'tls')) });
  });
});

describe('scim-api without server.tls', () => {
  it('serves plain HTTP and warns that Entra needs HTTPS', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'connector-host-plain-'));
    const redis = await startRedis();
    const lines: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    let host: RunningHost | undefined;
    try {
      host = await startServices(hostConfig(dir, redis.url, [], 'warn'), { services: ['scim-api'], embeddedRedisDir: join(dir, 'redis') });
    } finally {
      write.mockRestore();
      await host?.close();
      await redis.stop();
      rmSync(dir, { recursive: true, force: true });
    }
    expect(host!.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const warnings = lines.map((line) => JSON.parse(line) as { level: string; msg: string }).filter((entry) => entry.level === 'warn');
    expect(warnings.map((w) => w.msg)).toContainEqual(expect.stringContaining("serving plain HTTP: Entra's provisioning agent needs HTTPS"));
  });
});
