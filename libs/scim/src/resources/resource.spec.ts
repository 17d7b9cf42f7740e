import { ScimError } from '../errors';
import { entraCreateGroup, entraCreateUser } from '../fixtures/entra-requests.fixture';
import { postmanPostEmp1StringTrue, postmanPostEnterpriseUser, postmanPutMisspelledAttribute } from '../fixtures/conformance-requests.fixture';
import { ECMA_USER_URN, ENTERPRISE, GROUP, USER } from '../fixtures/resource-schemas.fixture';
import { ResourceSchema } from '../schemas/resource-schema';
import { CORE_USER_SCHEMA } from '../schemas/core-user.schema';
import { ecma2HostExtension } from '../schemas/ecma2host.schema';
import { missingRequired, normalizeResource } from './resource';

const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

function errorOf(run: () => unknown): ScimError {
  try {
    run();
  } catch (error) {
    if (error instanceof ScimError) return error;
    throw error;
  }
  throw new Error('expected a ScimError');
}

describe('normalizeResource', () => {
  it("normalises Entra's Create User body: meta dropped, empty roles dropped, schemas from the data", () => {
    expect(normalizeResource(entraCreateUser, USER)).toEqual({
      schemas: [CORE_USER],
      externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
      userName: 'Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1',
      active: true,
      emails: [{ primary: true, type: 'work', value: 'Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com' }],
      name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
    });
  });

  it("tolerates the unknown schema URN in Entra's Create Group body", () => {
    expect(normalizeResource(entraCreateGroup, GROUP)).toEqual({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
      displayName: 'displayName',
    });
  });

  it('canonicalises attribute names, inside extensions and sub-attributes too', () => {
    expect(normalizeResource(postmanPostEnterpriseUser, USER)).toEqual({
      schemas: [CORE_USER, ENTERPRISE],
      userName: 'UserName222',
      active: true,
      displayName: 'lennay',
      externalId: '2f7c1b6a-6a49-4c34-8c55-0f0c1b2f9d1e',
      name: { formatted: 'Adrew Ryan', familyName: 'Ryan', givenName: 'Andrew' },
      emails: [
        { primary: true, type: 'work', value: 'testing@bob2.com' },
        { primary: false, type: 'home', value: 'testinghome@bob3.com' },
      ],
      [ENTERPRISE]: { department: 'bob', manager: { value: 'SuzzyQ' } },
    });
    expect(normalizeResource({ USERNAME: 'x', DisplayName: 'y', 'urn:ietf:params:scim:schemas:extension:ecma2host:2.0:user': { firstname: 'B' } }, USER)).toEqual({
      schemas: [CORE_USER, ECMA_USER_URN],
      userName: 'x',
      displayName: 'y',
      [ECMA_USER_URN]: { FirstName: 'B' },
    });
  });

  it('refuses a number or boolean where the schema says string, and strings no target can store (NUL, lone surrogates)', () => {
    for (const value of [42, 0, -1.5, true, false, [42], ['a\u0000b'], '\u0000', 'x\ud800', '\udc00x', 'a\ud83d']) {
      for (const body of [{ userName: value }, { name: { givenName: value } }, { [ECMA_USER_URN]: { FirstName: value } }]) {
        const error = errorOf(() => normalizeResource({ schemas: [CORE_USER], ...body }, USER));
        expect({ body, status: error.status, scimType: error.scimType }).toEqual({ body, status: 400, scimType: 'invalidValue' });
      }
    }
    // a whole surrogate pair (an emoji), combining marks and RTL marks are ordinary text
    expect(normalizeResource({ schemas: [CORE_USER], userName: '\u{1F642} e\u0301 \u202E' }, USER).userName).toBe('\u{1F642} e\u0301 \u202E');
  });

  it('coerces "True" for booleans and drops nulls (the reference collection\'s emp1)', () => {
    const result = normalizeResource(postmanPostEmp1StringTrue, USER);
    expect(result.active).toBe(true);
    expect(result.addresses).toEqual([
      {
        country: 'Bermuda',
        formatted: '9132 Jennifer Way Suite 040\nSouth Nancy, MI 55645',
        locality: 'West Mercedes',
        postalCode: '99265',
        region: 'Montana',
        streetAddress: '4939 Hess Fork',
        type: 'work',
        primary: false,
      },
      { formatted: '18522 Lisa Unions\nEast Gregory, CT 52311', type: 'other', primary: false },
    ]);
    expect(result.name).toEqual({ formatted: 'Daniel Mcgee', familyName: 'Employee', givenName: 'Darl' });
    expect('meta' in result).toBe(false);
    expect('roles' in result).toBe(false);
  });

  it('drops a misspelt attribute by default, or refuses it when asked', () => {
    const result = normalizeResource(postmanPutMisspelledAttribute, USER);
    expect(result).toEqual({ schemas: [CORE_USER], userName: 'OMalley', active: false, displayName: 'Kimberly Baker' });
    expect(JSON.stringify(result)).not.toMatch(/adreses|Germany/i);
    const error = errorOf(() => normalizeResource(postmanPutMisspelledAttribute, USER, { unknownAttributes: 'reject' }));
    expect([error.scimType, error.detail]).toEqual(['invalidSyntax', 'Unknown attribute "adreses"']);
  });

  it('folds flattened URN-qualified keys into their extension', () => {
    expect(
      normalizeResource(
        {
          userName: 'bjensen',
          [`${ECMA_USER_URN}:FirstName`]: 'Barbara',
          [`${ECMA_USER_URN}:EmployeeId`]: '42',
          [`${ECMA_USER_URN}:-dn-`]: 'CN=bjensen,OBJECT=USER',
          [ECMA_USER_URN]: { LastName: 'Jensen' },
          [`${ENTERPRISE}:manager`]: 'm1',
          [`${CORE_USER}:displayName`]: 'Babs',
          'name.givenName': 'Barbara',
        },
        USER,
      ),
    ).toEqual({
      schemas: [CORE_USER, ENTERPRISE, ECMA_USER_URN],
      userName: 'bjensen',
      displayName: 'Babs',
      name: { givenName: 'Barbara' },
      [ECMA_USER_URN]: { FirstName: 'Barbara', EmployeeId: 42, '-dn-': 'CN=bjensen,OBJECT=USER', LastName: 'Jensen' },
      [ENTERPRISE]: { manager: { value: 'm1' } },
    });
  });

  it('drops readOnly attributes a client sends, keeps writeOnly ones', () => {
    const result = normalizeResource(
      {
        id: 'client-chosen',
        userName: 'x',
        password: 'p',
        groups: [{ value: 'g1' }],
        meta: { resourceType: 'User' },
        [ENTERPRISE]: { manager: { value: 'm1', displayName: 'Boss' } },
        [ECMA_USER_URN]: { InternalGUID: 'abc', export_password: 'Initial#1' },
      },
      USER,
    );
    expect(result).toEqual({
      schemas: [CORE_USER, ENTERPRISE, ECMA_USER_URN],
      userName: 'x',
      password: 'p',
      [ENTERPRISE]: { manager: { value: 'm1' } },
      [ECMA_USER_URN]: { export_password: 'Initial#1' },
    });
  });

  it('tolerates unknown schema URNs, as keys and flattened', () => {
    expect(
      normalizeResource({ userName: 'x', 'urn:example:ext:2.0:User': { a: 1 }, 'urn:example:ext:2.0:User:b': 2, 'http://schemas.microsoft.com/x': 1 }, USER),
    ).toEqual({ schemas: [CORE_USER], userName: 'x' });
  });

  it('drops an extension object that holds nothing', () => {
    expect(normalizeResource({ userName: 'x', [ENTERPRISE]: { department: null, manager: { value: '' } } }, USER)).toEqual({
      schemas: [CORE_USER],
      userName: 'x',
    });
  });

  it('wraps single values of multi-valued attributes', () => {
    expect(normalizeResource({ displayName: 'g', members: 'u1' }, GROUP).members).toEqual([{ value: 'u1' }]);
    expect(normalizeResource({ userName: 'x', [ECMA_USER_URN]: { objectClass: 'person' } }, USER)[ECMA_USER_URN]).toEqual({ objectClass: ['person'] });
  });

  it.each<[string, unknown, string, string]>([
    ['a string body', 'userName=x', 'invalidSyntax', 'The request body must be a JSON object'],
    ['an array body', [{ userName: 'x' }], 'invalidSyntax', 'The request body must be a JSON object'],
    ['a null body', null, 'invalidSyntax', 'The request body must be a JSON object'],
    ['a wrong boolean', { userName: 'x', active: 'yes' }, 'invalidValue', 'Attribute "active" must be a boolean (true or false)'],
    ['an object for a string', { userName: { first: 'x' } }, 'invalidValue', 'Attribute "userName" must be a string'],
    ['a wrong sub-attribute type', { userName: 'x', emails: [{ value: 'a@b', primary: 'sometimes' }] }, 'invalidValue', 'Attribute "emails.primary" must be a boolean (true or false)'],
    ['a wrong extension type', { userName: 'x', [ECMA_USER_URN]: { EmployeeId: 'many' } }, 'invalidValue', `Attribute "${ECMA_USER_URN}:EmployeeId" must be an integer`],
    ['a non-object extension', { userName: 'x', [ENTERPRISE]: 'sales' }, 'invalidValue', `"${ENTERPRISE}" must be a JSON object of its attributes`],
    ['two values for a single-valued attribute', { userName: ['a', 'b'] }, 'invalidValue', 'Attribute "userName" is single-valued but got 2 values'],
  ])('refuses %s', (_name, body, scimType, detail) => {
    const error = errorOf(() => normalizeResource(body, USER));
    expect(error.status).toBe(400);
    expect([error.scimType, error.detail]).toEqual([scimType, detail]);
  });
});

