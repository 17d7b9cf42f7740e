/**
 * Invariant 8 over HTTP, for every route the host serves: a missing, wrong or other connector's
 * token gets a 401 SCIM error with no data, and nothing is written. Connectors authenticate in
 * each supported way (Secret Token, its SHA-256 or scrypt hash, Entra JWTs for two applications),
 * and the JWT checks (issuer, tenant, audience, app id, expiry, signature, algorithm) are run
 * against a real key server on loopback.
 */
import { randomUUID } from 'node:crypto';
import { hashToken } from '@connector-host/security';
import { startJwksServer, type JwksServer } from '@connector-host/testing';
import { CORE_USER_URN, E2eHost, ECMA_USER_URN, ERROR_URN, expectScimError, PATCH_OP_URN, type ScimResponse } from './support/host';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const AUDIENCE = '8adf8e6e-67b2-4cf2-a259-e3dc5476c621';
const APP_A = '1d6a2a5c-37e0-4a39-9d2e-2c1b0c2f5d11';
const APP_B = '2e7b3b6d-48f1-4b4a-8e3f-3d2c1d3f6e22';
const ISSUER = `https://sts.windows.net/${TENANT}/`;
const CONNECTORS = ['demo', 'hashed', 'scrypted', 'entra', 'entratwo'] as const;
const RESOURCES = ['Users', 'Groups', 'Schemas', 'ResourceTypes', 'ServiceProviderConfig'];
/** Routes served without a connector token: probes and metrics, nothing else. */
const PUBLIC_ROUTES = new Set(['/healthz', '/readyz', '/metrics']);
/** A user that exists: a request that got through would change or delete it. */
const VICTIM = 'adele';

const userBody = (login: string) => ({ schemas: [CORE_USER_URN, ECMA_USER_URN], userName: login, active: true, [ECMA_USER_URN]: { ContosoLogin: login, FirstName: 'Mallory' } });
const BODIES: Record<string, unknown> = {
  POST: userBody('intruder'),
  PUT: userBody(VICTIM),
  PATCH: { schemas: [PATCH_OP_URN], Operations: [{ op: 'replace', path: 'active', value: false }] },
};

/** Every concrete path of a Fastify route pattern under `/:tenant/`. */
function pathsOf(pattern: string, connector: string): string[] {
  let paths = [pattern.replace(':tenant', `ecma2host_${connector}`)];
  if (pattern.includes(':resource')) paths = paths.flatMap((p) => RESOURCES.map((r) => p.replace(':resource', r)));
  return paths.map((p) => p.replace(':id', VICTIM).replace(/:[A-Za-z]+/g, 'x').replace('*', 'x'));
}

