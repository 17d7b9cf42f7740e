/**
 * Issue 11 item 1: a target attribute that may hold many values (LDAP givenName, manager) mapped to
 * a singular SCIM attribute shows one value, as /Schemas declares; the ECMA2Host extension shows the
 * target attribute as /Schemas declares it there (multi-valued: an array).
 */
import type { AttributeSchema, ObjectTypeSchema } from '@connector-host/connector-sdk';
import type { ObjectTypeConfig } from '@connector-host/config';
import { applyPatch, ENTERPRISE_USER_URN, normalizeResource, isScimError, type AttributeDefinition, type SchemaDefinition } from '@connector-host/scim';
import { diffAttributes } from './attribute-delta';
import { ObjectMapper, scimShapeOf } from './object-mapper';
import { parseMappingPath } from './mapping-path';
import { resourceSchemaOf } from './resource-schema';

const EXT = 'urn:ietf:params:scim:schemas:extension:ECMA2Host:2.0:User';
const attr = (name: string, multiValued: boolean, extra: Partial<AttributeSchema> = {}): AttributeSchema => ({
  name,
  type: 'string',
  multiValued,
  required: false,
  readOnly: false,
  caseExact: false,
  ...extra,
});

/** inetOrgPerson as a directory declares it: everything multi-valued but what the config made single. */
const schema: ObjectTypeSchema = {
  name: 'User',
  targetName: 'inetOrgPerson',
  anchor: 'entryUUID',
  attributes: [
    attr('entryUUID', false, { readOnly: true }),
    attr('uid', false),
    attr('givenName', true),
    attr('sn', true),
    attr('displayName', false),
    attr('title', true),
    attr('mail', true),
    attr('manager', true, { type: 'reference' }),
    attr('objectClass', true),
  ],
};

const config: ObjectTypeConfig = {
  name: 'User',
  anchor: 'entryUUID',
  queryAttributes: ['uid'],
  dn: { kind: 'template', template: 'uid={uid},ou=People,dc=example,dc=com' },
  scimMappings: {
    userName: 'uid',
    'name.givenName': 'givenName',
    'name.familyName': 'sn',
    displayName: 'displayName',
    title: 'title',
    'emails[type eq "work"].value': 'mail',
    [`${ENTERPRISE_USER_URN}:manager`]: 'manager',
  },
  deprovisioning: { disable: { flow: 'delete' }, delete: { flow: 'delete' } },
  references: [],
  target: {},
};

const object = {
  objectType: 'User',
  anchor: 'u-1',
  dn: 'uid=ada,ou=People,dc=example,dc=com',
  attributes: {
    entryUUID: ['u-1'],
    uid: ['ada'],
    givenName: ['Ada', 'Augusta'],
    sn: ['King'],
    title: ['Countess'],
    mail: ['ada@x.org', 'ada.king@x.org'],
    manager: ['m-1'],
    objectClass: ['inetOrgPerson'],
  },
};

/** Every value of the resource against /Schemas: a singular attribute (and sub-attribute) never an array, a multi-valued one always. */
function mismatches(resource: Record<string, unknown>, schemas: SchemaDefinition[], coreId: string): string[] {
  const out: string[] = [];
  const check = (value: unknown, definition: AttributeDefinition, where: string): void => {
    if (definition.multiValued !== Array.isArray(value)) out.push(`${where}: ${definition.multiValued ? 'multi-valued but not an array' : 'singular but an array'}`);
    const items = Array.isArray(value) ? value : [value];
    for (const item of items) {
      if (definition.type !== 'complex' || !item || typeof item !== 'object') continue;
      for (const [key, inner] of Object.entries(item)) {
        const sub = definition.subAttributes?.find((s) => s.name.toLowerCase() === key.toLowerCase());
        if (sub) check(inner, sub, `${where}.${key}`);
      }
    }
  };
  for (const schema of schemas) {
    const container = schema.id === coreId ? resource : (resource[schema.id] as Record<string, unknown> | undefined);
    if (!container) continue;
    for (const definition of schema.attributes) {
      const key = Object.keys(container).find((k) => k.toLowerCase() === definition.name.toLowerCase());
      if (key !== undefined) check(container[key], definition, schema.id === coreId ? definition.name : `${schema.id}:${definition.name}`);
    }
  }
  return out;
}

