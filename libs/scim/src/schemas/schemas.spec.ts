import { CORE_GROUP_SCHEMA } from './core-group.schema';
import { CORE_USER_SCHEMA } from './core-user.schema';
import { ecma2HostExtension } from './ecma2host.schema';
import { ENTERPRISE_USER_SCHEMA } from './enterprise-user.schema';
import { ResourceSchema } from './resource-schema';
import type { AttributeDefinition } from './schema.types';
import { ECMA_USER_URN, ENTERPRISE, USER } from '../fixtures/resource-schemas.fixture';

const names = (attributes: readonly AttributeDefinition[]) => attributes.map((attribute) => attribute.name);
const byName = (attributes: readonly AttributeDefinition[], name: string) => attributes.find((attribute) => attribute.name === name)!;

describe('core schemas', () => {
  it('lists every RFC 7643 User attribute', () => {
    expect(CORE_USER_SCHEMA.id).toBe('urn:ietf:params:scim:schemas:core:2.0:User');
    expect(names(CORE_USER_SCHEMA.attributes)).toEqual([
      'userName', 'name', 'displayName', 'nickName', 'profileUrl', 'title', 'userType', 'preferredLanguage', 'locale', 'timezone',
      'active', 'password', 'emails', 'phoneNumbers', 'ims', 'photos', 'addresses', 'groups', 'entitlements', 'roles', 'x509Certificates',
    ]);
    expect(byName(CORE_USER_SCHEMA.attributes, 'userName')).toMatchObject({ required: true, uniqueness: 'server', caseExact: false });
    expect(byName(CORE_USER_SCHEMA.attributes, 'password')).toMatchObject({ mutability: 'writeOnly', returned: 'never' });
    expect(byName(CORE_USER_SCHEMA.attributes, 'groups')).toMatchObject({ mutability: 'readOnly', multiValued: true });
    expect(byName(CORE_USER_SCHEMA.attributes, 'active').type).toBe('boolean');
    expect(names(byName(CORE_USER_SCHEMA.attributes, 'name').subAttributes!)).toEqual([
      'formatted', 'familyName', 'givenName', 'middleName', 'honorificPrefix', 'honorificSuffix',
    ]);
    expect(names(byName(CORE_USER_SCHEMA.attributes, 'emails').subAttributes!)).toEqual(['value', 'display', 'type', 'primary']);
    expect(byName(byName(CORE_USER_SCHEMA.attributes, 'emails').subAttributes!, 'type').canonicalValues).toEqual(['work', 'home', 'other']);
    expect(byName(byName(CORE_USER_SCHEMA.attributes, 'x509Certificates').subAttributes!, 'value').type).toBe('binary');
    expect(names(byName(CORE_USER_SCHEMA.attributes, 'addresses').subAttributes!)).toEqual([
      'formatted', 'streetAddress', 'locality', 'region', 'postalCode', 'country', 'type', 'primary',
    ]);
  });

  it('defines the Group with members {value, $ref, display, type}', () => {
    expect(CORE_GROUP_SCHEMA.id).toBe('urn:ietf:params:scim:schemas:core:2.0:Group');
    expect(names(CORE_GROUP_SCHEMA.attributes)).toEqual(['displayName', 'members']);
    expect(names(byName(CORE_GROUP_SCHEMA.attributes, 'members').subAttributes!)).toEqual(['value', '$ref', 'display', 'type']);
  });

  it('defines the Enterprise User extension with manager {value, $ref, displayName}', () => {
    expect(ENTERPRISE_USER_SCHEMA.id).toBe(ENTERPRISE);
    expect(names(ENTERPRISE_USER_SCHEMA.attributes)).toEqual(['employeeNumber', 'costCenter', 'organization', 'division', 'department', 'manager']);
    const manager = byName(ENTERPRISE_USER_SCHEMA.attributes, 'manager');
    expect(names(manager.subAttributes!)).toEqual(['value', '$ref', 'displayName']);
    expect(byName(manager.subAttributes!, 'displayName').mutability).toBe('readOnly');
  });
});

describe('ecma2HostExtension', () => {
  it('builds the ECMA2Host schema for a resource type', () => {
    const schema = ecma2HostExtension('Group', [{ name: 'member', type: 'reference', multiValued: true, required: false, caseExact: false }]);
    expect(schema.id).toBe('urn:ietf:params:scim:schemas:extension:ECMA2Host:2.0:Group');
    expect(schema.attributes).toEqual([
      {
        name: 'member',
        type: 'reference',
        multiValued: true,
        description: '',
        required: false,
        caseExact: false,
        mutability: 'readWrite',
        returned: 'default',
        uniqueness: 'none',
      },
    ]);
  });

  it('makes export_password write-only and never returned, and readOnly target attributes readOnly', () => {
    const schema = ecma2HostExtension('User', [
      { name: 'export_password', type: 'string', multiValued: false, required: false, caseExact: true },
      { name: 'objectGUID', type: 'binary', multiValued: false, required: false, caseExact: true, readOnly: true },
    ]);
    expect(schema.id).toBe(ECMA_USER_URN);
    expect(schema.attributes[0]).toMatchObject({ mutability: 'writeOnly', returned: 'never' });
    expect(schema.attributes[1]).toMatchObject({ mutability: 'readOnly', returned: 'default' });
  });

  it('refuses two attributes whose names differ only in case', () => {
    expect(() =>
      ecma2HostExtension('User', [
        { name: 'mail', type: 'string', multiValued: false, required: false, caseExact: false },
        { name: 'Mail', type: 'string', multiValued: false, required: false, caseExact: false },
      ]),
    ).toThrow(/listed twice/);
  });
});

