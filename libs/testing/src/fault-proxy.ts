/**
 * A real HTTP server in front of a real target (json-server, the SOAP service, a second host), for
 * the failure paths the target itself cannot be asked for: 429 with Retry-After, 500, slow and
 * malformed answers, and credentials (bearer, basic, API key, OAuth2 client credentials with its
 * own token endpoint). Everything else is forwarded untouched, Host header included, so the
 * target's own Link and Location URLs point back at the proxy.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

export interface CannedAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export type Fault =
  /** Answer this instead of forwarding. */
  | { kind: 'answer'; answer: CannedAnswer }
  /** Forward, then hold the target's answer this long. */
  | { kind: 'slow'; delayMs: number }
  /** Forward, then replace the answer's body with this (status and headers kept). */
  | { kind: 'malformed'; body: string }
  /** Forward, then cut the connection without answering. */
  | { kind: 'reset' };

export interface FaultRule {
  method?: string;
  /** Matched against the path and query. */
  path?: RegExp;
  fault: Fault;
  /** How many requests it applies to. Default 1. */
  times?: number;
}

export type ProxyAuth =
  | { type: 'bearer'; token: string }
  | { type: 'basic'; username: string; password: string }
  | { type: 'apiKey'; header: string; key: string }
  | { type: 'oauth2'; clientId: string; clientSecret: string; expiresInSeconds: number };

export interface SeenRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  /** The request body as text (first 64 KiB). */
  body: string;
  /** What the proxy did: forwarded, or the fault it applied, or refused (401). */
  outcome: 'forwarded' | Fault['kind'] | 'unauthorized' | 'token';
}

export interface FaultProxy {
  url: string;
  port: number;
  /** Every request seen, oldest first. */
  requests: SeenRequest[];
  /** Tokens the OAuth2 endpoint (`POST /oauth/token`) issued. */
  issuedTokens: string[];
  inject(rule: FaultRule): void;
  clearFaults(): void;
  /** Expires every issued OAuth2 token now (the next API call gets 401). */
  expireTokens(): void;
  stop(): Promise<void>;
}

export interface FaultProxyOptions {
  auth?: ProxyAuth;
  /**
   * Cursor paging for a target that only offers offsets (json-server): `GET <path>?cursor=C&limit=N`
   * is sent on as `_start=C&_limit=N`, and the answer comes back as `{ data: [...], next: C+N | null }`.
   */
  cursorEnvelope?: RegExp;
  /** Listen on this port (to come back where a stopped proxy was); default: a free one. */
  port?: number;
  /** Serve https with this PEM key and certificate (the target's own TLS, for CA checks). */
  tls?: { key: string; cert: string };
}

