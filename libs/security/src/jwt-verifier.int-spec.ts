/**
 * Entra-style JWT validation against a real key server on loopback (libs/testing), with tokens
 * signed by a generated RSA key.
 */
import type { JwtAuthConfig } from '@connector-host/config';
import { startJwksServer, type JwksServer } from '@connector-host/testing';
import { createJwtVerifier } from './jwt-verifier';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const APP = '1d6a2a5c-37e0-4a39-9d2e-2c1b0c2f5d11';
const AUDIENCE = '8adf8e6e-67b2-4cf2-a259-e3dc5476c621';
const ISSUER = `https://sts.windows.net/${TENANT}/`;

describe('createJwtVerifier', () => {
  let keys: JwksServer;
  let settings: JwtAuthConfig;
  const now = () => Math.floor(Date.now() / 1000);
  /** The claims of an Entra v1 provisioning token. */
  const claims = (extra: Record<string, unknown> = {}) => ({ iss: ISSUER, tid: TENANT, aud: AUDIENCE, appid: APP, ...extra });

  beforeAll(async () => {
    keys = await startJwksServer();
    settings = { issuer: ISSUER, tenantId: TENANT, audience: AUDIENCE, appId: APP, jwksUrl: keys.jwksUrl, clockToleranceSeconds: 60 };
  });
  afterAll(() => keys?.stop());

  it('accepts a v1 token (appid) and a v2 token (azp), GUIDs in any case, fetching the keys once', async () => {
    const before = keys.fetches;
    const verify = createJwtVerifier(settings);
    expect(await verify(await keys.sign(claims()))).toEqual({ ok: true });
    expect(await verify(await keys.sign(claims({ appid: undefined, azp: APP.toUpperCase(), tid: TENANT.toUpperCase() })))).toEqual({ ok: true });
    expect(await verify(await keys.sign(claims({ exp: now() - 30 })))).toEqual({ ok: true }); // within the clock tolerance
    expect(keys.fetches - before).toBe(1);
  });

  it.each<[string, () => Promise<string>, string]>([
    ['another issuer', () => keys.sign(claims({ iss: 'https://sts.windows.net/00000000-0000-0000-0000-000000000000/' })), 'jwt: ERR_JWT_CLAIM_VALIDATION_FAILED iss'],
    ['another tenant', () => keys.sign(claims({ tid: '00000000-0000-0000-0000-000000000000' })), 'jwt: unexpected tid (tenant)'],
    ['no tenant', () => keys.sign(claims({ tid: undefined })), 'jwt: unexpected tid (tenant)'],
    ['another audience', () => keys.sign(claims({ aud: 'api://other' })), 'jwt: ERR_JWT_CLAIM_VALIDATION_FAILED aud'],
    ['two audiences, one of them right', () => keys.sign(claims({ aud: [AUDIENCE, 'api://other'] })), 'jwt: more than one aud'],
    ['another application', () => keys.sign(claims({ appid: '00000000-0000-0000-0000-000000000000' })), 'jwt: unexpected azp/appid (application)'],
    ['no application', () => keys.sign(claims({ appid: undefined })), 'jwt: unexpected azp/appid (application)'],
    ['azp and appid disagreeing', () => keys.sign(claims({ azp: '00000000-0000-0000-0000-000000000000' })), 'jwt: unexpected azp/appid (application)'],
    ['an expired token', () => keys.sign(claims(), { expiresInSeconds: -120 }), 'jwt: ERR_JWT_EXPIRED'],
    ['a token not valid yet', () => keys.sign(claims({ nbf: now() + 600 })), 'jwt: ERR_JWT_CLAIM_VALIDATION_FAILED nbf'],
    ['a forged signature', () => keys.sign(claims(), { forged: true }), 'jwt: ERR_JWS_SIGNATURE_VERIFICATION_FAILED'],
    ['alg none', async () => keys.unsigned(claims()), 'jwt: ERR_JOSE_ALG_NOT_ALLOWED'],
    ['HS256 keyed with the public key', () => keys.hmacWithPublicKey(claims()), 'jwt: ERR_JOSE_ALG_NOT_ALLOWED'],
    ['a shared secret instead of a JWT', async () => 'Tok_3f9a1c77e2b4.Secret', 'jwt: ERR_JWS_INVALID'],
    ['nothing', async () => '', 'jwt: ERR_JWS_INVALID'],
  ])('refuses %s', async (_case, token, reason) => {
    expect(await createJwtVerifier(settings)(await token())).toEqual({ ok: false, reason });
  });

  it('follows a key rollover: an unknown key id fetches the keys again', async () => {
    const verify = createJwtVerifier(settings, { cooldownMs: 0 });
    expect(await verify(await keys.sign(claims()))).toEqual({ ok: true });
    await keys.rotate();
    const before = keys.fetches;
    expect(await verify(await keys.sign(claims()))).toEqual({ ok: true });
    expect(keys.fetches - before).toBe(1);
  });

  it('says the keys are unavailable (not that the token is bad) when the key server fails', async () => {
    keys.failing(true);
    try {
      expect(await createJwtVerifier(settings)(await keys.sign(claims()))).toMatchObject({ ok: false, unavailable: true });
    } finally {
      keys.failing(false);
    }
    const unreachable = createJwtVerifier({ ...settings, jwksUrl: 'http://127.0.0.1:1/keys' });
    expect(await unreachable(await keys.sign(claims()))).toMatchObject({ ok: false, unavailable: true });
  });
});