describe('missingRequired', () => {
  it('lists missing required attributes, core and extension, by canonical path', () => {
    expect(missingRequired({ userName: 'x', [ECMA_USER_URN]: { AccountName: 'X' } }, USER)).toEqual([]);
    expect(missingRequired({ displayName: 'x' }, USER)).toEqual(['userName', `${ECMA_USER_URN}:AccountName`]);
    expect(missingRequired({ userName: '', [ECMA_USER_URN]: { AccountName: null } }, USER)).toEqual(['userName', `${ECMA_USER_URN}:AccountName`]);
    expect(missingRequired({ members: [] }, GROUP)).toEqual(['displayName']);
  });

  it('reports a required extension without data by its URN, and required sub-attributes', () => {
    const strict = new ResourceSchema({
      resourceType: 'User',
      endpoint: '/Users',
      core: CORE_USER_SCHEMA,
      extensions: [{ schema: ecma2HostExtension('User', [{ name: 'mail', type: 'string', multiValued: false, required: false, caseExact: false }]), required: true }],
    });
    expect(missingRequired({ userName: 'x' }, strict)).toEqual([ECMA_USER_URN]);
    expect(missingRequired({ userName: 'x', [ECMA_USER_URN]: { mail: 'a' } }, strict)).toEqual([]);
  });
});
