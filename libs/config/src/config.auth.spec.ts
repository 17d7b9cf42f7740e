import { createHash } from 'node:crypto';
import { CONFIG_DEFAULTS } from './config.defaults';
import { ConfigError } from './config.error';
import { parseConfig } from './config.loader';
import { redactConfig } from './config.redaction';
import { configSchema } from './config.schema';

const TOKEN = 'Tok_3f9a1c77e2b4.Secret';
const SHA = `sha256:${'ab'.repeat(32)}`;
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const APP = '1d6a2a5c-37e0-4a39-9d2e-2c1b0c2f5d11';

/** One connector `demo` with these lines in place of its authentication. */
function file(auth: string[], { server = [] as string[], more = [] as string[] } = {}): string {
  return [
    ...(server.length ? ['server:', ...server.map((l) => `  ${l}`)] : []),
    'connectors:',
    '  demo:',
    '    type: sql',
    ...auth.map((l) => `    ${l}`),
    '    objectTypes:',
    '      User: { anchor: ContosoLogin }',
    ...more,
  ].join('\n');
}

const parse = (yaml: string) => parseConfig(yaml, { sourceName: 'config.yaml', env: { TOKEN }, baseDir: '/etc/ch' });

function issues(yaml: string): string[] {
  try {
    parse(yaml);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).not.toContain(TOKEN);
    return (error as ConfigError).issues.map((i) => `${i.path}: ${i.message}`);
  }
  throw new Error('expected a ConfigError');
}

describe('connector authentication', () => {
  it('takes a secretTokenHash instead of a secretToken', () => {
    const [demo] = parse(file([`secretTokenHash: ${SHA}`])).connectors;
    expect(demo).toMatchObject({ secretTokenHash: SHA });
    expect(demo).not.toHaveProperty('secretToken');
    expect(demo).not.toHaveProperty('jwt');
    expect(demo).not.toHaveProperty('rateLimit');
    expect(redactConfig(parse(file([`secretTokenHash: ${SHA}`]))).connectors[0]).toMatchObject({ secretTokenHash: '***' });
  });

  it('needs exactly one of secretToken, secretTokenHash and auth.jwt, naming the key', () => {
    expect(issues(file([]))).toEqual(['connectors.demo.secretToken: is required (or secretTokenHash, or auth.jwt): exactly one way for Entra to authenticate']);
    expect(issues(file(['secretToken: ${TOKEN}', `secretTokenHash: ${SHA}`]))).toEqual([
      'connectors.demo.secretTokenHash: set only one of secretToken, secretTokenHash, auth.jwt; secretToken is set too',
    ]);
    expect(issues(file([`secretTokenHash: ${SHA}`, `auth: { jwt: { tenantId: ${TENANT}, audience: api://x, appId: ${APP} } }`]))).toEqual([
      'connectors.demo.auth.jwt: set only one of secretToken, secretTokenHash, auth.jwt; secretTokenHash is set too',
    ]);
  });

  it.each([`sha256:${'AB'.repeat(32)}`, 'sha256:abc', `md5:${'ab'.repeat(16)}`, 'scrypt:salt:hash', TOKEN])('refuses the malformed hash %p without echoing it', (hash) => {
    const found = issues(file([`secretTokenHash: "${hash}"`]));
    expect(found).toEqual(['connectors.demo.secretTokenHash: must be sha256:<64 lower-case hex digits> or scrypt:<salt>:<hash>, as `connector-host token hash` prints it']);
  });

  it('refuses two connectors that accept the same token (invariant 8), also when one stores its hash', () => {
    const sha = `sha256:${createHash('sha256').update(TOKEN).digest('hex')}`;
    const two = (second: string) =>
      ['connectors:', '  a:', '    type: sql', '    secretToken: ${TOKEN}', '    objectTypes: { User: { anchor: Id } }', '  b:', '    type: sql', `    ${second}`, '    objectTypes: { User: { anchor: Id } }'].join('\n');
    expect(issues(two('secretToken: ${TOKEN}'))).toEqual(['connectors.b.secretToken: accepts the same token as connector a: give every connector its own token']);
    expect(issues(two(`secretTokenHash: ${sha}`))).toEqual(['connectors.b.secretTokenHash: accepts the same token as connector a: give every connector its own token']);
  });
});

