import { ScimError } from '../errors';
import * as entra from '../fixtures/entra-requests.fixture';
import * as postman from '../fixtures/conformance-requests.fixture';
import { bjensen, tourGuides } from '../fixtures/resources.fixture';
import { ECMA_GROUP_URN, ECMA_USER_URN, ENTERPRISE, GROUP, USER } from '../fixtures/resource-schemas.fixture';
import type { ResourceSchema } from '../schemas/resource-schema';
import { applyPatch, parsePatchRequest, type PatchOperation } from './patch';

const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

/** Parses a body as the HTTP edge does and applies it as the export worker does. */
function patch(resource: Record<string, unknown>, body: unknown, schema: ResourceSchema = USER): Record<string, unknown> {
  return applyPatch(resource, parsePatchRequest(body), schema);
}

function ops(...operations: Array<Record<string, unknown>>) {
  return { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: operations };
}

function errorOf(run: () => unknown): ScimError {
  try {
    run();
  } catch (error) {
    if (error instanceof ScimError) return error;
    throw error;
  }
  throw new Error('expected a ScimError');
}

function user(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { schemas: [CORE_USER], id: 'u1', userName: 'bjensen', active: true, ...extra };
}

describe('parsePatchRequest', () => {
  it('reads a PatchOp body, whatever the casing of Operations, op, path and value', () => {
    expect(parsePatchRequest(entra.entraPatchUserMultiValued)).toEqual([
      { op: 'replace', path: 'emails[type eq "work"].value', value: 'updatedEmail@microsoft.com' },
      { op: 'replace', path: 'name.familyName', value: 'updatedFamilyName' },
    ]);
    expect(
      parsePatchRequest({
        schemas: ['URN:IETF:PARAMS:SCIM:API:MESSAGES:2.0:PATCHOP'],
        operations: [{ OP: 'REMOVE', Path: 'nickName' }],
      }),
    ).toEqual([{ op: 'remove', path: 'nickName' }]);
    expect(parsePatchRequest({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], OPERATIONS: [{ Op: 'Add', Value: { nickName: 'x' } }] })).toEqual([
      { op: 'add', value: { nickName: 'x' } },
    ]);
  });

  it('ignores members Entra and Postman add (id, name)', () => {
    expect(parsePatchRequest(postman.postmanPatchAddMemberAsString)).toEqual([{ op: 'add', path: 'members', value: 'string id 1' }]);
    expect(parsePatchRequest(postman.postmanPatchAddMember)).toEqual([
      { op: 'add', path: 'members', value: [{ displayName: 'new User', value: 'id4' }] },
    ]);
  });

  it('keeps a null value (replace with null clears)', () => {
    expect(parsePatchRequest(ops({ op: 'replace', path: 'nickName', value: null }))).toEqual([{ op: 'replace', path: 'nickName', value: null }]);
  });

  it.each<[string, unknown, string, string]>([
    ['a body that is not an object', '[]', 'invalidSyntax', 'The PATCH request body must be a JSON object'],
    ['an array body', [], 'invalidSyntax', 'The PATCH request body must be a JSON object'],
    ['no schemas', { Operations: [{ op: 'add', path: 'a', value: 1 }] }, 'invalidSyntax', 'The PATCH request must list "urn:ietf:params:scim:api:messages:2.0:PatchOp" in "schemas"'],
    ['the wrong schema', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], Operations: [] }, 'invalidSyntax', 'The PATCH request must list "urn:ietf:params:scim:api:messages:2.0:PatchOp" in "schemas"'],
    ['no Operations', { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'] }, 'invalidSyntax', 'The PATCH request must have a non-empty "Operations" array'],
    ['empty Operations', ops(), 'invalidSyntax', 'The PATCH request must have a non-empty "Operations" array'],
    ['Operations not an array', { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: { op: 'add' } }, 'invalidSyntax', 'The PATCH request must have a non-empty "Operations" array'],
    ['an operation that is not an object', ops('add' as unknown as Record<string, unknown>), 'invalidSyntax', 'Operation 1 must be a JSON object'],
    ['an unknown op', ops({ op: 'copy', path: 'a', value: 1 }), 'invalidSyntax', 'Operation 1: "op" must be "add", "replace" or "remove"'],
    ['a missing op', ops({ path: 'a', value: 1 }), 'invalidSyntax', 'Operation 1: "op" must be "add", "replace" or "remove"'],
    ['a path that is not a string', ops({ op: 'add', path: 5, value: 1 }), 'invalidPath', 'Operation 1: "path" must be a string'],
    ['a broken path', ops({ op: 'add', path: 'emails[type eq "work"', value: 1 }), 'invalidPath', 'Invalid path at position 22: expected "]" closing the value filter, found the end of the input'],
    ['remove without path', ops({ op: 'Remove' }), 'noTarget', 'Operation 1: a remove operation needs a "path"'],
    ['add without path or object', ops({ op: 'add', value: 'x' }), 'invalidSyntax', 'Operation 1: an add operation without "path" needs an object "value" keyed by attribute paths'],
    ['replace without value', ops({ op: 'add', path: 'nickName', value: 'x' }, { op: 'replace', path: 'nickName' }), 'invalidSyntax', 'Operation 2: an replace operation needs a "value"'],
  ])('refuses %s', (_name, body, scimType, detail) => {
    const error = errorOf(() => parsePatchRequest(body));
    expect(error.status).toBe(400);
    expect(error.scimType).toBe(scimType);
    expect(error.detail).toBe(detail);
  });
});