describe('every endpoint refuses a missing, wrong or other connector\'s token', () => {
  let keys: JwksServer;
  let host: E2eHost;
  const tokens: Record<string, string> = {};

  const jwtYaml = (appId: string) => [`auth: { jwt: { tenantId: ${TENANT}, audience: ${AUDIENCE}, appId: ${appId}, jwksUrl: "${keys.jwksUrl}" } }`];
  const entraClaims = (extra: Record<string, unknown> = {}) => ({ iss: ISSUER, tid: TENANT, aud: AUDIENCE, appid: APP_A, ...extra });

  beforeAll(async () => {
    keys = await startJwksServer();
    tokens.hashed = `hashed-token-${randomUUID()}`;
    tokens.scrypted = 'a person chose this one';
    tokens.entra = await keys.sign(entraClaims());
    tokens.entratwo = await keys.sign(entraClaims({ appid: APP_B }));
    host = await E2eHost.start({
      connectors: [...CONNECTORS],
      auth: {
        hashed: { yaml: [`secretTokenHash: ${await hashToken(tokens.hashed)}`], token: tokens.hashed },
        scrypted: { yaml: [`secretTokenHash: ${await hashToken(tokens.scrypted, 'scrypt')}`], token: tokens.scrypted },
        entra: { yaml: jwtYaml(APP_A), token: tokens.entra },
        entratwo: { yaml: jwtYaml(APP_B), token: tokens.entratwo },
      },
    });
    tokens.demo = host.tokenOf('demo');
    for (const connector of CONNECTORS) {
      const created = await host.scim(connector).post('/Users', userBody(VICTIM));
      expect({ connector, status: created.status }).toEqual({ connector, status: 201 });
    }
  });

  afterAll(async () => {
    await host?.close();
    await keys?.stop();
  });

  it('opens each connector with its own credential', async () => {
    for (const connector of CONNECTORS) {
      const response = await host.scim(connector).get(`/Users/${VICTIM}`);
      expect({ connector, status: response.status, id: response.body?.id }).toEqual({ connector, status: 200, id: VICTIM });
    }
  });

  it('serves no route outside /ecma2host_<connector>/ but the public probes', () => {
    const outside = host.routes.filter((r) => !r.url.startsWith('/:tenant/') && !PUBLIC_ROUTES.has(r.url));
    expect(outside).toEqual([]);
    // the derivation is not empty: what the issue lists is in it (and anything added later is too)
    const listed = host.routes.map((r) => `${r.method} ${r.url}`);
    expect(listed).toEqual(
      expect.arrayContaining([
        'GET /:tenant/scim/:resource',
        'POST /:tenant/scim/:resource',
        'GET /:tenant/scim/:resource/:id',
        'PUT /:tenant/scim/:resource/:id',
        'PATCH /:tenant/scim/:resource/:id',
        'DELETE /:tenant/scim/:resource/:id',
        'GET /:tenant/cache',
      ]),
    );
  });

  it('answers 401 with a bare SCIM error to every route, method and connector without its own credential, and writes nothing', async () => {
    const before = await snapshot();
    const tenantRoutes = host.routes.filter((r) => r.url.startsWith('/:tenant/'));
    const cases: Array<{ what: string; method: string; path: string; authorization?: string }> = [];
    for (const route of tenantRoutes) {
      for (const connector of [...CONNECTORS, 'nobody']) {
        for (const path of pathsOf(route.url, connector)) {
          const own = tokens[connector];
          const credentials: Array<[string, string | undefined]> = [
            ['no token', undefined],
            ['a wrong token', `Bearer wrong-${randomUUID()}`],
            ['its own token under another scheme', own ? `Basic ${own}` : undefined],
            ...CONNECTORS.filter((other) => other !== connector).map((other): [string, string] => [`${other}'s token`, `Bearer ${tokens[other]}`]),
          ];
          for (const [what, authorization] of credentials) {
            if (what.includes('another scheme') && !own) continue;
            cases.push({ what: `${route.method} ${path} with ${what}`, method: route.method, path: `/${path.replace(/^\//, '')}`, authorization });
          }
        }
      }
    }
    expect(cases.length).toBeGreaterThan(1000);

    const failures: string[] = [];
    for (let i = 0; i < cases.length; i += 16) {
      await Promise.all(
        cases.slice(i, i + 16).map(async (c) => {
          const body = BODIES[c.method];
          const response = await host.request(c.method, c.path, c.authorization === undefined ? { body, token: null } : { body, authorization: c.authorization });
          const problem = refusalProblem(response, c.method);
          if (problem) failures.push(`${c.what}: ${problem}`);
        }),
      );
    }
    expect(failures).toEqual([]);
    expect(await snapshot()).toEqual(before);
  }, 600_000); // ~1,100 requests, a fifth of them paying an scrypt check, on a shared 2-core machine

  describe('Entra JWTs', () => {
    const refused = async (token: string, connector = 'entra') => {
      const response = await host.request('GET', `/ecma2host_${connector}/scim/Users/${VICTIM}`, { token });
      expectScimError(response, 401);
      expect(Object.keys(response.body).sort()).toEqual(['detail', 'schemas', 'status']);
    };

    it.each<[string, () => Promise<string>]>([
      ['another issuer', () => keys.sign(entraClaims({ iss: 'https://sts.windows.net/00000000-0000-0000-0000-000000000000/' }))],
      ['another tenant', () => keys.sign(entraClaims({ tid: '00000000-0000-0000-0000-000000000000' }))],
      ['another audience', () => keys.sign(entraClaims({ aud: 'api://someone-else' }))],
      ['another app id', () => keys.sign(entraClaims({ appid: '00000000-0000-0000-0000-000000000000' }))],
      ['expired', () => keys.sign(entraClaims(), { expiresInSeconds: -3600 })],
      ['a bad signature', () => keys.sign(entraClaims(), { forged: true })],
      ['alg none', async () => keys.unsigned(entraClaims())],
      ['HS256 keyed with the public key', () => keys.hmacWithPublicKey(entraClaims())],
    ])('refuses a token with %s', async (_case, token) => {
      await refused(await token());
    });

    it('opens connector A with A\'s token only, and B with B\'s only', async () => {
      await refused(tokens.entratwo!, 'entra');
      await refused(tokens.entra!, 'entratwo');
      expect((await host.request('GET', `/ecma2host_entra/scim/Users/${VICTIM}`, { token: await keys.sign(entraClaims()) })).status).toBe(200);
    });
  });

  it('refuses the stored hash presented as the token', async () => {
    const hash = String(host.config.connectors.find((c) => c.name === 'hashed')!.secretTokenHash);
    expectScimError(await host.request('GET', '/ecma2host_hashed/scim/Users', { token: hash }), 401);
    expectScimError(await host.request('GET', '/ecma2host_hashed/scim/Users', { token: hash.slice('sha256:'.length) }), 401);
  });

  /** Everything a slipped-through request could have changed: the tables, the connector spaces, the export stamps. */
  async function snapshot(): Promise<unknown> {
    const state: Record<string, unknown> = {};
    for (const connector of CONNECTORS) {
      const view = await host.request('GET', `/ecma2host_${connector}/cache`, { token: tokens[connector] });
      expect(view.status).toBe(200);
      state[connector] = { table: host.table(connector), objects: view.body.objects, lastSuccessfulExport: view.body.lastSuccessfulExport };
    }
    return state;
  }
});

/** Why this response is not a bare 401 SCIM error, or undefined when it is one. */
function refusalProblem(response: ScimResponse, method: string): string | undefined {
  if (response.status !== 401) return `status ${response.status}: ${response.text.slice(0, 200)}`;
  if (response.headers.get('www-authenticate') !== 'Bearer') return `WWW-Authenticate ${response.headers.get('www-authenticate')}`;
  for (const header of ['last-successful-import', 'last-successful-export', 'last-successful-cache-change', 'location']) {
    if (response.headers.has(header)) return `leaks the ${header} header`;
  }
  if (method === 'HEAD') return response.text === '' ? undefined : 'HEAD with a body';
  if (!/^application\/scim\+json/.test(response.headers.get('content-type') ?? '')) return `content-type ${response.headers.get('content-type')}`;
  const body = response.body as Record<string, unknown> | undefined;
  if (!body || JSON.stringify(body.schemas) !== JSON.stringify([ERROR_URN]) || body.status !== '401') return `body ${response.text.slice(0, 200)}`;
  const extra = Object.keys(body).filter((key) => !['schemas', 'status', 'detail'].includes(key));
  if (extra.length) return `extra keys ${extra.join(', ')}`;
  if (String(body.detail).includes(VICTIM)) return 'the detail names an object';
  return undefined;
}