describe('singular SCIM attributes over multi-valued target attributes', () => {
  const mapper = new ObjectMapper(config, schema);
  const resourceSchema = resourceSchemaOf(mapper);

  it('the shape of a mapping path comes from the SCIM schemas', () => {
    const shape = (path: string, core = 'urn:ietf:params:scim:schemas:core:2.0:User') => scimShapeOf(parseMappingPath(path), core);
    expect(shape('userName')).toBe('single');
    expect(shape('name.givenName')).toBe('single');
    expect(shape('emails[type eq "work"].value')).toBe('single');
    expect(shape(`${ENTERPRISE_USER_URN}:manager`)).toBe('single');
    expect(shape('externalId')).toBe('single');
    expect(shape('active')).toBe('single');
    expect(shape('emails')).toBe('manyComplex');
    expect(shape('members', 'urn:ietf:params:scim:schemas:core:2.0:Group')).toBe('manyComplex');
    expect(shape('displayName', 'urn:ietf:params:scim:schemas:core:2.0:Group')).toBe('single');
  });

  it('renders singular SCIM attributes (sub-attributes too) with one value, the extension as /Schemas declares it', () => {
    const resource = mapper.toScim(object);
    expect(resource.name).toEqual({ givenName: 'Ada', familyName: 'King' });
    expect(resource.title).toBe('Countess');
    expect(resource.userName).toBe('ada');
    expect(resource[ENTERPRISE_USER_URN]).toEqual({ manager: { value: 'm-1' } });
    expect(resource.emails).toEqual([{ type: 'work', primary: true, value: 'ada@x.org' }]);
    // the extension keeps the directory's multiplicity, as its /Schemas entry says
    expect((resource[EXT] as Record<string, unknown>).givenName).toEqual(['Ada', 'Augusta']);
    expect(resourceSchema.findAttribute(EXT, 'givenName')?.multiValued).toBe(true);
    expect(mismatches(resource, resourceSchema.schemas, resourceSchema.core.id)).toEqual([]);
  });

  it('writing a singular path leaves exactly that one value in the target', () => {
    const before = mapper.toScim(object);
    const after = applyPatch(before, [{ op: 'replace', path: 'name.givenName', value: 'Lovelace' }], resourceSchema);
    const target = mapper.toTarget(after, object.attributes);
    expect(target.attributes.givenName).toEqual(['Lovelace']);
    const deltas = diffAttributes(object.attributes, target.attributes, mapper.schema);
    expect(deltas.filter((d) => d.attribute === 'givenName')).toEqual([
      { attribute: 'givenName', op: 'add', values: ['Lovelace'] },
      { attribute: 'givenName', op: 'remove', values: ['Ada', 'Augusta'] },
    ]);
  });

  it('a PATCH that does not touch a singular path leaves the target attribute\'s values alone', () => {
    const before = mapper.toScim(object);
    const after = applyPatch(before, [{ op: 'replace', path: 'displayName', value: 'Ada King' }], resourceSchema);
    const target = mapper.toTarget(after, object.attributes);
    const deltas = diffAttributes(object.attributes, target.attributes, mapper.schema);
    expect(deltas).toEqual([{ attribute: 'displayName', op: 'replace', values: ['Ada King'] }]);
  });

  it('manager sent as a one-element array is one value; two values for a singular path are refused', () => {
    const sent = { schemas: [], userName: 'ada', [ENTERPRISE_USER_URN]: { manager: [{ $ref: null, value: 'm-2' }] } };
    expect(mapper.toTarget(normalizeResource(sent, resourceSchema)).attributes.manager).toEqual(['m-2']);
    let error: unknown;
    try {
      mapper.toTarget({ schemas: [], userName: 'ada', name: { givenName: ['A', 'B'] } });
    } catch (e) {
      error = e;
    }
    expect(isScimError(error) && error.status === 400 && /name\.givenName is single-valued/.test(error.detail)).toBe(true);
  });
});
