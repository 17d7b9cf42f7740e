/**
 * Checks the bearer token presented for one connector, whichever way the connector authenticates:
 * its plain Secret Token, a hash of it, or an Entra-issued JWT. Every secret comparison is
 * constant-time over digests of equal length.
 */
import { timingSafeEqual } from 'node:crypto';
import type { ConnectorConfig } from '@connector-host/config';
import { createJwtVerifier, type JwtVerifierOptions } from './jwt-verifier';
import type { TokenCheck } from './token-check';
import { parseTokenHash, sha256, verifyTokenHash } from './token-hash';

export type BearerTokenCheck = (token: string) => Promise<TokenCheck>;

/** How many verified scrypt tokens one connector remembers (a connector has one token; rotation makes two). */
const REMEMBERED_TOKENS = 4;

export function createConnectorAuthenticator(connector: ConnectorConfig, options: { jwt?: JwtVerifierOptions } = {}): BearerTokenCheck {
  if (connector.jwt) return createJwtVerifier(connector.jwt, options.jwt);
  if (connector.secretTokenHash !== undefined) {
    const stored = parseTokenHash(connector.secretTokenHash);
    // the schema lets only well-formed hashes through; this is the guard for hand-made configs
    if (!stored) throw new Error(`connectors.${connector.name}.secretTokenHash: not a sha256: or scrypt: hash`);
    if (stored.algorithm === 'sha256') return async (token) => ((await verifyTokenHash(token, stored)) ? { ok: true } : { ok: false, reason: 'token does not match secretTokenHash' });
    // scrypt costs tens of milliseconds: pay it once per token, then compare SHA-256 digests
    const verified: Buffer[] = [];
    return async (token) => {
      const digest = sha256(token);
      if (verified.some((known) => timingSafeEqual(known, digest))) return { ok: true };
      if (!(await verifyTokenHash(token, stored))) return { ok: false, reason: 'token does not match secretTokenHash' };
      verified.unshift(digest);
      verified.length = Math.min(verified.length, REMEMBERED_TOKENS);
      return { ok: true };
    };
  }
  if (connector.secretToken !== undefined) {
    const expected = sha256(connector.secretToken);
    return async (token) => (timingSafeEqual(sha256(token), expected) ? { ok: true } : { ok: false, reason: 'token does not match secretToken' });
  }
  throw new Error(`connector ${connector.name} has no secretToken, secretTokenHash or jwt`);
}
