/**
 * The per-connector rate limit is one bucket in Redis for every scim-api replica: two scim-api
 * instances in this process share one real Redis, and what one spends the other cannot.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '@connector-host/config';
import { connectorSettingsSchemas } from '@connector-host/connectors';
import { startRedis, type RedisServer } from '@connector-host/testing';
import { startServices, type RunningHost } from './bootstrap';

const TOKENS = { HR_TOKEN: 'hr-token-0123456789', OPS_TOKEN: 'ops-token-0123456789', FAST_TOKEN: 'fast-token-0123456789' };

function config(dir: string, redisUrl: string) {
  const connector = (name: string, token: string, rateLimit?: string) => [
    `  ${name}:`,
    '    type: sql',
    `    secretToken: \${${token}}`,
    ...(rateLimit ? [`    rateLimit: ${rateLimit}`] : []),
    '    autosyncMinutes: 0',
    `    connection: { dialect: sqlite, file: ${name}.sqlite }`,
    '    objectTypes: { User: { anchor: ContosoLogin, target: { table: Employees } } }',
  ];
  return parseConfig(
    [
      'server: { host: 127.0.0.1, port: 0, metricsPort: 0 }',
      `redis: { url: "${redisUrl}" }`,
      'logging: { level: error }',
      'connectors:',
      // one token per ~17 minutes: nothing refills during the test
      ...connector('hr', 'HR_TOKEN', '{ requestsPerSecond: 0.001, burst: 3 }'),
      ...connector('ops', 'OPS_TOKEN'),
      ...connector('fast', 'FAST_TOKEN', '{ requestsPerSecond: 20, burst: 1 }'),
    ].join('\n'),
    { baseDir: dir, env: TOKENS, connectorSettingsSchemas: connectorSettingsSchemas() },
  );
}

describe('per-connector rate limit across scim-api replicas', () => {
  let redis: RedisServer;
  let dir: string;
  let first: RunningHost;
  let second: RunningHost;

  const get = async (host: RunningHost, connector: string, token: string) => {
    const response = await fetch(`${host.url}/ecma2host_${connector}/scim/ServiceProviderConfig`, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(20000),
    });
    return { status: response.status, retryAfter: response.headers.get('retry-after'), contentType: response.headers.get('content-type'), body: (await response.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'connector-host-rate-'));
    redis = await startRedis();
    const options = { services: ['scim-api' as const], embeddedRedisDir: join(dir, 'redis') };
    first = await startServices(config(dir, redis.url), options);
    second = await startServices(config(dir, redis.url), options);
  });

  afterAll(async () => {
    await first?.close();
    await second?.close();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses with 429, a SCIM error and Retry-After on one replica once the other emptied the shared bucket', async () => {
    // refused tokens never spend the bucket: authentication comes first
    for (let i = 0; i < 5; i++) expect((await get(second, 'hr', 'wrong-token-0123456789')).status).toBe(401);
    for (let i = 0; i < 3; i++) expect((await get(first, 'hr', TOKENS.HR_TOKEN)).status).toBe(200);

    const refused = await get(second, 'hr', TOKENS.HR_TOKEN);
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '429', detail: expect.stringContaining('too many requests for connector hr') });
    expect(refused.contentType).toMatch(/^application\/scim\+json/);
    // the next token is ~1000 s away
    expect(Number(refused.retryAfter)).toBeGreaterThan(900);
    expect(Number(refused.retryAfter)).toBeLessThanOrEqual(1000);
    expect((await get(first, 'hr', TOKENS.HR_TOKEN)).status).toBe(429);
  });

  it('keeps every connector in its own bucket, and leaves connectors without a limit alone', async () => {
    for (let i = 0; i < 10; i++) {
      expect((await get(i % 2 ? first : second, 'ops', TOKENS.OPS_TOKEN)).status).toBe(200);
    }
    expect((await get(first, 'hr', TOKENS.HR_TOKEN)).status).toBe(429);
  });

  it('refills the bucket at the configured rate', async () => {
    // burst 1: the second request in a row is refused, then one is admitted again after ~50 ms
    let refusedOnce = false;
    for (let i = 0; i < 50 && !refusedOnce; i++) refusedOnce = (await get(first, 'fast', TOKENS.FAST_TOKEN)).status === 429;
    expect(refusedOnce).toBe(true);
    const deadline = Date.now() + 20000;
    let status = 429;
    while (status === 429 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = (await get(second, 'fast', TOKENS.FAST_TOKEN)).status;
    }
    expect(status).toBe(200);
  });
});