describe('applyPatch: Microsoft Entra request bodies', () => {
  it('never mutates its input', () => {
    const original = bjensen();
    const frozen = JSON.stringify(original);
    patch(original, entra.entraPatchUserMultiValued);
    patch(original, entra.entraManagerAsString);
    expect(JSON.stringify(original)).toBe(frozen);
  });

  it('replaces the work email value and the family name (Update User [Multi-valued properties])', () => {
    const result = patch(bjensen(), entra.entraPatchUserMultiValued);
    expect(result.emails).toEqual([
      { value: 'updatedEmail@microsoft.com', type: 'work', primary: true },
      { value: 'babs@jensen.org', type: 'home' },
    ]);
    expect(result.name).toMatchObject({ familyName: 'updatedFamilyName', givenName: 'Barbara' });
  });

  it('creates the work email when the user has none, as Entra expects', () => {
    const result = patch(user(), entra.entraPatchUserMultiValued);
    expect(result.emails).toEqual([{ type: 'work', value: 'updatedEmail@microsoft.com' }]);
    expect(result.name).toEqual({ familyName: 'updatedFamilyName' });
    const withHome = patch(user({ emails: [{ type: 'home', value: 'h@x' }] }), entra.entraPatchUserMultiValued);
    expect(withHome.emails).toEqual([
      { type: 'home', value: 'h@x' },
      { type: 'work', value: 'updatedEmail@microsoft.com' },
    ]);
  });

  it('replaces a single-valued attribute (Update User [Single-valued properties])', () => {
    expect(patch(bjensen(), entra.entraPatchUserSingleValued).userName).toBe('5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com');
  });

  it('disables a user in both dialects: false with the flag, "False" without', () => {
    expect(patch(user(), entra.entraDisableUser).active).toBe(false);
    expect(patch(user(), entra.entraDisableUserWithoutFlag).active).toBe(false);
    expect(patch(user(), entra.entraDisableUserPathless).active).toBe(false);
    expect(patch(user({ active: false }), ops({ op: 'Replace', path: 'active', value: 'True' })).active).toBe(true);
    expect(patch(user({ active: false }), ops({ op: 'Replace', path: 'active', value: 'true' })).active).toBe(true);
  });

  it('adds an attribute in both dialects', () => {
    expect(patch(user(), entra.entraAddNickNameWithoutFlag).nickName).toBe('Babs');
    expect(patch(user(), entra.entraAddNickNameWithFlag).nickName).toBe('Babs');
  });

  it('applies a path-less value keyed by plain, dotted, filtered and URN-qualified paths', () => {
    const result = patch(user(), entra.entraPathlessAddMany);
    expect(result).toEqual({
      schemas: [CORE_USER, ENTERPRISE],
      id: 'u1',
      userName: 'bjensen',
      active: true,
      displayName: 'Babs Jensen',
      name: { givenName: 'Barbara', familyName: 'Jensen' },
      emails: [{ type: 'work', value: 'bjensen@example.com' }],
      [ENTERPRISE]: { employeeNumber: '701984', department: 'Tour Operations' },
    });
  });

  it('applies a path-less value holding an extension object, and skips schemas and unknown URNs', () => {
    const result = patch(
      user(),
      ops({
        op: 'replace',
        value: {
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
          [ENTERPRISE]: { department: 'Sales', Manager: { Value: 'm1' } },
          [`${ECMA_USER_URN}:FirstName`]: 'Barbara',
          'urn:ietf:params:scim:schemas:extension:Other:2.0:User': { whatever: 1 },
          'urn:ietf:params:scim:schemas:extension:Other:2.0:User:thing': 'x',
        },
      }),
    );
    expect(result[ENTERPRISE]).toEqual({ department: 'Sales', manager: { value: 'm1' } });
    expect(result[ECMA_USER_URN]).toEqual({ FirstName: 'Barbara' });
    expect(result.schemas).toEqual([CORE_USER, ENTERPRISE, ECMA_USER_URN]);
  });

  it('sets the manager from a string, {value} or [{"$ref": null, "value"}], always as { value }', () => {
    const expected = { value: 'b6fbd2bf-0dbc-4ca5-9d4d-a3e4a3b5b1e4' };
    for (const body of [entra.entraManagerAsString, entra.entraManagerAsObject, entra.entraManagerAsList]) {
      // The old manager's $ref and displayName describe someone else: the whole value is replaced.
      expect((patch(bjensen(), body)[ENTERPRISE] as Record<string, unknown>).manager).toEqual(expected);
      expect((patch(user(), body)[ENTERPRISE] as Record<string, unknown>).manager).toEqual(expected);
    }
    const inbound = patch(user(), postman.inboundPatchManager);
    expect(inbound[ENTERPRISE]).toEqual({ manager: { value: 'manager-id' } });
    expect(inbound.schemas).toEqual([CORE_USER, ENTERPRISE]);
  });

  it('clears the manager with null or an empty string, and removes the extension when it empties', () => {
    const only = user({ [ENTERPRISE]: { manager: { value: 'm1' } } });
    for (const value of [null, '', [], { value: null }]) {
      const result = patch(only, ops({ op: 'Replace', path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager', value }));
      expect(result[ENTERPRISE]).toBeUndefined();
      expect(result.schemas).toEqual([CORE_USER]);
    }
    const removed = patch(bjensen(), ops({ op: 'Remove', path: 'manager' }));
    expect((removed[ENTERPRISE] as Record<string, unknown>).manager).toBeUndefined();
    expect((removed[ENTERPRISE] as Record<string, unknown>).department).toBe('Tour Operations');
  });

  it('removes the manager only when a given value still matches it', () => {
    const current = user({ [ENTERPRISE]: { manager: { value: 'm1' } } });
    expect(patch(current, ops({ op: 'Remove', path: 'manager', value: [{ $ref: null, value: 'm2' }] }))[ENTERPRISE]).toEqual({ manager: { value: 'm1' } });
    expect(patch(current, ops({ op: 'Remove', path: 'manager', value: [{ $ref: null, value: 'M1' }] }))[ENTERPRISE]).toBeUndefined();
    expect(patch(current, ops({ op: 'Remove', path: 'manager[value eq "m1"]' }))[ENTERPRISE]).toBeUndefined();
    const error = errorOf(() => patch(current, ops({ op: 'Remove', path: 'manager[value eq "m2"]' })));
    expect(error.scimType).toBe('noTarget');
    expect(error.detail).toBe(`No value of "${ENTERPRISE}:manager" matches the filter`);
  });

  it('replaces the group displayName (Update Group [Non-member attributes])', () => {
    expect(patch(tourGuides(), entra.entraPatchGroupDisplayName, GROUP).displayName).toBe('1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName');
  });

  it('adds members without duplicates (Update Group [Add Members])', () => {
    const added = patch(tourGuides(), entra.entraAddMembers, GROUP);
    expect(added.members).toEqual([
      { value: '2819c223-7f76-453a-919d-413861904646', display: 'Babs Jensen' },
      { value: '902c246b-6245-4190-8e05-00816be7344a', display: 'Mandy Pepperidge' },
      { value: 'f648f8d5ea4e4cd38e9c' },
    ]);
    expect(patch(added, entra.entraAddMembers, GROUP).members).toEqual(added.members);
    const empty = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], id: 'g1', displayName: 'g' };
    expect(patch(empty, entra.entraAddMembers, GROUP).members).toEqual([{ value: 'f648f8d5ea4e4cd38e9c' }]);
  });

  it('removes exactly the listed members, never all (Update Group [Remove Members])', () => {
    const group = { ...tourGuides(), members: [{ value: 'a4b8e5f1d6254a8f9c' }, { value: 'keep-1' }, { value: 'keep-2' }] };
    expect(patch(group, entra.entraRemoveMembers, GROUP).members).toEqual([{ value: 'keep-1' }, { value: 'keep-2' }]);
    // Not a member (already removed: a retry): nothing changes, nothing fails.
    expect(patch(tourGuides(), entra.entraRemoveMembers, GROUP).members).toEqual(tourGuides().members);
    // A value list that names nobody removes nobody.
    for (const value of [null, [], [{}], [{ $ref: null }], [{ value: null }]]) {
      expect(patch(tourGuides(), ops({ op: 'Remove', path: 'members', value }), GROUP).members).toEqual(tourGuides().members);
    }
    const several = patch(
      tourGuides(),
      ops({ op: 'Remove', path: 'members', value: [{ value: '2819c223-7f76-453a-919d-413861904646' }, { value: '902c246b-6245-4190-8e05-00816be7344a' }] }),
      GROUP,
    );
    expect(several.members).toBeUndefined();
  });

  it('removes a member by value filter (with the flag)', () => {
    const group = { ...tourGuides(), members: [{ value: '7f4bc1a3-285e-48ae-8202-5accb43efb0e' }, { value: 'keep' }] };
    expect(patch(group, entra.entraRemoveMemberWithFlag, GROUP).members).toEqual([{ value: 'keep' }]);
    const error = errorOf(() => patch(tourGuides(), entra.entraRemoveMemberWithFlag, GROUP));
    expect(error.scimType).toBe('noTarget');
  });

  it('writes ECMA2Host extension attributes with coercion', () => {
    const result = patch(user(), entra.entraEcmaAttributes);
    expect(result[ECMA_USER_URN]).toEqual({ FirstName: 'Barbara', 'msDS-UserAccountDisabled': true, objectClass: ['inetOrgPerson', 'posixAccount'] });
    expect(result.schemas).toEqual([CORE_USER, ECMA_USER_URN]);
  });
});

describe('applyPatch: the Microsoft reference collection', () => {
  it('adds a member given with an unknown sub-attribute (displayName), and one given as a bare string', () => {
    const group = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], id: 'g-1', displayName: 'Group 1' };
    const withMember = patch(group, postman.postmanPatchAddMember, GROUP);
    expect(withMember.members).toEqual([{ value: 'id4' }]);
    const withStrings = patch(patch(group, postman.postmanPatchAddMemberAsString, GROUP), ops({ op: 'add', path: 'members', value: 'string id 2' }), GROUP);
    expect(withStrings.members).toEqual([{ value: 'string id 1' }, { value: 'string id 2' }]);
  });

  it('removes a member by filter, then all members', () => {
    const group = { ...tourGuides(), members: [{ value: 'id3' }, { value: 'id4' }] };
    const one = patch(group, postman.postmanPatchRemoveMemberByFilter, GROUP);
    expect(one.members).toEqual([{ value: 'id3' }]);
    expect(patch(group, postman.postmanPatchRemoveAllMembers, GROUP).members).toBeUndefined();
  });

  it('replaces userName with a capitalised op', () => {
    expect(patch(user(), postman.postmanPatchReplaceUserName).userName).toBe('newusername');
  });
});

