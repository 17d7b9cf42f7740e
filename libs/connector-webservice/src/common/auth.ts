import { ConnectorError } from '@connector-host/connector-sdk';
import { headerOf, type HttpClient } from './http-client';
import { statusError } from './target-errors';

/** `connection.auth`: how every request to the target authenticates. */
export type AuthSettings =
  | { type: 'none' }
  | { type: 'bearer'; token: string }
  | { type: 'basic'; username: string; password: string }
  | { type: 'apiKey'; header: string; key: string }
  | {
      type: 'oauth2';
      tokenUrl: string;
      clientId: string;
      clientSecret: string;
      scope?: string;
      audience?: string;
      /** `basic` (RFC 6749 §2.3.1, the default) or `body` (client_id / client_secret form fields). */
      clientAuth: 'basic' | 'body';
    };

/** Refresh this long before the token says it expires. */
const EXPIRY_MARGIN_MS = 30_000;
/** A token that states no lifetime is kept until the target refuses it, but no longer than this. */
const DEFAULT_LIFETIME_MS = 3_600_000;

interface CachedToken {
  value: string;
  type: string;
  expiresAt: number;
}

/**
 * Adds credentials to requests. OAuth2 client-credentials tokens are fetched once, shared by
 * concurrent requests (one token request in flight at a time), refreshed before they expire and
 * again when the target answers 401.
 */
export class Authenticator {
  private token?: CachedToken;
  private pending?: Promise<CachedToken>;
  /** Token requests made so far (observable in tests). */
  tokenRequests = 0;

  constructor(
    private readonly settings: AuthSettings,
    private readonly http: HttpClient,
    private readonly now: () => number = Date.now,
  ) {}

  /** Every secret this authenticator holds, so that error texts can be scrubbed of them. */
  secrets(): string[] {
    const s = this.settings;
    const out: string[] = [];
    if (s.type === 'bearer') out.push(s.token);
    if (s.type === 'basic') out.push(s.password, Buffer.from(`${s.username}:${s.password}`).toString('base64'));
    if (s.type === 'apiKey') out.push(s.key);
    if (s.type === 'oauth2') out.push(s.clientSecret, Buffer.from(`${encodeForm(s.clientId)}:${encodeForm(s.clientSecret)}`).toString('base64'));
    if (this.token) out.push(this.token.value);
    return out;
  }

  async headers(): Promise<Record<string, string>> {
    const s = this.settings;
    switch (s.type) {
      case 'none':
        return {};
      case 'bearer':
        return { authorization: `Bearer ${s.token}` };
      case 'basic':
        return { authorization: `Basic ${Buffer.from(`${s.username}:${s.password}`).toString('base64')}` };
      case 'apiKey':
        return { [s.header.toLowerCase()]: s.key };
      case 'oauth2': {
        const token = await this.currentToken();
        return { authorization: `${/^bearer$/i.test(token.type) ? 'Bearer' : token.type} ${token.value}` };
      }
    }
  }

  /**
   * The target answered 401: forget a cached OAuth2 token. True when a new attempt with fresh
   * credentials makes sense (only OAuth2 can get new ones).
   */
  rejected(): boolean {
    if (this.settings.type !== 'oauth2') return false;
    this.token = undefined;
    return true;
  }

  private currentToken(): Promise<CachedToken> {
    if (this.token && this.token.expiresAt > this.now()) return Promise.resolve(this.token);
    this.pending ??= this.fetchToken().finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async fetchToken(): Promise<CachedToken> {
    const s = this.settings;
    if (s.type !== 'oauth2') throw new Error('not an OAuth2 authenticator');
    const url = new URL(s.tokenUrl);
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (s.scope) form.set('scope', s.scope);
    if (s.audience) form.set('audience', s.audience);
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
    if (s.clientAuth === 'body') {
      form.set('client_id', s.clientId);
      form.set('client_secret', s.clientSecret);
    } else {
      headers.authorization = `Basic ${Buffer.from(`${encodeForm(s.clientId)}:${encodeForm(s.clientSecret)}`).toString('base64')}`;
    }
    this.tokenRequests++;
    const what = `OAuth2 token request to ${url.origin}${url.pathname}`;
    const response = await this.http.send({ method: 'POST', url, headers, body: form.toString() });
    if (response.status < 200 || response.status >= 300) {
      const error = statusError({
        status: response.status,
        what,
        body: response.text,
        retryAfter: headerOf(response.headers, 'retry-after'),
        secrets: this.secrets(),
      });
      // a refused client (400 invalid_client, 401) is a configuration problem, not a missing object
      if (!error.retryable) throw new ConnectorError('permissionDenied', error.message);
      throw error;
    }
    let body: { access_token?: unknown; token_type?: unknown; expires_in?: unknown };
    try {
      body = JSON.parse(response.text) as typeof body;
    } catch {
      throw new ConnectorError('unavailable', `${what}: the answer is not JSON`);
    }
    if (typeof body.access_token !== 'string' || body.access_token === '') {
      throw new ConnectorError('unavailable', `${what}: the answer has no access_token`);
    }
    const lifetimeS = typeof body.expires_in === 'number' ? body.expires_in : typeof body.expires_in === 'string' ? Number(body.expires_in) : NaN;
    const lifetimeMs = Number.isFinite(lifetimeS) && lifetimeS > 0 ? lifetimeS * 1000 : DEFAULT_LIFETIME_MS;
    const margin = Math.min(EXPIRY_MARGIN_MS, lifetimeMs / 10);
    this.token = {
      value: body.access_token,
      type: typeof body.token_type === 'string' && body.token_type ? body.token_type : 'Bearer',
      expiresAt: this.now() + lifetimeMs - margin,
    };
    return this.token;
  }
}

/** RFC 6749 §2.3.1: client id and secret are form-encoded before Basic encoding. */
function encodeForm(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, '+');
}
