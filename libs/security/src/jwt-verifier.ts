/**
 * Validation of Entra-issued JWTs: RS256 signature against the issuer's published keys (fetched
 * once, cached, refetched when an unknown key id shows up), then `iss`, `tid`, `aud` (exactly one),
 * `azp`/`appid`, `exp` and `nbf` within the clock tolerance. `alg: none` and HMAC never pass.
 */
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import type { JwtAuthConfig } from '@connector-host/config';
import type { TokenCheck } from './token-check';

/** Entra signs its tokens with RS256; accepting anything else only widens the door. */
const ALGORITHMS = ['RS256'];

export interface JwtVerifierOptions {
  /** How long fetched keys are trusted before a refetch. Default 10 minutes. */
  cacheMaxAgeMs?: number;
  /** Least time between two fetches caused by unknown key ids. Default 30 s. */
  cooldownMs?: number;
  /** Longest a key fetch may take. Default 5 s. */
  timeoutMs?: number;
}

export function createJwtVerifier(settings: JwtAuthConfig, options: JwtVerifierOptions = {}): (token: string) => Promise<TokenCheck> {
  const keys = createRemoteJWKSet(new URL(settings.jwksUrl), {
    cacheMaxAge: options.cacheMaxAgeMs ?? 10 * 60_000,
    cooldownDuration: options.cooldownMs ?? 30_000,
    timeoutDuration: options.timeoutMs ?? 5_000,
  });
  const tenantId = settings.tenantId.toLowerCase();
  const appId = settings.appId.toLowerCase();
  return async (token) => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        algorithms: ALGORITHMS,
        issuer: settings.issuer,
        audience: settings.audience,
        clockTolerance: settings.clockToleranceSeconds,
        requiredClaims: ['exp'],
      }));
    } catch (error) {
      return rejected(error);
    }
    // one audience only: a token minted for several audiences could open several connectors
    if (Array.isArray(payload.aud) && payload.aud.length !== 1) return { ok: false, reason: 'jwt: more than one aud' };
    if (typeof payload['tid'] !== 'string' || payload['tid'].toLowerCase() !== tenantId) return { ok: false, reason: 'jwt: unexpected tid (tenant)' };
    const apps = [payload['azp'], payload['appid']].filter((claim) => claim !== undefined);
    if (apps.length === 0 || apps.some((claim) => typeof claim !== 'string' || claim.toLowerCase() !== appId)) {
      return { ok: false, reason: 'jwt: unexpected azp/appid (application)' };
    }
    return { ok: true };
  };
}

function rejected(error: unknown): TokenCheck {
  // the keys could not be fetched: not the client's fault, so not a 401
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) return { ok: false, unavailable: true, reason: `jwt: signing keys unavailable (${error.code})` };
  if (error instanceof errors.JOSEError) {
    if (error.constructor === errors.JOSEError) return { ok: false, unavailable: true, reason: `jwt: signing keys unavailable (${error.message})` };
    const claim = error instanceof errors.JWTClaimValidationFailed ? ` ${error.claim}` : '';
    return { ok: false, reason: `jwt: ${error.code}${claim}` };
  }
  // fetch() failing (refused, DNS): a TypeError, matched by name as it may come from another realm
  const failure = error as Error | undefined;
  if (failure?.name === 'TypeError' && /fetch/i.test(failure.message)) {
    const cause = (failure as { cause?: { code?: string } }).cause?.code;
    return { ok: false, unavailable: true, reason: `jwt: signing keys unavailable (${failure.message}${cause ? `: ${cause}` : ''})` };
  }
  return { ok: false, reason: 'jwt: malformed token' };
}
