import { ScimError } from '../errors';
import { bjensen, tourGuides } from '../fixtures/resources.fixture';
import { ECMA_USER_URN, ENTERPRISE, GROUP, USER } from '../fixtures/resource-schemas.fixture';
import { entraGetGroupByDisplayName } from '../fixtures/entra-requests.fixture';
import { listResponse, parseListParams, projectAttributes, splitAttributeList } from './list';

function errorOf(run: () => unknown): ScimError {
  try {
    run();
  } catch (error) {
    if (error instanceof ScimError) return error;
    throw error;
  }
  throw new Error('expected a ScimError');
}

describe('listResponse', () => {
  it('renders a ListResponse with Resources', () => {
    expect(listResponse([{ id: 'a' }], { totalResults: 7, startIndex: 3 })).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      totalResults: 7,
      startIndex: 3,
      itemsPerPage: 1,
      Resources: [{ id: 'a' }],
    });
    expect(listResponse([])).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      totalResults: 0,
      startIndex: 1,
      itemsPerPage: 0,
      Resources: [],
    });
  });
});

describe('parseListParams', () => {
  it('reads the parameters, names case-insensitively', () => {
    const params = parseListParams({ filter: 'userName eq "x"', startindex: '6', COUNT: '5', attributes: 'userName,emails', excludedAttributes: 'members' });
    expect(params).toEqual({
      filter: 'userName eq "x"',
      parsedFilter: { type: 'compare', path: { attribute: 'userName' }, operator: 'eq', value: 'x' },
      startIndex: 6,
      count: 5,
      attributes: ['userName', 'emails'],
      excludedAttributes: ['members'],
    });
  });

  it('defaults and clamps startIndex and count', () => {
    expect(parseListParams({})).toEqual({ startIndex: 1, count: 1000, attributes: [], excludedAttributes: [] });
    expect(parseListParams({ startIndex: '0', count: '-3' })).toMatchObject({ startIndex: 1, count: 0 });
    expect(parseListParams({ startIndex: '-10' })).toMatchObject({ startIndex: 1 });
    expect(parseListParams({ count: '5000' }, { maxCount: 100 })).toMatchObject({ count: 100 });
    expect(parseListParams({}, { maxCount: 100, defaultCount: 25 })).toMatchObject({ count: 25 });
    expect(parseListParams({ count: '99999999999999999999' }, { maxCount: 100 })).toMatchObject({ count: 100 });
  });

  it('reads URLSearchParams and repeated parameters', () => {
    const search = new URLSearchParams('filter=active%20eq%20true&startIndex=2&count=1');
    expect(parseListParams(search)).toMatchObject({ filter: 'active eq true', startIndex: 2, count: 1 });
    expect(parseListParams({ count: ['3', '4'] })).toMatchObject({ count: 3 });
  });

  it('reads Entra group lookups', () => {
    expect(parseListParams(entraGetGroupByDisplayName)).toMatchObject({
      filter: 'displayName eq "displayName"',
      excludedAttributes: ['members'],
    });
  });

  it('ignores an empty filter and refuses a broken one', () => {
    expect(parseListParams({ filter: '  ' }).filter).toBeUndefined();
    const error = errorOf(() => parseListParams({ filter: 'userName eq' }));
    expect(error.scimType).toBe('invalidFilter');
  });

  it('refuses non-numeric startIndex and count with invalidValue', () => {
    for (const [name, value] of [['startIndex', 'abc'], ['count', '1.5'], ['count', '10abc']]) {
      const error = errorOf(() => parseListParams({ [name!]: value }));
      expect([error.scimType, error.detail]).toEqual(['invalidValue', `"${name}" must be an integer`]);
    }
  });

  it('splits attribute lists on commas outside value filters and strings', () => {
    expect(splitAttributeList(' userName , emails[type eq "a,b"], urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager,,')).toEqual([
      'userName',
      'emails[type eq "a,b"]',
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager',
    ]);
  });
});

