import { createPublicKey, type JsonWebKey } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';

export interface SignOptions {
  /** Sign with a key the server does not publish, under the published key id: a forged signature. */
  forged?: boolean;
  /** `kid` header; default the published key's. */
  kid?: string;
  /** Seconds from now; negative = already expired. Default 3600. */
  expiresInSeconds?: number;
}

/** An identity provider's signing keys on loopback, as Entra publishes them, and tokens signed with them. */
export interface JwksServer {
  /** Where the JSON Web Key Set is: `http://127.0.0.1:PORT/discovery/keys`. */
  jwksUrl: string;
  /** How many times the key set was fetched. */
  readonly fetches: number;
  /** A token signed RS256 with the published key; `exp` 1 h ahead unless claims or options say otherwise. */
  sign(claims: JWTPayload, options?: SignOptions): Promise<string>;
  /** An `alg: none` token, which no verifier may accept. */
  unsigned(claims: JWTPayload): string;
  /** An HS256 token keyed with the public key's PEM: the RS256/HS256 confusion attack. */
  hmacWithPublicKey(claims: JWTPayload): Promise<string>;
  /** Publishes a new key (new kid) instead of the old one, as a key rollover does. */
  rotate(): Promise<void>;
  /** Answer 500 to every key set request from now on (or again serve the keys). */
  failing(fail: boolean): void;
  stop(): Promise<void>;
}

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
  publicPem: string;
}

async function newKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  const publicPem = createPublicKey({ key: publicJwk as JsonWebKey, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString();
  return { kid, privateKey, publicJwk, publicPem };
}

/** Starts the key server on a free loopback port. */
export async function startJwksServer(): Promise<JwksServer> {
  let generation = 1;
  let key = await newKey(`test-key-${generation}`);
  const stranger = await newKey('stranger');
  let fetches = 0;
  let fail = false;
  const server: Server = createServer((request, response) => {
    if (request.method === 'GET' && request.url === '/discovery/keys') {
      fetches++;
      if (fail) {
        response.writeHead(500).end();
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [key.publicJwk] }));
      return;
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const expiry = (claims: JWTPayload, seconds = 3600) => claims.exp ?? Math.floor(Date.now() / 1000) + seconds;

  return {
    jwksUrl: `http://127.0.0.1:${port}/discovery/keys`,
    get fetches() {
      return fetches;
    },
    async sign(claims, options = {}) {
      const signer = options.forged ? stranger : key;
      return new SignJWT({ ...claims, exp: expiry(claims, options.expiresInSeconds) })
        .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: options.kid ?? key.kid })
        .setIssuedAt()
        .sign(signer.privateKey);
    },
    unsigned(claims) {
      return new UnsecuredJWT({ ...claims, exp: expiry(claims) }).encode();
    },
    async hmacWithPublicKey(claims) {
      return new SignJWT({ ...claims, exp: expiry(claims) }).setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: key.kid }).sign(new TextEncoder().encode(key.publicPem));
    },
    async rotate() {
      generation++;
      key = await newKey(`test-key-${generation}`);
    },
    failing(value) {
      fail = value;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