describe('ResourceSchema.resolve', () => {
  it('resolves core, sub- and common attributes case-insensitively to canonical definitions', () => {
    expect(USER.resolve({ attribute: 'USERNAME' })).toMatchObject({ kind: 'attribute', extension: false, attribute: { name: 'userName' } });
    expect(USER.resolve({ attribute: 'name', subAttribute: 'GIVENNAME' })).toMatchObject({
      attribute: { name: 'name' },
      subAttribute: { name: 'givenName' },
    });
    expect(USER.resolve({ attribute: 'ID' })).toMatchObject({ kind: 'attribute', attribute: { name: 'id', mutability: 'readOnly' } });
    expect(USER.resolve({ attribute: 'meta', subAttribute: 'lastmodified' })).toMatchObject({ subAttribute: { name: 'lastModified', type: 'dateTime' } });
  });

  it('recognises URN prefixes against the known schemas, colons and dots included', () => {
    expect(USER.resolve({ uri: 'urn:ietf:params:scim:schemas:extension:ECMA2Host:2.0:User', attribute: 'firstname' })).toMatchObject({
      kind: 'attribute',
      schemaUrn: ECMA_USER_URN,
      extension: true,
      attribute: { name: 'FirstName' },
    });
    expect(USER.resolve({ uri: 'URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER', attribute: 'userName' })).toMatchObject({ extension: false });
    // `urn:…:enterprise:2.0:User.manager`, as the SCIM Inbound collection writes it.
    expect(USER.resolve({ uri: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0', attribute: 'User', subAttribute: 'manager' })).toMatchObject({
      schemaUrn: ENTERPRISE,
      attribute: { name: 'manager' },
    });
    expect(USER.resolve({ uri: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0', attribute: 'User' })).toEqual({
      kind: 'schema',
      schemaUrn: ENTERPRISE,
      extension: true,
    });
  });

  it('tells unknown schemas from unknown attributes', () => {
    expect(USER.resolve({ uri: 'urn:example:params:scim:schemas:extension:Other:2.0:User', attribute: 'x' })).toEqual({
      kind: 'unknownSchema',
      uri: 'urn:example:params:scim:schemas:extension:Other:2.0:User',
    });
    expect(USER.resolve({ uri: ENTERPRISE, attribute: 'shoeSize' })).toEqual({ kind: 'unknownAttribute', schemaUrn: ENTERPRISE, name: 'shoeSize' });
    expect(USER.resolve({ attribute: 'name', subAttribute: 'nope' })).toMatchObject({ kind: 'unknownAttribute', name: 'name.nope' });
    expect(USER.resolve({ attribute: 'userName', subAttribute: 'x' })).toMatchObject({ kind: 'unknownAttribute' });
  });

  it('falls back to the extensions for names without URN, core first', () => {
    expect(USER.resolve({ attribute: 'department' })).toMatchObject({ schemaUrn: ENTERPRISE, attribute: { name: 'department' } });
    expect(USER.resolve({ attribute: 'department' }, { fallbackToExtensions: false })).toMatchObject({ kind: 'unknownAttribute' });
    const withClash = new ResourceSchema({
      resourceType: 'User',
      endpoint: '/Users',
      core: CORE_USER_SCHEMA,
      extensions: [{ schema: ecma2HostExtension('User', [{ name: 'displayName', type: 'string', multiValued: false, required: false, caseExact: false }]), required: false }],
    });
    expect(withClash.resolve({ attribute: 'displayName' })).toMatchObject({ extension: false });
    expect(withClash.resolve({ uri: ECMA_USER_URN, attribute: 'displayName' })).toMatchObject({ extension: true });
  });

  it('refuses the same schema twice', () => {
    expect(
      () => new ResourceSchema({ resourceType: 'User', endpoint: '/Users', core: CORE_USER_SCHEMA, extensions: [{ schema: CORE_USER_SCHEMA, required: false }] }),
    ).toThrow(/listed twice/);
  });

  it('writes canonical paths', () => {
    const target = USER.resolve({ uri: ENTERPRISE.toLowerCase(), attribute: 'MANAGER', subAttribute: 'VALUE' });
    if (target.kind !== 'attribute') throw new Error('expected an attribute');
    expect(USER.canonicalPath(target)).toBe(`${ENTERPRISE}:manager.value`);
  });
});
