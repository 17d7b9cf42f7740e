/**
 * Every connection and target setting of the three types goes through the host's config loader
 * with the factories' settings schemas: a bad key is a ConfigError naming it (and its line).
 */
import { ConfigError, parseConfig } from '@connector-host/config';
import { restConnectorFactory, scimConnectorFactory, soapConnectorFactory } from './index';

const schemas = Object.fromEntries([restConnectorFactory, soapConnectorFactory, scimConnectorFactory].map((f) => [f.type, f.settingsSchema]));
const env = { APP_SECRET_TOKEN: 'a-long-enough-secret-token', API_TOKEN: 'api-token-value-123' };

function yamlOf(type: string, connection: string[], target: string[]): string {
  return [
    'connectors:',
    '  app:',
    `    type: ${type}`,
    '    secretToken: ${APP_SECRET_TOKEN}',
    '    connection:',
    ...connection.map((l) => `      ${l}`),
    '    objectTypes:',
    '      User:',
    '        anchor: id',
    '        target:',
    ...target.map((l) => `          ${l}`),
  ].join('\n');
}

const REST_CONNECTION = ['baseUrl: http://127.0.0.1:3000', 'auth: { type: bearer, token: "${API_TOKEN}" }'];
const REST_TARGET = ['attributes: { id: { path: /id, type: integer, readOnly: true }, userName: /userName }', 'operations:', '  get: { url: "/users/{id}" }'];

function issues(text: string): Array<{ path: string; message: string; line?: number }> {
  try {
    parseConfig(text, { env, sourceName: 'test.yaml', connectorSettingsSchemas: schemas });
  } catch (error) {
    if (error instanceof ConfigError) return [...error.issues];
    throw error;
  }
  return [];
}

describe('web service connector settings through the config loader', () => {
  it('accepts complete settings of each type', () => {
    expect(issues(yamlOf('rest', REST_CONNECTION, REST_TARGET))).toEqual([]);
    expect(
      issues(
        yamlOf(
          'soap',
          ['wsdlUrl: http://h/users?wsdl', 'wsSecurity: { username: u, password: "${API_TOKEN}", passwordType: PasswordText }', 'faults: [{ match: NotFound, reason: notFound }]'],
          ['operations:', '  get: { operation: GetUser, request: { userName: "{$anchor}" }, response: /user }'],
        ),
      ),
    ).toEqual([]);
    expect(issues(yamlOf('scim', ['baseUrl: https://app/scim/v2', 'auth: { type: oauth2, tokenUrl: "https://login/token", clientId: x, clientSecret: "${API_TOKEN}" }'], ['update: put', 'pageSize: 50']))).toEqual([]);
  });

  it.each([
    ['a misspelt connection key', yamlOf('rest', ['baseURL: http://x', ...REST_CONNECTION.slice(1)], REST_TARGET), 'connectors.app.connection.baseURL', /unknown key "baseURL" \(did you mean "baseUrl"\?\)/],
    ['a misspelt auth key', yamlOf('rest', ['baseUrl: http://x', 'auth: { type: bearer, tokn: x }'], REST_TARGET), 'connectors.app.connection.auth.tokn', /unknown key "tokn"/],
    ['a key of another auth type', yamlOf('rest', ['baseUrl: http://x', 'auth: { type: bearer, token: t, username: u }'], REST_TARGET), 'connectors.app.connection.auth.username', /not a setting of bearer auth/],
    ['a missing oauth2 secret', yamlOf('rest', ['baseUrl: http://x', 'auth: { type: oauth2, tokenUrl: "http://t", clientId: c }'], REST_TARGET), 'connectors.app.connection.auth.clientSecret', /is required/],
    ['a misspelt operation key', yamlOf('rest', REST_CONNECTION, ['operations:', '  get: { urll: "/users/{id}" }']), 'connectors.app.objectTypes.User.target.operations.get.urll', /unknown key "urll"/],
    ['an unknown operation', yamlOf('rest', REST_CONNECTION, ['operations:', '  fetch: { url: /x }']), 'connectors.app.objectTypes.User.target.operations.fetch', /unknown key "fetch"/],
    ['a URL outside baseUrl', yamlOf('rest', REST_CONNECTION, ['operations:', '  get: { url: "http://evil/{id}" }']), 'connectors.app.objectTypes.User.target.operations.get.url', /path under baseUrl/],
    ['page paging without its parameter', yamlOf('rest', REST_CONNECTION, ['operations:', '  list: { url: /users, paging: { type: page } }']), 'connectors.app.objectTypes.User.target.operations.list.paging.pageParam', /is required/],
    ['a misspelt attribute setting', yamlOf('rest', REST_CONNECTION, ['attributes: { id: { path: /id, typ: integer } }', 'operations:', '  get: { url: "/users/{id}" }']), 'connectors.app.objectTypes.User.target.attributes.id.typ', /unknown key "typ"/],
    ['an attribute path that is not one', yamlOf('rest', REST_CONNECTION, ['attributes: { id: id }', 'operations:', '  get: { url: "/users/{id}" }']), 'connectors.app.objectTypes.User.target.attributes.id', /pattern/],
    ['a soap connection without a WSDL', yamlOf('soap', ['endpoint: http://h/users'], ['operations:', '  get: { operation: GetUser }']), 'connectors.app.connection', /needs wsdlUrl or wsdlFile/],
    ['a soap fault rule with an unknown reason', yamlOf('soap', ['wsdlUrl: http://h/x', 'faults: [{ match: x, reason: gone }]'], ['operations:', '  get: { operation: GetUser }']), 'connectors.app.connection.faults[0].reason', /must be one of/],
    ['a misspelt wsSecurity key', yamlOf('soap', ['wsdlUrl: http://h/x', 'wsSecurity: { username: u, password: p, pasword: q }'], ['operations:', '  get: { operation: GetUser }']), 'connectors.app.connection.wsSecurity.pasword', /unknown key/],
    ['a scim update mode', yamlOf('scim', ['baseUrl: https://app/scim'], ['update: merge']), 'connectors.app.objectTypes.User.target.update', /must be one of: patch, put/],
    ['a misspelt scim target key', yamlOf('scim', ['baseUrl: https://app/scim'], ['endpont: /Users']), 'connectors.app.objectTypes.User.target.endpont', /did you mean "endpoint"/],
  ])('%s is a ConfigError naming the key', (_label, text, path, message) => {
    const found = issues(text);
    expect(found).toEqual(expect.arrayContaining([expect.objectContaining({ path, message: expect.stringMatching(message) })]));
    expect(found.find((i) => i.path === path)?.line).toEqual(expect.any(Number));
  });

  it('never echoes a secret in an error', () => {
    const found = issues(yamlOf('rest', ['baseUrl: http://x', 'auth: { type: bearer, token: "${API_TOKEN}", extra: 1 }'], REST_TARGET));
    expect(JSON.stringify(found)).not.toContain(env.API_TOKEN);
  });
});
