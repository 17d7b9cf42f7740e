import Fastify, { type FastifyInstance } from 'fastify';
import { registerScimBodyParsers } from './scim-body-parser';
import { toScimError } from './scim-exception.filter';

/** A bare Fastify with the host's body parsers and error rendering; each route echoes what it was given. */
async function server(): Promise<FastifyInstance> {
  const fastify = Fastify();
  registerScimBodyParsers(fastify, 1024);
  fastify.setErrorHandler((error, _request, reply) => {
    const scim = toScimError(error);
    void reply.status(scim.status).send(scim.toBody());
  });
  fastify.post('/:tenant/scim/:resource', async (request) => ({ body: request.body ?? null }));
  await fastify.ready();
  return fastify;
}

describe('registerScimBodyParsers', () => {
  let fastify: FastifyInstance;
  beforeAll(async () => {
    fastify = await server();
  });
  afterAll(() => fastify.close());

  const post = (url: string, payload: string, headers: Record<string, string> = {}) => fastify.inject({ method: 'POST', url, payload, headers });

  it('reads application/scim+json and application/json', async () => {
    for (const type of ['application/scim+json', 'application/json; charset=utf-8']) {
      const response = await post('/t/scim/Users', '{"userName":"a"}', { 'content-type': type });
      expect({ type, status: response.statusCode, body: response.json() }).toEqual({ type, status: 200, body: { body: { userName: 'a' } } });
    }
  });

  it('reads a body without a Content-Type as JSON (Okta spec test 2016-11 creates its user so)', async () => {
    const response = await fastify.inject({ method: 'POST', url: '/t/scim/Users', payload: Buffer.from('{"userName":"a"}') });
    expect({ status: response.statusCode, body: response.json() }).toEqual({ status: 200, body: { body: { userName: 'a' } } });
  });

  it('answers bad JSON without a Content-Type with 400 invalidSyntax', async () => {
    const response = await fastify.inject({ method: 'POST', url: '/t/scim/Users', payload: Buffer.from('test') });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual(expect.objectContaining({ scimType: 'invalidSyntax', detail: 'the request body is not valid JSON' }));
  });

  it('still answers any other declared type with 415, JSON inside or not', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) {
      const response = await post('/t/scim/Users', '{"userName":"a"}', { 'content-type': type });
      expect({ type, status: response.statusCode, scimType: response.json().scimType }).toEqual({ type, status: 415, scimType: 'invalidSyntax' });
    }
  });

  it('does not parse a body sent to a read-only endpoint, so that the controller answers 405', async () => {
    for (const resource of ['ServiceProviderConfig', 'ResourceTypes', 'schemas']) {
      const response = await post(`/t/scim/${resource}`, 'test\r\n\r\n', { 'content-type': 'application/scim+json; charset=utf-8' });
      expect({ resource, status: response.statusCode, body: response.json() }).toEqual({ resource, status: 200, body: { body: null } });
    }
    const users = await post('/t/scim/Users', 'test', { 'content-type': 'application/scim+json' });
    expect(users.statusCode).toBe(400);
  });
});