describe('applyPatch: RFC 7644 §3.5.2 semantics', () => {
  it('adds to a multi-valued attribute and replaces it whole', () => {
    const added = patch(bjensen(), ops({ op: 'add', path: 'emails', value: [{ value: 'new@x.org', type: 'other' }] }));
    expect(added.emails).toHaveLength(3);
    const replaced = patch(bjensen(), ops({ op: 'replace', path: 'emails', value: [{ value: 'new@x.org', type: 'other' }] }));
    expect(replaced.emails).toEqual([{ value: 'new@x.org', type: 'other' }]);
  });

  it('keeps one primary value: the newest wins', () => {
    const result = patch(bjensen(), ops({ op: 'add', path: 'emails', value: [{ value: 'new@x.org', type: 'other', primary: 'True' }] }));
    expect(result.emails).toEqual([
      { value: 'bjensen@example.com', type: 'work', primary: false },
      { value: 'babs@jensen.org', type: 'home' },
      { value: 'new@x.org', type: 'other', primary: true },
    ]);
  });

  it('merges sub-attributes when replacing a single-valued complex attribute', () => {
    const result = patch(bjensen(), ops({ op: 'replace', path: 'name', value: { givenName: 'Babs' } }));
    expect(result.name).toEqual({ formatted: 'Ms. Barbara J Jensen, III', familyName: "O'Malley", givenName: 'Babs', honorificPrefix: 'Ms.' });
  });

  it('replaces every value matching a filter, or one of their sub-attributes', () => {
    const person = user({ phoneNumbers: [{ value: '1', type: 'work' }, { value: '2', type: 'work' }, { value: '3', type: 'home' }] });
    expect(patch(person, ops({ op: 'replace', path: 'phoneNumbers[type eq "work"].value', value: '9' })).phoneNumbers).toEqual([
      { value: '9', type: 'work' },
      { value: '9', type: 'work' },
      { value: '3', type: 'home' },
    ]);
    expect(patch(person, ops({ op: 'replace', path: 'phoneNumbers[type eq "home"]', value: { value: '4', type: 'mobile' } })).phoneNumbers).toEqual([
      { value: '1', type: 'work' },
      { value: '2', type: 'work' },
      { value: '4', type: 'mobile' },
    ]);
  });

  it('creates a filtered value only when the filter describes one; otherwise noTarget', () => {
    const created = patch(user(), ops({ op: 'add', path: 'addresses[type eq "work" and primary eq true].locality', value: 'Hollywood' }));
    expect(created.addresses).toEqual([{ type: 'work', primary: true, locality: 'Hollywood' }]);
    const error = errorOf(() => patch(user(), ops({ op: 'replace', path: 'emails[value co "@x"].type', value: 'work' })));
    expect(error.scimType).toBe('noTarget');
    expect(error.detail).toBe('No value of "emails" matches the filter');
  });

  it('removes a filtered value, or only its sub-attribute', () => {
    expect(patch(bjensen(), ops({ op: 'remove', path: 'emails[type eq "home"]' })).emails).toEqual([
      { value: 'bjensen@example.com', type: 'work', primary: true },
    ]);
    expect(patch(bjensen(), ops({ op: 'remove', path: 'emails[type eq "work"].primary' })).emails).toEqual([
      { value: 'bjensen@example.com', type: 'work' },
      { value: 'babs@jensen.org', type: 'home' },
    ]);
    expect(errorOf(() => patch(bjensen(), ops({ op: 'remove', path: 'emails[type eq "other"]' }))).scimType).toBe('noTarget');
  });

  it('treats replace of a filtered value with null as remove, without noTarget when nothing matches', () => {
    expect(patch(bjensen(), ops({ op: 'replace', path: 'emails[type eq "home"].value', value: null })).emails).toEqual([
      { value: 'bjensen@example.com', type: 'work', primary: true },
      { type: 'home' },
    ]);
    expect(patch(user(), ops({ op: 'replace', path: 'emails[type eq "work"].value', value: '' })).emails).toBeUndefined();
  });

  it('removes an attribute without value, and a sub-attribute', () => {
    expect(patch(bjensen(), ops({ op: 'remove', path: 'nickName' })).nickName).toBeUndefined();
    expect(patch(bjensen(), ops({ op: 'remove', path: 'name.honorificPrefix' })).name).toEqual({
      formatted: 'Ms. Barbara J Jensen, III',
      familyName: "O'Malley",
      givenName: 'Barbara',
    });
    expect(patch(user(), ops({ op: 'remove', path: 'nickName' }))).toEqual(user());
  });

  it('replaces with null or "" as remove, and ignores an add of null', () => {
    expect('nickName' in patch(bjensen(), ops({ op: 'Replace', path: 'nickName', value: null }))).toBe(false);
    expect('nickName' in patch(bjensen(), ops({ op: 'Replace', path: 'nickName', value: '' }))).toBe(false);
    expect('emails' in patch(bjensen(), ops({ op: 'Replace', path: 'emails', value: [] }))).toBe(false);
    expect(patch(bjensen(), ops({ op: 'add', path: 'nickName', value: null })).nickName).toBe('Babs');
  });

  it('removes values of a multi-valued primitive attribute', () => {
    const result = patch(bjensen(), ops({ op: 'remove', path: `${ECMA_USER_URN}:objectClass`, value: ['TOP'] }));
    expect((result[ECMA_USER_URN] as Record<string, unknown>).objectClass).toEqual(['inetOrgPerson']);
    const filtered = patch(bjensen(), ops({ op: 'remove', path: `${ECMA_USER_URN}:objectClass[value eq "inetOrgPerson"]` }));
    expect((filtered[ECMA_USER_URN] as Record<string, unknown>).objectClass).toEqual(['top']);
  });

  it('removes a whole extension by its URN, and replaces one from an object', () => {
    const removed = patch(bjensen(), ops({ op: 'remove', path: ENTERPRISE }));
    expect(removed[ENTERPRISE]).toBeUndefined();
    expect(removed.schemas).toEqual([CORE_USER, ECMA_USER_URN]);
    const replaced = patch(user(), ops({ op: 'replace', path: ENTERPRISE, value: { costCenter: '4130' } }));
    expect(replaced[ENTERPRISE]).toEqual({ costCenter: '4130' });
  });

  it('coerces numbers, decimals and dateTimes for the attribute type', () => {
    const result = patch(
      user(),
      ops(
        { op: 'add', path: `${ECMA_USER_URN}:EmployeeId`, value: '42' },
        { op: 'add', path: `${ECMA_USER_URN}:Salary`, value: '12.5' },
        { op: 'add', path: `${ECMA_USER_URN}:HireDate`, value: '9999-12-31' },
        { op: 'add', path: `${ECMA_USER_URN}:-dn-`, value: 'CN=u1,OBJECT=USER' },
      ),
    );
    expect(result[ECMA_USER_URN]).toEqual({ EmployeeId: 42, Salary: 12.5, HireDate: '9999-12-31', '-dn-': 'CN=u1,OBJECT=USER' });
  });

  it('works with group extension attributes', () => {
    const result = patch(tourGuides(), ops({ op: 'add', path: `${ECMA_GROUP_URN}:member`, value: ['CN=a', 'CN=b'] }), GROUP);
    expect(result[ECMA_GROUP_URN]).toEqual({ member: ['CN=a', 'CN=b'] });
  });
});

