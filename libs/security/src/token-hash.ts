/**
 * Secret tokens stored as hashes (`secretTokenHash` in the config), so that a leaked config file
 * or ConfigMap does not hand out the token itself:
 *
 * - `sha256:<64 hex>` — for generated, high-entropy tokens (what `token hash` makes by default).
 *   Checking costs nothing, so it stays cheap under load and under a flood of wrong tokens.
 * - `scrypt:<salt>:<hash>` (base64url, N=16384, r=8, p=1, 32 bytes) — for tokens a person chose,
 *   which a fast hash would not protect against guessing. Each check costs ~16 MiB and tens of
 *   milliseconds; a token once verified is remembered (as its SHA-256) so Entra's traffic pays once.
 *
 * Every comparison is constant-time.
 */
import { hash, randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export type TokenHashAlgorithm = 'sha256' | 'scrypt';
export const TOKEN_HASH_ALGORITHMS: readonly TokenHashAlgorithm[] = ['sha256', 'scrypt'];

/** The same shapes as the config schema's `secretTokenHash` pattern (a spec checks they agree). */
export const TOKEN_HASH_PATTERN = /^(sha256:[0-9a-f]{64}|scrypt:[A-Za-z0-9_-]{22}:[A-Za-z0-9_-]{43})$/;

const SCRYPT: ScryptOptions = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const SCRYPT_KEY_BYTES = 32;
const SCRYPT_SALT_BYTES = 16;

export type ParsedTokenHash = { algorithm: 'sha256'; digest: Buffer } | { algorithm: 'scrypt'; salt: Buffer; digest: Buffer };

/** One-shot `crypto.hash` (Node 20.12+): every request hashes its bearer token, and a Hash object per call cost more than the digest. */
export function sha256(text: string): Buffer {
  return hash('sha256', text, 'buffer');
}

function scrypt(token: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCallback(Buffer.from(token, 'utf8'), salt, SCRYPT_KEY_BYTES, SCRYPT, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** `sha256:<hex>` or `scrypt:<salt>:<hash>` for this token. */
export async function hashToken(token: string, algorithm: TokenHashAlgorithm = 'sha256'): Promise<string> {
  if (algorithm === 'sha256') return `sha256:${sha256(token).toString('hex')}`;
  const salt = randomBytes(SCRYPT_SALT_BYTES);
  return `scrypt:${salt.toString('base64url')}:${(await scrypt(token, salt)).toString('base64url')}`;
}

/** The parts of a stored hash, or undefined when it is not one of the two shapes. */
export function parseTokenHash(text: string): ParsedTokenHash | undefined {
  if (!TOKEN_HASH_PATTERN.test(text)) return undefined;
  const [algorithm, first, second] = text.split(':');
  if (algorithm === 'sha256') return { algorithm, digest: Buffer.from(first!, 'hex') };
  return { algorithm: 'scrypt', salt: Buffer.from(first!, 'base64url'), digest: Buffer.from(second!, 'base64url') };
}

/** Whether `presented` hashes to `stored`, in constant time. */
export async function verifyTokenHash(presented: string, stored: ParsedTokenHash): Promise<boolean> {
  const digest = stored.algorithm === 'sha256' ? sha256(presented) : await scrypt(presented, stored.salt);
  return digest.length === stored.digest.length && timingSafeEqual(digest, stored.digest);
}