describe('projectAttributes', () => {
  it('returns the default set: drops returned-never attributes (password, export_password)', () => {
    const projected = projectAttributes(bjensen(), {}, USER);
    expect(projected.password).toBeUndefined();
    expect((projected[ECMA_USER_URN] as Record<string, unknown>).export_password).toBeUndefined();
    expect((projected[ECMA_USER_URN] as Record<string, unknown>).FirstName).toBe('Barbara');
    const { password: _password, [ECMA_USER_URN]: ecma, ...rest } = bjensen();
    const { export_password: _secret, ...ecmaRest } = ecma as Record<string, unknown>;
    expect(projected).toEqual({ ...rest, [ECMA_USER_URN]: ecmaRest });
  });

  it('keeps only the requested attributes plus id, schemas and meta', () => {
    const projected = projectAttributes(bjensen(), { attributes: ['userName', 'EMAILS'] }, USER);
    expect(Object.keys(projected).sort()).toEqual(['emails', 'id', 'meta', 'schemas', 'userName']);
    expect(projected.emails).toEqual(bjensen().emails);
  });

  it('selects sub-attributes and URN-qualified attributes', () => {
    const projected = projectAttributes(
      bjensen(),
      { attributes: ['name.givenName', `${ENTERPRISE}:manager`, `${ECMA_USER_URN}:objectClass`, 'urn:ietf:params:scim:schemas:core:2.0:User:nickName'] },
      USER,
    );
    expect(projected.name).toEqual({ givenName: 'Barbara' });
    expect(projected[ENTERPRISE]).toEqual({ manager: (bjensen()[ENTERPRISE] as Record<string, unknown>).manager });
    expect(projected[ECMA_USER_URN]).toEqual({ objectClass: ['top', 'inetOrgPerson'] });
    expect(projected.nickName).toBe('Babs');
    expect(projected.emails).toBeUndefined();
  });

  it('selects a whole extension by its URN', () => {
    const projected = projectAttributes(bjensen(), { attributes: [ECMA_USER_URN] }, USER);
    expect(Object.keys(projected[ECMA_USER_URN] as object)).not.toContain('export_password');
    expect(Object.keys(projected[ECMA_USER_URN] as object)).toContain('AccountName');
    expect(projected[ENTERPRISE]).toBeUndefined();
  });

  it('reads a value filter in attributes as its attribute (the reference collection sends one)', () => {
    expect(projectAttributes(bjensen(), { attributes: ['emails[type eq "work"]'] }, USER).emails).toEqual(bjensen().emails);
  });

  it('excludes attributes, sub-attributes and extensions, but never id, schemas or meta', () => {
    const group = projectAttributes(tourGuides(), { excludedAttributes: ['members'] }, GROUP);
    expect(group).toEqual({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      id: 'e9e30dba-f08f-4109-8486-d5c6a331660a',
      displayName: 'Tour Guides',
      meta: tourGuides().meta,
    });
    const user = projectAttributes(bjensen(), { excludedAttributes: ['id', 'meta', 'schemas', 'name.formatted', ENTERPRISE, 'emails'] }, USER);
    expect(user.id).toBe(bjensen().id);
    expect(user.meta).toEqual(bjensen().meta);
    expect(user.schemas).toEqual(bjensen().schemas);
    expect(user.name).toEqual({ familyName: "O'Malley", givenName: 'Barbara', honorificPrefix: 'Ms.' });
    expect(user[ENTERPRISE]).toBeUndefined();
    expect(user.emails).toBeUndefined();
    expect(user.userName).toBe('bjensen@example.com');
  });

  it('never returns password, even when asked for', () => {
    expect(projectAttributes(bjensen(), { attributes: ['password', `${ECMA_USER_URN}:export_password`] }, USER)).toEqual({
      schemas: bjensen().schemas,
      id: bjensen().id,
      meta: bjensen().meta,
    });
  });

  it('ignores names that do not resolve', () => {
    expect(projectAttributes(bjensen(), { attributes: ['shoeSize', 'emails[', 'urn:x:y:z'] }, USER)).toEqual({
      schemas: bjensen().schemas,
      id: bjensen().id,
      meta: bjensen().meta,
    });
  });

  it('does not mutate the resource', () => {
    const resource = bjensen();
    projectAttributes(resource, { attributes: ['name.givenName'] }, USER);
    expect(resource).toEqual(bjensen());
  });
});