describe('applyPatch: bad input', () => {
  const cases: Array<[string, PatchOperation[], string, string]> = [
    ['an unknown core attribute', [{ op: 'replace', path: 'shoeSize', value: 1 }], 'invalidPath', 'Unknown attribute "shoeSize"'],
    ['an unknown sub-attribute', [{ op: 'replace', path: 'name.nickname', value: 'x' }], 'invalidPath', 'Unknown attribute "name.nickname"'],
    ['an unknown extension attribute', [{ op: 'add', path: `${ENTERPRISE}:shoeSize`, value: 1 }], 'invalidPath', `Unknown attribute "shoeSize" in schema ${ENTERPRISE}`],
    ['an unknown key in a path-less value', [{ op: 'add', value: { displayName: 'x', shoeSize: 1 } }], 'invalidPath', 'Unknown attribute "shoeSize"'],
    ['an unknown attribute in a value filter', [{ op: 'replace', path: 'emails[kind eq "work"].value', value: 'x' }], 'invalidPath', 'Unknown sub-attribute "emails.kind" in filter'],
    ['a path that names no attribute', [{ op: 'add', path: 'emails[type eq "work"]]', value: 'x' }], 'invalidPath', 'Invalid path at position 23: expected the end of the path, found "]"'],
    ['replacing id', [{ op: 'replace', path: 'id', value: 'other' }], 'mutability', 'Attribute "id" is readOnly'],
    ['removing id', [{ op: 'remove', path: 'id' }], 'mutability', 'Attribute "id" is readOnly'],
    ['writing meta', [{ op: 'replace', path: 'meta.created', value: '2020-01-01T00:00:00Z' }], 'mutability', 'Attribute "meta.created" is readOnly'],
    ['writing groups', [{ op: 'add', path: 'groups', value: [{ value: 'g1' }] }], 'mutability', 'Attribute "groups" is readOnly'],
    ['writing the manager displayName', [{ op: 'replace', path: 'manager.displayName', value: 'x' }], 'mutability', `Attribute "${ENTERPRISE}:manager.displayName" is readOnly`],
    ['writing a readOnly target attribute', [{ op: 'replace', path: `${ECMA_USER_URN}:InternalGUID`, value: 'x' }], 'mutability', `Attribute "${ECMA_USER_URN}:InternalGUID" is readOnly`],
    ['a non-boolean for a boolean', [{ op: 'replace', path: 'active', value: 'maybe' }], 'invalidValue', 'Attribute "active" must be a boolean (true or false)'],
    ['a number for a boolean', [{ op: 'replace', path: 'active', value: 1 }], 'invalidValue', 'Attribute "active" must be a boolean (true or false)'],
    ['an object for a string', [{ op: 'replace', path: 'displayName', value: { a: 1 } }], 'invalidValue', 'Attribute "displayName" must be a string'],
    ['several values for a single-valued attribute', [{ op: 'replace', path: 'displayName', value: ['a', 'b'] }], 'invalidValue', 'Attribute "displayName" is single-valued but got 2 values'],
    ['text for an integer', [{ op: 'add', path: `${ECMA_USER_URN}:EmployeeId`, value: 'forty-two' }], 'invalidValue', `Attribute "${ECMA_USER_URN}:EmployeeId" must be an integer`],
    ['a fraction for an integer', [{ op: 'add', path: `${ECMA_USER_URN}:EmployeeId`, value: 4.2 }], 'invalidValue', `Attribute "${ECMA_USER_URN}:EmployeeId" must be an integer`],
    ['a bad dateTime', [{ op: 'add', path: `${ECMA_USER_URN}:HireDate`, value: '31/12/2020' }], 'invalidValue', `Attribute "${ECMA_USER_URN}:HireDate" must be a dateTime (xsd:dateTime, e.g. 2024-05-01T12:00:00Z)`],
    ['a bad sub-attribute value', [{ op: 'add', path: 'emails', value: [{ value: 'a@b', primary: 'yes' }] }], 'invalidValue', 'Attribute "emails.primary" must be a boolean (true or false)'],
    ['a string for a complex attribute without value', [{ op: 'replace', path: 'name', value: 'Barbara' }], 'invalidValue', 'Attribute "name" must be a complex value (a JSON object)'],
    ['a non-object for an extension', [{ op: 'replace', path: ENTERPRISE, value: 'x' }], 'invalidValue', `The value for "${ENTERPRISE}" must be a JSON object`],
  ];

  it.each(cases)('refuses %s', (_name, operations, scimType, detail) => {
    const error = errorOf(() => applyPatch(bjensen(), operations, USER));
    expect(error.status).toBe(400);
    expect([error.scimType, error.detail]).toEqual([scimType, detail]);
  });

  it('never puts the value into the error detail', () => {
    const error = errorOf(() => applyPatch(bjensen(), [{ op: 'replace', path: `${ECMA_USER_URN}:EmployeeId`, value: 'S3cr3t-P@ss' }], USER));
    expect(error.detail).not.toContain('S3cr3t');
  });

  it('lets a client echo a readOnly value unchanged', () => {
    const result = applyPatch(bjensen(), [{ op: 'replace', value: { id: '2819c223-7f76-453a-919d-413861904646', active: false } }], USER);
    expect(result.active).toBe(false);
    expect(result.id).toBe('2819c223-7f76-453a-919d-413861904646');
  });

  it('applies nothing when a later operation fails (the caller gets the error, the input is untouched)', () => {
    const original = bjensen();
    expect(() =>
      applyPatch(original, [
        { op: 'replace', path: 'displayName', value: 'changed' },
        { op: 'replace', path: 'id', value: 'x' },
      ], USER),
    ).toThrow(ScimError);
    expect(original.displayName).toBe('Babs Jensen');
  });

  it('tolerates unknown schema URNs in paths', () => {
    expect(applyPatch(user(), [{ op: 'add', path: 'urn:ietf:params:scim:schemas:extension:Other:2.0:User:thing', value: 'x' }], USER)).toEqual(user());
  });
});