describe('auth.jwt', () => {
  const jwt = (settings: string) => file([`auth: { jwt: { ${settings} } }`]);

  it('defaults the issuer and the keys URL to Entra tenant\'s own, and the clock tolerance to 60 s', () => {
    expect(parse(jwt(`tenantId: ${TENANT}, audience: 8adf8e6e-67b2-4cf2-a259-e3dc5476c621, appId: ${APP}`)).connectors[0]!.jwt).toEqual({
      issuer: `https://sts.windows.net/${TENANT}/`,
      tenantId: TENANT,
      audience: '8adf8e6e-67b2-4cf2-a259-e3dc5476c621',
      appId: APP,
      jwksUrl: `https://login.microsoftonline.com/${TENANT}/discovery/keys`,
      clockToleranceSeconds: 60,
    });
    const v2 = parse(jwt(`tenantId: ${TENANT}, issuer: "https://login.microsoftonline.com/${TENANT}/v2.0", audience: a, appId: ${APP}`)).connectors[0]!.jwt!;
    expect(v2.jwksUrl).toBe(`https://login.microsoftonline.com/${TENANT}/discovery/v2.0/keys`);
    const own = parse(jwt(`tenantId: ${TENANT}, issuer: "https://idp.example/", audience: a, appId: b, jwksUrl: "http://127.0.0.1:9000/keys", clockToleranceSeconds: 0`)).connectors[0]!.jwt!;
    expect(own).toMatchObject({ issuer: 'https://idp.example/', jwksUrl: 'http://127.0.0.1:9000/keys', clockToleranceSeconds: 0 });
  });

  it.each([
    [`tenantId: contoso, audience: a, appId: b`, 'connectors.demo.auth.jwt.tenantId: must be a tenant id (a GUID), got "contoso"'],
    [`tenantId: ${TENANT}, audience: a`, 'connectors.demo.auth.jwt.appId: is required'],
    [`tenantId: ${TENANT}, audience: a, appId: b, issuer: "https://idp.example/"`, 'connectors.demo.auth.jwt.jwksUrl: is required when the issuer is not Entra (https://sts.windows.net/<tenantId>/ or https://login.microsoftonline.com/<tenantId>/v2.0)'],
    [`tenantId: ${TENANT}, audience: a, appId: b, jwksUrl: "http://keys.example/keys"`, 'connectors.demo.auth.jwt.jwksUrl: must be an https:// URL (plain http only on loopback): keys fetched in clear text could be swapped'],
    [`tenantId: ${TENANT}, audience: a, appId: b, issuer: "https://sts.windows.net/${APP}/"`, 'connectors.demo.auth.jwt.issuer: names another tenant than tenantId'],
    [`tenantId: ${TENANT}, audience: a, appId: b, clockToleranceSeconds: 3600`, 'connectors.demo.auth.jwt.clockToleranceSeconds: must be at most 300'],
    [`tenantId: ${TENANT}, audience: a, appId: b, secret: x`, 'connectors.demo.auth.jwt.secret: unknown key "secret"; allowed keys: tenantId, issuer, audience, appId, jwksUrl, clockToleranceSeconds'],
  ])('refuses %s', (settings, message) => {
    expect(issues(jwt(settings))).toEqual([message]);
  });

  it('refuses two connectors that would accept the same JWTs', () => {
    const yaml = ['a', 'b']
      .flatMap((name) => [`  ${name}:`, '    type: sql', `    auth: { jwt: { tenantId: ${TENANT}, audience: aud, appId: ${APP} } }`, '    objectTypes: { User: { anchor: Id } }'])
      .join('\n');
    expect(issues(`connectors:\n${yaml}`)).toEqual([
      'connectors.b.auth.jwt: accepts the same tokens as connector a (same issuer, tenantId, audience and appId): a token must open only its own connector',
    ]);
  });
});

