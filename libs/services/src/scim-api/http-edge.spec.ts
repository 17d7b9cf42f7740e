import { Socket } from 'node:net';
import { ScimError } from '@connector-host/scim';
import { allowedMethods, answerClientError, MAX_JSON_DEPTH, nestedDeeperThan, parseJsonBody } from './http-edge';

const errorOf = (run: () => unknown): ScimError => {
  try {
    run();
  } catch (error) {
    if (error instanceof ScimError) return error;
    throw error;
  }
  throw new Error('expected a ScimError');
};

describe('request bodies', () => {
  it('parses JSON, and an empty body is no body', () => {
    expect(parseJsonBody('{"userName":"a","name":{"givenName":"b"}}')).toEqual({ userName: 'a', name: { givenName: 'b' } });
    expect(parseJsonBody('  ')).toBeUndefined();
    expect(errorOf(() => parseJsonBody('{"a":'))).toEqual(expect.objectContaining({ status: 400, scimType: 'invalidSyntax' }));
  });

  it(`refuses nesting deeper than ${MAX_JSON_DEPTH} levels, however deep, without overflowing the stack`, () => {
    const arrays = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;
    expect(parseJsonBody(arrays(MAX_JSON_DEPTH))).toBeDefined();
    for (const depth of [MAX_JSON_DEPTH + 1, 100_000]) {
      expect(errorOf(() => parseJsonBody(arrays(depth)))).toEqual(expect.objectContaining({ status: 400, scimType: 'invalidSyntax' }));
    }
    expect(errorOf(() => parseJsonBody(`${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`)).status).toBe(400);
    expect(nestedDeeperThan({ schemas: [], Operations: [{ op: 'add', value: { a: { b: [{ value: 'x' }] } } }] }, 7)).toBe(false);
  });
});

describe('405: a path that exists, for a method it does not take', () => {
  const routes = [
    { method: 'GET', url: '/:tenant/scim/:resource' },
    { method: 'POST', url: '/:tenant/scim/:resource' },
    { method: 'GET', url: '/:tenant/scim/:resource/:id' },
    { method: 'DELETE', url: '/:tenant/scim/:resource/:id' },
    { method: 'GET', url: '/healthz' },
  ];

  it('lists the methods of every route with this path; none when no route has it', () => {
    expect(allowedMethods('/ecma2host_demo/scim/Users?filter=x', routes)).toEqual(['GET', 'POST']);
    expect(allowedMethods('/ecma2host_demo/scim/Users/', routes)).toEqual(['GET', 'POST']);
    expect(allowedMethods('/ecma2host_demo/scim/Users/a%2Fb', routes)).toEqual(['DELETE', 'GET']);
    expect(allowedMethods('/healthz', routes)).toEqual(['GET']);
    for (const none of ['/', '/ecma2host_demo/scim', '/ecma2host_demo/scim/Users/a/b', '/metrics']) expect({ none, allowed: allowedMethods(none, routes) }).toEqual({ none, allowed: [] });
  });
});

describe('requests the HTTP parser refuses', () => {
  it('answers a SCIM error on the raw socket and closes it', () => {
    const written: string[] = [];
    const socket = Object.assign(new Socket(), { writable: true });
    socket.write = ((chunk: string) => written.push(chunk)) as never;
    socket.on('error', () => undefined); // the server's socket has its own listener
    answerClientError(Object.assign(new Error('Header overflow'), { code: 'HPE_HEADER_OVERFLOW' }), socket);
    const [head, body] = written[0]!.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 431 /);
    expect(head).toMatch(/\r\nContent-Type: application\/scim\+json/);
    expect(head).toMatch(/\r\nConnection: close/);
    expect(JSON.parse(body!)).toEqual(expect.objectContaining({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '431' }));
    expect(socket.destroyed).toBe(true);
  });
});