export async function startFaultProxy(target: string, options: FaultProxyOptions = {}): Promise<FaultProxy> {
  const targetUrl = new URL(target);
  const rules: Array<FaultRule & { left: number }> = [];
  const requests: SeenRequest[] = [];
  const tokens = new Map<string, number>();
  const issuedTokens: string[] = [];
  const auth = options.auth;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

  const take = (method: string, path: string): Fault | undefined => {
    const index = rules.findIndex((r) => r.left > 0 && (!r.method || r.method === method) && (!r.path || r.path.test(path)));
    if (index < 0) return undefined;
    const rule = rules[index]!;
    rule.left--;
    if (rule.left <= 0) rules.splice(index, 1);
    return rule.fault;
  };

  const authorized = (req: http.IncomingMessage): boolean => {
    if (!auth) return true;
    const header = req.headers.authorization ?? '';
    switch (auth.type) {
      case 'bearer':
        return header === `Bearer ${auth.token}`;
      case 'basic':
        return header === `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
      case 'apiKey':
        return req.headers[auth.header.toLowerCase()] === auth.key;
      case 'oauth2': {
        const token = /^Bearer (.+)$/.exec(header)?.[1];
        const expires = token ? tokens.get(token) : undefined;
        return expires !== undefined && expires > Date.now();
      }
    }
  };

  const issueToken = (req: http.IncomingMessage, body: string, res: http.ServerResponse): void => {
    if (auth?.type !== 'oauth2') {
      res.writeHead(404).end();
      return;
    }
    const form = new URLSearchParams(body);
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const [id, secret] = basic
      ? Buffer.from(basic, 'base64').toString('utf8').split(':').map((v) => decodeURIComponent(v.replace(/\+/g, ' ')))
      : [form.get('client_id'), form.get('client_secret')];
    if (form.get('grant_type') !== 'client_credentials' || id !== auth.clientId || secret !== auth.clientSecret) {
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'invalid_client', error_description: 'unknown client or wrong secret' }));
      return;
    }
    const token = randomUUID();
    tokens.set(token, Date.now() + auth.expiresInSeconds * 1000);
    issuedTokens.push(token);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: auth.expiresInSeconds }));
  };

  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const method = req.method ?? 'GET';
      const path = req.url ?? '/';
      const seen: SeenRequest = { method, path, headers: req.headers, body: body.subarray(0, 65536).toString('utf8'), outcome: 'forwarded' };
      requests.push(seen);
      if (method === 'POST' && path === '/oauth/token') {
        seen.outcome = 'token';
        issueToken(req, body.toString('utf8'), res);
        return;
      }
      if (!authorized(req)) {
        seen.outcome = 'unauthorized';
        res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer' }).end(JSON.stringify({ message: 'missing or wrong credentials' }));
        return;
      }
      const fault = take(method, path);
      if (fault) seen.outcome = fault.kind;
      let forwardPath = path;
      let envelope: { start: number; limit: number } | undefined;
      const parsed = new URL(path, 'http://proxy');
      if (method === 'GET' && options.cursorEnvelope?.test(parsed.pathname) && parsed.searchParams.has('limit')) {
        const start = Number(parsed.searchParams.get('cursor') ?? '0');
        const limit = Number(parsed.searchParams.get('limit'));
        parsed.searchParams.delete('cursor');
        parsed.searchParams.delete('limit');
        parsed.searchParams.set('_start', String(start));
        parsed.searchParams.set('_limit', String(limit));
        forwardPath = `${parsed.pathname}${parsed.search}`;
        envelope = { start, limit };
      }
      if (fault?.kind === 'answer') {
        res.writeHead(fault.answer.status, fault.answer.headers ?? {}).end(fault.answer.body ?? '');
        return;
      }
      const headers = { ...req.headers };
      // credentials the proxy checked are its own; otherwise they are the target's and pass through
      if (auth) delete headers.authorization;
      const upstream = http.request(
        { host: targetUrl.hostname, port: targetUrl.port, method, path: forwardPath, headers, agent },
        (answer) => {
          const parts: Buffer[] = [];
          answer.on('data', (c: Buffer) => parts.push(c));
          answer.on('end', () => {
            const send = (): void => {
              if (fault?.kind === 'reset') {
                req.socket.destroy();
                return;
              }
              let payload = Buffer.concat(parts);
              const out = { ...answer.headers };
              if (envelope && answer.statusCode === 200) {
                const data = JSON.parse(payload.toString('utf8')) as unknown[];
                const next = data.length === envelope.limit ? String(envelope.start + envelope.limit) : null;
                payload = Buffer.from(JSON.stringify({ data, next }));
                delete out.etag;
              }
              if (fault?.kind === 'malformed') {
                payload = Buffer.from(fault.body);
                delete out.etag;
              }
              out['content-length'] = String(payload.length);
              delete out['transfer-encoding'];
              if (!res.destroyed) res.writeHead(answer.statusCode ?? 502, out).end(payload);
            };
            if (fault?.kind === 'slow') setTimeout(send, fault.delayMs).unref();
            else send();
          });
        },
      );
      upstream.on('error', (error) => {
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' }).end(`proxy: ${error.message}`);
      });
      upstream.end(body);
    });
  };
  const server = options.tls ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, handler) : http.createServer(handler);
  const sockets = new Set<import('node:net').Socket>();
  server.on(options.tls ? 'secureConnection' : 'connection', (socket: import('node:net').Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    requests,
    issuedTokens,
    inject: (rule) => rules.push({ ...rule, left: rule.times ?? 1 }),
    clearFaults: () => rules.splice(0, rules.length),
    expireTokens: () => {
      for (const token of tokens.keys()) tokens.set(token, 0);
    },
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      agent.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
