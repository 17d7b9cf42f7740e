import http from 'node:http';
import https from 'node:https';
import { ConnectorError } from '@connector-host/connector-sdk';
import { networkError } from './target-errors';

export interface TlsSettings {
  /** PEM text of the CA certificate(s) to trust instead of the system's. */
  ca?: string;
  /** Default true. false accepts any certificate: for a test bench only. */
  rejectUnauthorized: boolean;
  /** SNI / certificate name when it differs from the URL's host. */
  serverName?: string;
}

export interface HttpClientSettings {
  /** The whole exchange (connect, send, answer) must finish within this. */
  timeoutMs: number;
  /** Sockets kept per target origin. */
  maxConnections: number;
  /** Answers larger than this are refused (a broken or hostile target must not exhaust memory). */
  maxResponseBytes: number;
  tls: TlsSettings;
}

export interface HttpRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string;
  /** Overrides the client's timeout for this request. */
  timeoutMs?: number;
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/**
 * HTTP/1.1 over node:http and node:https with keep-alive sockets, a custom CA and a hard timeout
 * on the whole exchange. Built on node:https rather than the global fetch because Node 20's fetch
 * cannot take a CA without importing undici, which is not a dependency of this project.
 * Failures below HTTP become retryable ConnectorErrors; statuses are the caller's to judge.
 */
export class HttpClient {
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;

  constructor(readonly settings: HttpClientSettings) {
    const common = { keepAlive: true, maxSockets: settings.maxConnections, maxFreeSockets: settings.maxConnections, scheduling: 'lifo' as const };
    this.httpAgent = new http.Agent(common);
    this.httpsAgent = new https.Agent({
      ...common,
      rejectUnauthorized: settings.tls.rejectUnauthorized,
      ...(settings.tls.ca ? { ca: settings.tls.ca } : {}),
      ...(settings.tls.serverName ? { servername: settings.tls.serverName } : {}),
    });
  }

  /** The agents, for libraries that make their own requests (the soap package's axios). */
  get agents(): { httpAgent: http.Agent; httpsAgent: https.Agent } {
    return { httpAgent: this.httpAgent, httpsAgent: this.httpsAgent };
  }

  send(request: HttpRequest): Promise<HttpResponse> {
    const what = `${request.method} ${request.url.origin}${request.url.pathname}`;
    const timeoutMs = request.timeoutMs ?? this.settings.timeoutMs;
    const secure = request.url.protocol === 'https:';
    if (!secure && request.url.protocol !== 'http:') {
      return Promise.reject(new ConnectorError('invalidValue', `${what}: only http and https URLs are supported`));
    }
    return new Promise<HttpResponse>((resolve, reject) => {
      let settled = false;
      const finish = (error: unknown, response?: HttpResponse): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error) reject(networkError(what, error));
        else resolve(response as HttpResponse);
      };
      const headers: Record<string, string | number> = { ...request.headers };
      if (request.body !== undefined) headers['content-length'] = Buffer.byteLength(request.body);
      let req: http.ClientRequest;
      try {
        req = (secure ? https : http).request(request.url, {
          method: request.method,
          headers,
          agent: secure ? this.httpsAgent : this.httpAgent,
          ...(secure && this.settings.tls.serverName ? { servername: this.settings.tls.serverName } : {}),
        });
      } catch (error) {
        // a header value with a line break, a bad method: nothing was sent
        reject(new ConnectorError('invalidValue', `${what}: the request cannot be sent (${(error as Error).message})`));
        return;
      }
      const timer = setTimeout(() => {
        const error = Object.assign(new Error(`no complete answer within ${timeoutMs} ms`), { code: 'TARGET_TIMEOUT' });
        req.destroy(error);
        finish(error);
      }, timeoutMs);
      req.on('error', (error) => finish(error));
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > this.settings.maxResponseBytes) {
            const error = Object.assign(new Error(`the answer is larger than ${this.settings.maxResponseBytes} bytes`), { code: 'TARGET_TOO_LARGE' });
            res.destroy(error);
            finish(error);
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', (error) => finish(error));
        res.on('aborted', () => finish(Object.assign(new Error('the answer was cut off'), { code: 'ECONNRESET' })));
        res.on('end', () => finish(undefined, { status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      });
      req.end(request.body);
    });
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}

/** A header's first value. */
export function headerOf(headers: http.IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
