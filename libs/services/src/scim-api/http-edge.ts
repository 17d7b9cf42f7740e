/**
 * What the HTTP server answers before any controller runs — bodies it cannot parse, URLs it cannot
 * route, requests it cannot even read — as SCIM errors, never the web framework's own JSON.
 */
import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ScimError } from '@connector-host/scim';

export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';

/**
 * The deepest JSON a request body may nest. A SCIM PATCH is about 7 levels deep (Operations → op →
 * value → extension → attribute → values → sub-attribute); far deeper input only serves to exhaust
 * the stack of the code that walks it, so it is refused while parsing.
 */
export const MAX_JSON_DEPTH = 32;

/**
 * The longest path segment (an id) the router accepts: anchors such as DNs are longer than
 * Fastify's default 100 characters; a longer one is 414.
 */
export const MAX_ID_LENGTH = 2048;

/** A request body as JSON, or a SCIM invalidSyntax error; empty means no body. */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw ScimError.invalidSyntax('the request body is not valid JSON');
  }
  if (nestedDeeperThan(value, MAX_JSON_DEPTH)) throw ScimError.invalidSyntax(`the request body nests deeper than ${MAX_JSON_DEPTH} levels`);
  return value;
}

/** Whether arrays and objects nest deeper than `limit`; iterative, so no input can overflow the stack. */
export function nestedDeeperThan(value: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth + 1 > limit) return true;
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
  return false;
}

/** Fastify's `frameworkErrors`: an id longer than MAX_ID_LENGTH (414) or a path that is no valid URL (400). */
export function answerFrameworkError(error: Error & { code?: string }, _request: FastifyRequest, reply: FastifyReply): void {
  const scim = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? uriTooLong() : ScimError.invalidSyntax('the URL is not valid: a percent-escape is broken or not UTF-8');
  void reply.status(scim.status).header('content-type', SCIM_CONTENT_TYPE).send(scim.toBody());
}

function uriTooLong(): ScimError {
  return new ScimError(414, `a path segment (an id) is longer than ${MAX_ID_LENGTH} characters`);
}

/**
 * Node's `clientError`: a request the HTTP parser refused (headers or URL over the 16 KiB limit,
 * broken framing). Answered as a SCIM error on the raw socket, which is then closed.
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const scim =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? new ScimError(431, 'the request line and headers are longer than the server accepts (16 KiB): shorten the URL, filter or headers')
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? new ScimError(408, 'the request was not received in time')
        : ScimError.invalidSyntax('the request is not valid HTTP');
  const body = JSON.stringify(scim.toBody());
  const reason = { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' }[scim.status] ?? 'Error';
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${scim.status} ${reason}\r\nContent-Type: ${SCIM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

/**
 * The methods the routes matching `url` take (`/:param` matches any one segment), for a 405 with
 * `Allow` when a path exists but not for this method. Empty when no route has this path.
 */
export function allowedMethods(url: string, routes: ReadonlyArray<{ method: string; url: string }>): string[] {
  const path = url.split('?')[0]!.replace(/\/+$/, '');
  const segments = path.split('/');
  const allowed = new Set<string>();
  for (const route of routes) {
    const pattern = route.url.replace(/\/+$/, '').split('/');
    if (pattern.length !== segments.length) continue;
    if (pattern.every((part, i) => (part.startsWith(':') ? segments[i] !== '' : part === segments[i]))) allowed.add(route.method);
  }
  return [...allowed].sort();
}
