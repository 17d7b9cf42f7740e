/**
 * The keys of issue 7 that a schema cannot check alone: how a connector authenticates (exactly one
 * way, and never a token that opens another connector too), JWT defaults for Entra issuers, the
 * rate limit and the TLS files' paths.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { CONFIG_DEFAULTS } from './config.defaults';
import { toPointer } from './config.key-path';
import type { JwtAuthConfig, RateLimitConfig, TlsConfig } from './config.types';
import type { PointedIssue } from './config.validation';

export interface JwtAuthFile {
  tenantId: string;
  issuer?: string;
  audience: string;
  appId: string;
  jwksUrl?: string;
  clockToleranceSeconds?: number;
}

export interface TlsFile {
  cert: string;
  key: string;
  ca?: string;
  minVersion?: TlsConfig['minVersion'];
}

interface AuthKeys {
  secretToken?: string;
  secretTokenHash?: string;
  auth?: { jwt: JwtAuthFile };
}

const AUTH_KEYS = ['secretToken', 'secretTokenHash', 'auth.jwt'] as const;

/** `https://sts.windows.net/<tid>/` (v1) or `https://login.microsoftonline.com/<tid>/v2.0` (v2). */
const ENTRA_ISSUER = /^https:\/\/(?:sts\.windows\.net\/([0-9a-fA-F-]{36})\/|login\.microsoftonline\.com\/([0-9a-fA-F-]{36})\/v2\.0)$/;
const LOOPBACK_HTTP = /^http:\/\/(127\.[0-9.]+|localhost|\[::1\])(:[0-9]+)?(\/|$)/i;

export function checkConnectorAuth(connectors: Record<string, AuthKeys>): PointedIssue[] {
  const issues: PointedIssue[] = [];
  // invariant 8: a token opens only its own connector, so no two connectors may accept one token
  const tokenOwners = new Map<string, string>();
  const jwtOwners = new Map<string, string>();
  for (const [name, connector] of Object.entries(connectors)) {
    const at = (...keys: string[]): string => toPointer(['connectors', name, ...keys]);
    const set = AUTH_KEYS.filter((key) => (key === 'auth.jwt' ? connector.auth?.jwt !== undefined : connector[key] !== undefined));
    if (set.length === 0) {
      issues.push({ pointer: at('secretToken'), message: 'is required (or secretTokenHash, or auth.jwt): exactly one way for Entra to authenticate' });
      continue;
    }
    for (const extra of set.slice(1)) {
      issues.push({ pointer: at(...extra.split('.')), message: `set only one of ${AUTH_KEYS.join(', ')}; ${set[0]} is set too` });
    }
    if (set.length > 1) continue;

    const sha256 = connector.secretToken !== undefined
      ? createHash('sha256').update(connector.secretToken, 'utf8').digest('hex')
      : connector.secretTokenHash?.startsWith('sha256:') ? connector.secretTokenHash.slice('sha256:'.length) : undefined;
    if (sha256 !== undefined) {
      const owner = tokenOwners.get(sha256);
      if (owner) issues.push({ pointer: at(set[0]!), message: `accepts the same token as connector ${owner}: give every connector its own token` });
      else tokenOwners.set(sha256, name);
    }

    const jwt = connector.auth?.jwt;
    if (jwt) {
      const shaped = shapeJwtAuth(jwt);
      const issuerTenant = ENTRA_ISSUER.exec(shaped.issuer);
      const tenant = issuerTenant?.[1] ?? issuerTenant?.[2];
      if (tenant && tenant.toLowerCase() !== jwt.tenantId.toLowerCase()) {
        issues.push({ pointer: at('auth', 'jwt', 'issuer'), message: 'names another tenant than tenantId' });
      }
      if (jwt.jwksUrl === undefined && !issuerTenant) {
        issues.push({ pointer: at('auth', 'jwt', 'jwksUrl'), message: 'is required when the issuer is not Entra (https://sts.windows.net/<tenantId>/ or https://login.microsoftonline.com/<tenantId>/v2.0)' });
      }
      if (jwt.jwksUrl !== undefined && !jwt.jwksUrl.startsWith('https://') && !LOOPBACK_HTTP.test(jwt.jwksUrl)) {
        issues.push({ pointer: at('auth', 'jwt', 'jwksUrl'), message: 'must be an https:// URL (plain http only on loopback): keys fetched in clear text could be swapped' });
      }
      const identity = JSON.stringify([shaped.issuer, shaped.tenantId.toLowerCase(), shaped.audience, shaped.appId.toLowerCase()]);
      const owner = jwtOwners.get(identity);
      if (owner) issues.push({ pointer: at('auth', 'jwt'), message: `accepts the same tokens as connector ${owner} (same issuer, tenantId, audience and appId): a token must open only its own connector` });
      else jwtOwners.set(identity, name);
    }
  }
  return issues;
}

export function shapeJwtAuth(jwt: JwtAuthFile): JwtAuthConfig {
  const issuer = jwt.issuer ?? `https://sts.windows.net/${jwt.tenantId}/`;
  const entra = ENTRA_ISSUER.exec(issuer);
  const keysPath = entra?.[2] ? 'discovery/v2.0/keys' : 'discovery/keys';
  return {
    issuer,
    tenantId: jwt.tenantId,
    audience: jwt.audience,
    appId: jwt.appId,
    // an unknown issuer without jwksUrl never gets this far (checkConnectorAuth)
    jwksUrl: jwt.jwksUrl ?? `https://login.microsoftonline.com/${jwt.tenantId}/${keysPath}`,
    clockToleranceSeconds: jwt.clockToleranceSeconds ?? CONFIG_DEFAULTS.jwt.clockToleranceSeconds,
  };
}

export function shapeRateLimit(rateLimit: { requestsPerSecond: number; burst?: number }): RateLimitConfig {
  return { requestsPerSecond: rateLimit.requestsPerSecond, burst: rateLimit.burst ?? Math.max(1, Math.ceil(rateLimit.requestsPerSecond)) };
}

/** Paths resolve against the config file's folder, like every other relative path. */
export function shapeTls(tls: TlsFile, baseDir: string): TlsConfig {
  return {
    certFile: path.resolve(baseDir, tls.cert),
    keyFile: path.resolve(baseDir, tls.key),
    ...(tls.ca === undefined ? {} : { caFile: path.resolve(baseDir, tls.ca) }),
    minVersion: tls.minVersion ?? CONFIG_DEFAULTS.tls.minVersion,
  };
}
