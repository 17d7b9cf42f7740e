/** What the settings schema cannot see: placeholders checked against the object's attributes. */
import { ConnectorError } from '@connector-host/connector-sdk';
import { RestConnector } from './rest.connector';
import { contextOf } from '../testing/connector-context';

const ATTRIBUTES = { id: { path: '/id', type: 'integer', readOnly: true }, userName: '/userName', org: '/org' };

async function bindError(operations: Record<string, unknown>, target: Record<string, unknown> = { attributes: ATTRIBUTES }, anchor = 'id'): Promise<ConnectorError | undefined> {
  const connector = new RestConnector(contextOf({ baseUrl: 'http://127.0.0.1:1' }, { anchor, target: { ...target, operations } }));
  try {
    await connector.discoverSchema();
    return undefined;
  } catch (error) {
    return error as ConnectorError;
  } finally {
    await connector.close();
  }
}

describe('rest templates, checked when the schema is bound', () => {
  it('accepts placeholders that name attributes and variables', async () => {
    expect(await bindError({ get: { url: '/users/{id}' }, find: { url: '/orgs/{org}/users?u={userName}' }, create: { url: '/orgs/{org}/users', body: { name: '{userName}', pw: '{$password}' } } })).toBeUndefined();
  });

  it.each([
    ['an unknown attribute', { get: { url: '/users/{nope}' } }, /get: \{nope\} names no attribute/],
    ['an unknown variable', { list: { url: '/users?p={$bogus}' } }, /\{\$bogus\} is not a variable/],
    ['a get addressed by a non-anchor attribute', { get: { url: '/orgs/{org}/users/{id}' } }, /may use only the anchor \{id\} or \{\$anchor\}, not \{org\}/],
    ['a list addressed by an attribute', { list: { url: '/users?name={userName}' } }, /list's address may use only variables/],
    ['a whole-object update without get', { update: { url: '/users/{id}', method: 'PUT' } }, /needs a get operation/],
    ['a body template naming no attribute', { create: { url: '/users', body: { x: '{missing}' } } }, /create: \{missing\} names no attribute/],
  ])('refuses %s', async (_label, operations, message) => {
    const error = await bindError(operations);
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error?.reason).toBe('invalidValue');
    expect(error?.message).toMatch(message);
  });

  it('needs the anchor among the attributes, and attributes from somewhere', async () => {
    expect((await bindError({ get: { url: '/u/{userName}' } }, { attributes: { userName: '/userName' } }, 'id'))?.message).toMatch(/anchor "id" of User is not among/);
    expect((await bindError({ get: { url: '/u/{$anchor}' } }, {}))?.message).toMatch(/give attributes, or a schema/);
  });

  it('refuses malformed templates at construction, naming the key', () => {
    expect(() => new RestConnector(contextOf({ baseUrl: 'http://x' }, { anchor: 'id', target: { operations: { get: { url: '/users/{id' } } } }))).toThrow(
      /objectTypes\.User\.target\.operations\.get\.url: "\/users\/\{id": a lone "\{"/,
    );
    expect(() => new RestConnector(contextOf({ baseUrl: 'http://x' }, { anchor: 'id', target: { attributes: { id: 'id' }, operations: { get: { url: '/u' } } } }))).toThrow(
      /attributes\.id: "id" is neither a JSON pointer/,
    );
  });
});
