import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ScimError } from '@connector-host/scim';
import { parseJsonBody } from './http-edge';

const JSON_TYPES = /^application\/(scim\+)?json(\s*;.*)?$/i;

/** The SCIM endpoints that take no body: a write to them answers 405 from the controller, whatever the body holds. */
const READ_ONLY_ENDPOINTS = new Set(['schemas', 'resourcetypes', 'serviceproviderconfig']);

function toReadOnlyEndpoint(request: FastifyRequest): boolean {
  const resource = (request.params as Record<string, unknown> | undefined)?.resource;
  return typeof resource === 'string' && READ_ONLY_ENDPOINTS.has(resource.toLowerCase());
}

/**
 * The request bodies the HTTP server reads: JSON only, as `application/scim+json` or
 * `application/json`, with SCIM errors for bad ones.
 * - Any other declared type (text/plain, a fastify default; form data) answers 415 and is never applied.
 * - No Content-Type at all is read as JSON: RFC 9110 §8.3 lets a recipient examine the data, and a
 *   SCIM endpoint takes nothing else (Okta's SCIM 2.0 spec test creates its user this way).
 * - A body sent to a read-only endpoint (`POST /Schemas`) is not parsed: the answer is 405
 *   (RFC 7644 §3.2 serves them with GET only) whether the body is JSON or not.
 */
export function registerScimBodyParsers(fastify: FastifyInstance, bodyLimit: number): void {
  fastify.removeAllContentTypeParsers();
  const parseJson = (request: FastifyRequest, body: string | Buffer, done: (error: Error | null, body?: unknown) => void): void => {
    if (toReadOnlyEndpoint(request)) return done(null, undefined);
    try {
      // JSON nested no deeper than MAX_JSON_DEPTH; empty is no body
      done(null, parseJsonBody(typeof body === 'string' ? body : body.toString('utf8')));
    } catch (error) {
      done(error as ScimError, undefined);
    }
  };
  fastify.addContentTypeParser(JSON_TYPES, { parseAs: 'string', bodyLimit }, parseJson);
  // fastify's catch-all: a declared type no parser above takes, and no Content-Type at all
  fastify.addContentTypeParser('*', { parseAs: 'string', bodyLimit }, (request, body, done) => {
    if (request.headers['content-type'] !== undefined) {
      return done(new ScimError(415, 'unsupported content type: send application/scim+json or application/json', 'invalidSyntax'), undefined);
    }
    parseJson(request, body, done);
  });
}