describe('server.tls', () => {
  it('resolves the files against the config folder and defaults minVersion to TLSv1.2', () => {
    const config = parse(file(['secretToken: ${TOKEN}'], { server: ['tls: { cert: tls/cert.pem, key: /secure/key.pem, ca: chain.pem }'] }));
    expect(config.server.tls).toEqual({ certFile: '/etc/ch/tls/cert.pem', keyFile: '/secure/key.pem', caFile: '/etc/ch/chain.pem', minVersion: 'TLSv1.2' });
    expect(parse(file(['secretToken: ${TOKEN}'], { server: ['tls: { cert: c, key: k, minVersion: TLSv1.3 }'] })).server.tls?.minVersion).toBe('TLSv1.3');
    expect(parse(file(['secretToken: ${TOKEN}'])).server).not.toHaveProperty('tls');
  });

  it.each([
    ['tls: { cert: c, key: k, minVersion: TLSv1.1 }', 'server.tls.minVersion: must be TLSv1.2 or TLSv1.3 (TLS 1.0 and 1.1 are not accepted), got "TLSv1.1"'],
    ['tls: { cert: c, key: k, minVersion: TLSv1 }', 'server.tls.minVersion: must be TLSv1.2 or TLSv1.3 (TLS 1.0 and 1.1 are not accepted), got "TLSv1"'],
    ['tls: { cert: c }', 'server.tls.key: is required'],
    ['tls: { cert: c, key: "" }', 'server.tls.key: must be at least 1 characters long'],
  ])('refuses %s', (line, message) => {
    expect(issues(file(['secretToken: ${TOKEN}'], { server: [line] }))).toEqual([message]);
  });
});

describe('rateLimit', () => {
  it('is off unless set; burst defaults to one second of requests', () => {
    expect(parse(file(['secretToken: ${TOKEN}'])).connectors[0]).not.toHaveProperty('rateLimit');
    expect(parse(file(['secretToken: ${TOKEN}', 'rateLimit: { requestsPerSecond: 20 }'])).connectors[0]!.rateLimit).toEqual({ requestsPerSecond: 20, burst: 20 });
    expect(parse(file(['secretToken: ${TOKEN}', 'rateLimit: { requestsPerSecond: 0.5 }'])).connectors[0]!.rateLimit).toEqual({ requestsPerSecond: 0.5, burst: 1 });
    expect(parse(file(['secretToken: ${TOKEN}', 'rateLimit: { requestsPerSecond: 5, burst: 50 }'])).connectors[0]!.rateLimit).toEqual({ requestsPerSecond: 5, burst: 50 });
  });

  it.each([
    ['rateLimit: { requestsPerSecond: 0 }', 'connectors.demo.rateLimit.requestsPerSecond: must be greater than 0'],
    ['rateLimit: { burst: 5 }', 'connectors.demo.rateLimit.requestsPerSecond: is required'],
    ['rateLimit: { requestsPerSecond: 5, burst: 0 }', 'connectors.demo.rateLimit.burst: must be at least 1'],
  ])('refuses %s', (line, message) => {
    expect(issues(file(['secretToken: ${TOKEN}', line]))).toEqual([message]);
  });
});

it('the schema documents the defaults the shaping applies', () => {
  const schema = configSchema as any;
  expect(schema.properties.server.properties.tls.properties.minVersion.default).toBe(CONFIG_DEFAULTS.tls.minVersion);
  expect(schema.definitions.jwtAuth.properties.clockToleranceSeconds.default).toBe(CONFIG_DEFAULTS.jwt.clockToleranceSeconds);
});
